namespace LstmSharp.Diagnostics;

/// <summary>What <see cref="ModelExplainer"/> computes and keeps.</summary>
public sealed record ExplainOptions
{
    /// <summary>Where in the text the per-character pictures start (0-based). Default 0.</summary>
    public int ShownStart { get; init; }

    /// <summary>How many characters from <see cref="ShownStart"/> the pictures show (the statistics cover the whole text). Default 2000.</summary>
    public int ShownLength { get; init; } = 2000;

    /// <summary>Units to show over the text in any case, besides the best unit for each feature. Default none.</summary>
    public IReadOnlyList<UnitId> Units { get; init; } = [];

    /// <summary>How many guesses to keep per shown character (the hover text). Default 5.</summary>
    public int TopPredictions { get; init; } = 5;

    /// <summary>How many of the most surprising characters to list. Default 20.</summary>
    public int WorstCount { get; init; } = 20;

    /// <summary>Characters per forward pass; memory, not the result, depends on it. Default 256.</summary>
    public int WindowLength { get; init; } = 256;

    /// <summary>Throws if a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or <see cref="WorstCount"/> or <see cref="ShownStart"/> is negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ShownStart, nameof(ShownStart));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ShownLength, nameof(ShownLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TopPredictions, nameof(TopPredictions));
        ArgumentOutOfRangeException.ThrowIfNegative(WorstCount, nameof(WorstCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WindowLength, nameof(WindowLength));
        ArgumentNullException.ThrowIfNull(Units, nameof(Units));
    }
}
