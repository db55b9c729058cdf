using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>The state gradients of every layer at every step of one backward pass, as norms and values.</summary>
/// <remarks>
/// The snapshot holds what the backward pass measured; the model's facts (cell, H) are the recorder's model's, and the
/// window's are the probe's: T is the length of each series' <see cref="StateGradientSeries.Norms"/>, and a step's
/// values are B·H.
/// </remarks>
public sealed class GradientFlowSnapshot
{
    internal GradientFlowSnapshot(LossMode lossMode, double loss, LayerGradientFlow[] layers, int? epoch, long? step)
    {
        LossMode = lossMode;
        Loss = loss;
        Layers = layers;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>Which steps carried loss (the probe's). With <see cref="LossMode.LastStep"/> step t lies T − 1 − t steps from the loss.</summary>
    public LossMode LossMode { get; }

    /// <summary>The window's mean loss in nats.</summary>
    public double Loss { get; }

    /// <summary>One entry per layer, bottom first.</summary>
    public IReadOnlyList<LayerGradientFlow> Layers { get; }

    /// <summary>The training epoch the snapshot was taken at (before that epoch's first step), or <see langword="null"/> outside a <see cref="GradientFlowSchedule"/>.</summary>
    public int? Epoch { get; }

    /// <summary>The optimizer step the snapshot was taken at, or <see langword="null"/> outside a <see cref="GradientFlowSchedule"/>.</summary>
    public long? Step { get; }
}
