namespace LstmSharp.Layers;

/// <summary>
/// The names of the cell types as checkpoints, ONNX metadata and the command line spell them: <c>lstm</c>, <c>gru</c>,
/// <c>rnn</c> (PyTorch's module names in lower case).
/// </summary>
internal static class CellTypeNames
{
    /// <summary>The name of <paramref name="cell"/>.</summary>
    /// <param name="cell">The cell type.</param>
    /// <returns><c>lstm</c>, <c>gru</c> or <c>rnn</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cell"/> is not a defined cell type.</exception>
    public static string ToName(CellType cell) => cell switch
    {
        CellType.Lstm => "lstm",
        CellType.Gru => "gru",
        CellType.Rnn => "rnn",
        _ => ThrowHelper.ThrowOutOfRange<string>(nameof(cell), cell, "Unknown cell type."),
    };

    /// <summary>Reads a cell type from its name, ignoring case.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cell">The cell type, when the name is known.</param>
    /// <returns>Whether <paramref name="name"/> names a cell type.</returns>
    public static bool TryParse(string? name, out CellType cell)
    {
        foreach (CellType candidate in (ReadOnlySpan<CellType>)[CellType.Lstm, CellType.Gru, CellType.Rnn])
        {
            if (string.Equals(name, ToName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                cell = candidate;
                return true;
            }
        }

        cell = default;
        return false;
    }
}
