using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>The state gradients of every layer at every step of one backward pass, as norms, histograms and (optionally) values.</summary>
/// <param name="CellType">The model's cell.</param>
/// <param name="SequenceLength">T: the steps of the window.</param>
/// <param name="BatchSize">B: the streams.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="LossMode">Which steps carried loss. With <see cref="LossMode.LastStep"/> step t lies T − 1 − t steps from the loss.</param>
/// <param name="Loss">The window's mean loss in nats, or NaN when unknown.</param>
/// <param name="Layers">One entry per layer, bottom first.</param>
public sealed record GradientFlowSnapshot(CellType CellType, int SequenceLength, int BatchSize, int HiddenSize, LossMode LossMode, double Loss,
    IReadOnlyList<LayerGradientFlow> Layers)
{
    /// <summary>The training epoch the snapshot was taken at (before that epoch's first step), or <see langword="null"/>.</summary>
    public int? Epoch { get; init; }

    /// <summary>The optimizer step the snapshot was taken at, or <see langword="null"/>.</summary>
    public long? Step { get; init; }
}
