namespace LstmSharp.Diagnostics;

/// <summary>The bins of a <see cref="Histogram"/>.</summary>
public sealed record HistogramOptions
{
    /// <summary>The number of bins. Default 48.</summary>
    public int BinCount { get; init; } = 48;

    /// <summary>
    /// The lower edge of the first bin: a signed value for <see cref="HistogramScale.Linear"/>, a positive magnitude for
    /// <see cref="HistogramScale.LogMagnitude"/>. Default 1e-12.
    /// </summary>
    public double Minimum { get; init; } = 1e-12;

    /// <summary>The upper edge of the last bin (inclusive), in the same terms as <see cref="Minimum"/>. Default 10.</summary>
    public double Maximum { get; init; } = 10;

    /// <summary>How the bins are spaced. Default <see cref="HistogramScale.LogMagnitude"/>.</summary>
    public HistogramScale Scale { get; init; } = HistogramScale.LogMagnitude;

    /// <summary>Equal-width bins over [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    /// <param name="minimum">The lower edge.</param>
    /// <param name="maximum">The upper edge.</param>
    /// <param name="binCount">The number of bins.</param>
    /// <returns>The options.</returns>
    public static HistogramOptions Linear(double minimum, double maximum, int binCount = 48) =>
        new() { Minimum = minimum, Maximum = maximum, BinCount = binCount, Scale = HistogramScale.Linear };

    /// <summary>Log-spaced bins over magnitudes in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    /// <param name="minimum">The smallest magnitude binned (positive).</param>
    /// <param name="maximum">The largest magnitude binned.</param>
    /// <param name="binCount">The number of bins.</param>
    /// <returns>The options.</returns>
    public static HistogramOptions LogMagnitude(double minimum, double maximum, int binCount = 48) =>
        new() { Minimum = minimum, Maximum = maximum, BinCount = binCount, Scale = HistogramScale.LogMagnitude };

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bin count is not positive, the range is empty or not finite, or a log-scale minimum is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BinCount);
        if (!double.IsFinite(Minimum) || !double.IsFinite(Maximum) || !(Maximum > Minimum))
        {
            ThrowHelper.ThrowOutOfRange(nameof(Maximum), Maximum, $"The range [{Minimum}, {Maximum}] must be finite and non-empty.");
        }

        ThrowHelper.CheckDefined(Scale, "Unknown histogram scale.");

        if (Scale == HistogramScale.LogMagnitude && !(Minimum > 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(Minimum), Minimum, "A log-magnitude histogram needs a positive minimum.");
        }
    }
}
