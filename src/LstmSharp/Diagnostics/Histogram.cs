using System.Numerics;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Counts of values in fixed bins, with the values below the first edge (<see cref="Underflow"/>), above the last
/// (<see cref="Overflow"/>) and NaN kept apart so that nothing is silently dropped.
/// </summary>
/// <remarks>
/// Bin k holds the values v with <c>Edges[k] ≤ v &lt; Edges[k + 1]</c>; the last bin also holds <c>v = Edges[^1]</c>.
/// For <see cref="HistogramScale.LogMagnitude"/>, v is |x| and an exact zero is underflow.
/// </remarks>
public sealed class Histogram
{
    private readonly long[] _counts;
    private readonly double _low, _width;   // in the binning domain: x, or log10 |x|

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="options">The bins.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options are invalid.</exception>
    public Histogram(HistogramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _counts = new long[options.BinCount];
        bool log = options.Scale == HistogramScale.LogMagnitude;
        _low = log ? Math.Log10(options.Minimum) : options.Minimum;
        double high = log ? Math.Log10(options.Maximum) : options.Maximum;
        _width = (high - _low) / options.BinCount;
        var edges = new double[options.BinCount + 1];
        for (int edge = 0; edge <= options.BinCount; edge++)
        {
            double position = edge == options.BinCount ? high : _low + edge * _width;
            edges[edge] = log ? Math.Pow(10, position) : position;
        }

        edges[0] = options.Minimum;
        edges[^1] = options.Maximum;
        Edges = edges;
    }

    /// <summary>The bins.</summary>
    public HistogramOptions Options { get; }

    /// <summary>(BinCount + 1): the bin edges, ascending; magnitudes for a log-scale histogram.</summary>
    public IReadOnlyList<double> Edges { get; }

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

    /// <summary>The largest bin count (0 when empty).</summary>
    public long MaxCount => _counts.Length == 0 ? 0 : _counts.Max();

    /// <summary>Adds every value of <paramref name="values"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values.</param>
    public void Add<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T value in values)
        {
            Add(double.CreateChecked(value));
        }
    }

    /// <summary>Adds one value.</summary>
    /// <param name="value">The value.</param>
    public void Add(double value)
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
    /// <param name="value">A value that is not NaN.</param>
    /// <returns>The bin index.</returns>
    public int BinOf(double value)
    {
        double position = value;
        if (Options.Scale == HistogramScale.LogMagnitude)
        {
            position = Math.Abs(value);
        }

        if (position < Options.Minimum)
        {
            return -1;
        }

        if (position > Options.Maximum)
        {
            return _counts.Length;
        }

        double domain = Options.Scale == HistogramScale.LogMagnitude ? Math.Log10(position) : position;
        int bin = (int)Math.Floor((domain - _low) / _width);

        // Rounding in the log or the division can land one bin off at an edge: settle it against the stored edges.
        bin = Math.Clamp(bin, 0, _counts.Length - 1);
        while (bin > 0 && position < Edges[bin])
        {
            bin--;
        }

        while (bin < _counts.Length - 1 && position >= Edges[bin + 1])
        {
            bin++;
        }

        return bin;
    }
}
