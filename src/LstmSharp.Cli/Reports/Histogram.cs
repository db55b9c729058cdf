namespace LstmSharp.Cli.Reports;

/// <summary>
/// Counts of values in fixed bins, with the values below the first edge (<see cref="Underflow"/>), above the last
/// (<see cref="Overflow"/>) and NaN kept apart so that nothing is silently dropped. The article's histograms of dL/dh
/// are <c>new Histogram(-0.01, 0.01, 100, HistogramScale.Linear)</c> over one step's <see cref="StateGradientSeries.StepValues"/>.
/// </summary>
/// <remarks>
/// Bin k holds the values v with <c>Edges[k] ≤ v &lt; Edges[k + 1]</c>; the last bin also holds <c>v = Edges[^1]</c>.
/// For <see cref="HistogramScale.LogMagnitude"/>, v is |x| and an exact zero is underflow.
/// </remarks>
internal sealed class Histogram
{
    private readonly long[] _counts;
    private readonly double[] _edges;
    private readonly double _low, _width;   // in the binning domain: x, or log10 |x|

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="minimum">The lower edge of the first bin: a signed value for <see cref="HistogramScale.Linear"/>, a positive magnitude for <see cref="HistogramScale.LogMagnitude"/>.</param>
    /// <param name="maximum">The upper edge of the last bin (inclusive), in the same terms.</param>
    /// <param name="binCount">The number of bins.</param>
    /// <param name="scale">How the bins are spaced.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bin count is not positive, the range is empty or not finite, the scale is unknown, or a log-scale minimum is not positive.</exception>
    public Histogram(double minimum, double maximum, int binCount, HistogramScale scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(binCount);
        if (!double.IsFinite(minimum) || !double.IsFinite(maximum) || !(maximum > minimum))
        {
            throw new ArgumentOutOfRangeException(nameof(maximum), maximum, $"The range [{minimum}, {maximum}] must be finite and non-empty.");
        }

        if (!Enum.IsDefined(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown histogram scale.");
        }

        if (scale == HistogramScale.LogMagnitude && !(minimum > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "A log-magnitude histogram needs a positive minimum.");
        }

        Scale = scale;
        _counts = new long[binCount];
        bool log = scale == HistogramScale.LogMagnitude;
        _low = log ? Math.Log10(minimum) : minimum;
        double high = log ? Math.Log10(maximum) : maximum;
        _width = (high - _low) / binCount;
        _edges = new double[binCount + 1];
        for (int edge = 0; edge <= binCount; edge++)
        {
            double position = edge == binCount ? high : _low + edge * _width;
            _edges[edge] = log ? Math.Pow(10, position) : position;
        }

        _edges[0] = minimum;
        _edges[^1] = maximum;
    }

    /// <summary>How the bins are spaced.</summary>
    public HistogramScale Scale { get; }

    /// <summary>(BinCount + 1): the bin edges, ascending; magnitudes for a log-scale histogram.</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>(BinCount): the count in each bin.</summary>
    public IReadOnlyList<long> Counts => _counts;

    /// <summary>Values below <c>Edges[0]</c> (for a log scale: magnitudes below it, zeros included).</summary>
    public long Underflow { get; private set; }

    /// <summary>Values above <c>Edges[^1]</c>, infinities included.</summary>
    public long Overflow { get; private set; }

    /// <summary>NaN values.</summary>
    public long NaNCount { get; private set; }

    /// <summary>Every value added: the bins, underflow, overflow and NaN.</summary>
    public long Total { get; private set; }

    /// <summary>Adds every value of <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    public void Add(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            Add(value);
        }
    }

    /// <summary>Adds one value.</summary>
    internal void Add(double value)
    {
        Total++;
        if (double.IsNaN(value))
        {
            NaNCount++;
            return;
        }

        int bin = BinOf(value);
        if (bin < 0)
        {
            Underflow++;
        }
        else if (bin >= _counts.Length)
        {
            Overflow++;
        }
        else
        {
            _counts[bin]++;
        }
    }

    /// <summary>The bin <paramref name="value"/> falls in: −1 for underflow, BinCount for overflow. NaN is not binned.</summary>
    internal int BinOf(double value)
    {
        double position = Scale == HistogramScale.LogMagnitude ? Math.Abs(value) : value;
        if (position < _edges[0])
        {
            return -1;
        }

        if (position > _edges[^1])
        {
            return _counts.Length;
        }

        double domain = Scale == HistogramScale.LogMagnitude ? Math.Log10(position) : position;
        int bin = (int)Math.Floor((domain - _low) / _width);

        // Rounding in the log or the division can land one bin off at an edge: settle it against the stored edges.
        bin = Math.Clamp(bin, 0, _counts.Length - 1);
        while (bin > 0 && position < _edges[bin])
        {
            bin--;
        }

        while (bin < _counts.Length - 1 && position >= _edges[bin + 1])
        {
            bin++;
        }

        return bin;
    }
}
