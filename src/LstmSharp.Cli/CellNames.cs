using LstmSharp.Layers;

namespace LstmSharp.Cli;

/// <summary>
/// The cell types as the command line spells them: <c>lstm</c>, <c>gru</c>, <c>rnn</c> (PyTorch's module names in lower
/// case, as checkpoints and ONNX metadata write them), through the library's own <see cref="CellTypeNames"/>, which the
/// CLI compiles in; and as people write them.
/// </summary>
internal static class CellNames
{
    public static string Of(CellType cell) => CellTypeNames.ToName(cell);

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
    public static bool TryParse(string? name, out CellType cell) => CellTypeNames.TryParse(name, out cell);
}
