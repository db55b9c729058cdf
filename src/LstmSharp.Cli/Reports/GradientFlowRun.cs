using LstmSharp.Diagnostics;
using LstmSharp.Layers;

namespace LstmSharp.Cli.Reports;

/// <summary>One model's gradient-flow snapshots (for example at epochs 0, 10, 20, 30, 40) under a label such as "RNN" or "LSTM".</summary>
/// <param name="Label">The name shown in the report.</param>
/// <param name="Cell">The model's cell.</param>
/// <param name="HiddenSize">The model's H (a step's values in a snapshot are B·H).</param>
/// <param name="Snapshots">The snapshots, oldest first; each should carry its <see cref="GradientFlowSnapshot.Epoch"/>.</param>
internal sealed record GradientFlowRun(string Label, CellType Cell, int HiddenSize, IReadOnlyList<GradientFlowSnapshot> Snapshots)
{
    /// <summary>The mean training loss of each epoch (index = epoch), drawn as a loss curve; empty when not recorded.</summary>
    public IReadOnlyList<double> EpochLosses { get; init; } = [];
}
