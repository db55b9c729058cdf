using LstmSharp.Layers;

namespace LstmSharp.Cli;

/// <summary>
/// The cell types as the command line spells them: <c>lstm</c>, <c>gru</c>, <c>rnn</c> (PyTorch's module names in lower
/// case, as checkpoints and ONNX metadata write them). The core's own table is internal; the CLI works through the
/// public <see cref="CellType"/>.
/// </summary>
internal static class CellNames
{
    public static string Of(CellType cell) => cell.ToString().ToLowerInvariant();

    /// <summary>The name people and the docs write: <c>LSTM</c>, <c>GRU</c>, <c>RNN</c> (labels, summaries, reports).</summary>
    public static string DisplayName(CellType cell) => cell.ToString().ToUpperInvariant();

    /// <summary>
    /// The cells of a comma-separated <c>--cells</c> list, in order, each read when it is reached (so a command trains
    /// the cells before an unknown name and then stops there, as it always has).
    /// </summary>
    /// <exception cref="UsageException">A name is not a cell type.</exception>
    public static IEnumerable<CellType> ParseList(string list)
    {
        foreach (string name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return TryParse(name, out CellType cell) ? cell : throw new UsageException($"--cells: unknown cell '{name}' (use rnn, lstm, gru).");
        }
    }

    /// <summary>Reads a cell type from its name, ignoring case; numbers and combinations that <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would take are refused.</summary>
    public static bool TryParse(string? name, out CellType cell)
    {
        foreach (CellType candidate in Enum.GetValues<CellType>())
        {
            if (string.Equals(name, Of(candidate), StringComparison.OrdinalIgnoreCase))
            {
                cell = candidate;
                return true;
            }
        }

        cell = default;
        return false;
    }
}
