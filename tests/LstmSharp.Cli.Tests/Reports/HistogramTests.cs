using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Cli.Reports;

namespace LstmSharp.Cli.Tests.Reports;

public sealed class HistogramTests
{
    /// <summary>Counts values by the stored edges directly, the definition the histogram must match.</summary>
    internal static (long[] Counts, long Underflow, long Overflow, long NaN) DirectCount(Histogram histogram, IEnumerable<double> values)
    {
        var counts = new long[histogram.Counts.Count];
        long underflow = 0, overflow = 0, nan = 0;
        bool log = histogram.Scale == HistogramScale.LogMagnitude;
        IReadOnlyList<double> edges = histogram.Edges;
        foreach (double raw in values)
        {
            if (double.IsNaN(raw))
            {
                nan++;
                continue;
            }

            double value = log ? Math.Abs(raw) : raw;
            if (value < edges[0])
            {
                underflow++;
            }
            else if (value > edges[^1])
            {
                overflow++;
            }
            else
            {
                int bin = 0;
                while (bin < counts.Length - 1 && value >= edges[bin + 1])
                {
                    bin++;
                }

                counts[bin]++;
            }
        }

        return (counts, underflow, overflow, nan);
    }

    [Property(MaxTest = 200)]
    public bool Add_RandomValues_MatchesDirectCount(int seed, bool log, PositiveInt binCount)
    {
        var random = new SeededRandom((ulong)seed);
        var histogram = log
            ? new Histogram(1e-6, 1e2, 1 + binCount.Get % 60, HistogramScale.LogMagnitude)
            : new Histogram(-1.5, 2.5, 1 + binCount.Get % 60, HistogramScale.Linear);
        double[] values = [.. Enumerable.Range(0, 300).Select(_ => random.NextInt(20) switch
        {
            0 => 0.0,
            1 => double.NaN,
            2 => double.PositiveInfinity,
            3 => histogram.Edges[random.NextInt(histogram.Edges.Count)],   // exact edges
            _ => log ? Math.Pow(10, -8 + 11 * random.NextDouble()) * (random.NextDouble() < 0.5 ? -1 : 1) : -2 + 5 * random.NextDouble(),
        })];

        histogram.Add(values);

        (long[] counts, long underflow, long overflow, long nan) = DirectCount(histogram, values);
        return counts.SequenceEqual(histogram.Counts) && underflow == histogram.Underflow && overflow == histogram.Overflow
            && nan == histogram.NaNCount && histogram.Total == values.Length;
    }

    [Fact]
    public void Add_LogScaleZeroAndEdges_ZeroIsUnderflowMaximumInLastBin()
    {
        var histogram = new Histogram(1e-3, 1, 3, HistogramScale.LogMagnitude);

        histogram.Add([0f, (double)1e-3f, -1f, 2f, (double)0.05f]);   // float values, as a float model's gradients arrive

        Assert.Equal(1, histogram.Underflow);
        Assert.Equal(1, histogram.Overflow);
        Assert.Equal([1L, 1L, 1L], histogram.Counts);
        Assert.Equal(1e-2, histogram.Edges[1], 12);
    }

    [Fact]
    public void Constructor_LogScaleNonPositiveMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Histogram(0, 1, 48, HistogramScale.LogMagnitude));
}
