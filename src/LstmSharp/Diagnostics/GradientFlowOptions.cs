namespace LstmSharp.Diagnostics;

/// <summary>What a <see cref="GradientFlowRecorder{T}"/> keeps of each step's state gradients.</summary>
public sealed record GradientFlowOptions
{
    /// <summary>The bins of the per-step histograms. Default: 48 log-spaced bins over magnitudes 1e-12 … 10.</summary>
    public HistogramOptions Histogram { get; init; } = new();

    /// <summary>Whether a snapshot keeps every recorded value (T·B·H per series) as well as norms and histograms. Default true.</summary>
    public bool KeepValues { get; init; } = true;
}
