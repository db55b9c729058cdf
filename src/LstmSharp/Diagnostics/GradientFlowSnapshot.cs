using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>The state gradients of every layer at every step of one backward pass, as norms and values.</summary>
public sealed class GradientFlowSnapshot
{
    internal GradientFlowSnapshot(CellType cellType, int sequenceLength, int batchSize, int hiddenSize, LossMode lossMode, double loss, LayerGradientFlow[] layers,
        int? epoch, long? step)
    {
        CellType = cellType;
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        HiddenSize = hiddenSize;
        LossMode = lossMode;
        Loss = loss;
        Layers = layers;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>The model's cell.</summary>
    public CellType CellType { get; }

    /// <summary>T: the steps of the window.</summary>
    public int SequenceLength { get; }

    /// <summary>B: the streams.</summary>
    public int BatchSize { get; }

    /// <summary>H: the hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>Which steps carried loss. With <see cref="LossMode.LastStep"/> step t lies T − 1 − t steps from the loss.</summary>
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
