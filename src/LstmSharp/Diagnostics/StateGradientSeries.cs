namespace LstmSharp.Diagnostics;

/// <summary>One state gradient of one layer (for example dL/dh_t in total) at every step of a window.</summary>
public sealed class StateGradientSeries
{
    /// <summary>Creates a series; <see cref="GradientFlowRecorder{T}"/> builds them.</summary>
    /// <param name="name">The quantity: <c>dh</c>, <c>dh_carried</c>, <c>dc</c> or <c>dc_carried</c>.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="norms">(T): the L2 norm over all B·H values of each step.</param>
    /// <param name="histograms">(T): the histogram of each step's B·H values.</param>
    /// <param name="values">(T, B, H) the values, time-major, or empty when not kept.</param>
    /// <exception cref="ArgumentException">A length does not match T or T·B·H.</exception>
    public StateGradientSeries(string name, int sequenceLength, int batchSize, int hiddenSize, double[] norms, Histogram[] histograms, double[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(norms);
        ArgumentNullException.ThrowIfNull(histograms);
        ArgumentNullException.ThrowIfNull(values);
        ThrowHelper.CheckLength(norms.Length, sequenceLength, nameof(norms));
        ThrowHelper.CheckLength(histograms.Length, sequenceLength, nameof(histograms));
        if (values.Length != 0)
        {
            ThrowHelper.CheckLength(values.Length, sequenceLength * batchSize * hiddenSize, nameof(values));
        }

        Name = name;
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        HiddenSize = hiddenSize;
        Norms = norms;
        Histograms = histograms;
        Values = values;
    }

    /// <summary>The quantity: <c>dh</c> (dL/dh_t in total), <c>dh_carried</c> (only the part carried back from step t + 1), <c>dc</c>, <c>dc_carried</c>.</summary>
    public string Name { get; }

    /// <summary>T: the steps of the window.</summary>
    public int SequenceLength { get; }

    /// <summary>B: the streams.</summary>
    public int BatchSize { get; }

    /// <summary>H: the hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>(T): the L2 norm over the B·H values of step t, indexed by t (not by distance from the loss).</summary>
    public IReadOnlyList<double> Norms { get; }

    /// <summary>(T): the histogram of step t's B·H values.</summary>
    public IReadOnlyList<Histogram> Histograms { get; }

    /// <summary>(T, B, H): every value, time-major; empty when <see cref="GradientFlowOptions.KeepValues"/> was off.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>Step <paramref name="step"/>'s (B, H) values.</summary>
    /// <param name="step">t in [0, T).</param>
    /// <returns>The values, or an empty span when values were not kept.</returns>
    public ReadOnlySpan<double> StepValues(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, SequenceLength);
        int width = BatchSize * HiddenSize;
        return Values.Count == 0 ? [] : ((double[])Values).AsSpan(step * width, width);
    }
}
