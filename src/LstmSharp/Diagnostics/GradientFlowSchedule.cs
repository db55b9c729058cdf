using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Records the gradient flow of a fixed probe window at the start of chosen training epochs (the article took epochs 0,
/// 10, 20, 30 and 40). Created by <see cref="Training.Trainer.RecordGradientFlowAt"/>; the trainer calls it at each
/// epoch boundary, and it records each chosen epoch once.
/// </summary>
/// <remarks>
/// Recording runs one extra forward and backward pass on the probe; it saves and restores the gradient buffers and uses
/// no random numbers, so training continues bit for bit as it would have without it.
/// </remarks>
public sealed class GradientFlowSchedule
{
    private readonly HashSet<int> _epochs;
    private readonly HashSet<int> _done = [];
    private readonly List<GradientFlowSnapshot> _snapshots = [];
    private GradientFlowRecorder<float>? _recorder;

    /// <summary>Creates a schedule.</summary>
    /// <param name="epochs">The epochs to record, each before its first step (0 = the untrained model).</param>
    /// <param name="probe">The window to record.</param>
    /// <param name="options">What to keep; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An epoch is negative, or the histogram options are invalid.</exception>
    public GradientFlowSchedule(IReadOnlySet<int> epochs, GradientFlowProbe probe, GradientFlowOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(probe);
        if (epochs.Any(epoch => epoch < 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(epochs), epochs.Min(), "Epochs are counted from 0.");
        }

        Options = options ?? new GradientFlowOptions();
        Options.Histogram.Validate();
        _epochs = [.. epochs];
        Probe = probe;
    }

    /// <summary>The epochs to record.</summary>
    public IReadOnlySet<int> Epochs => _epochs;

    /// <summary>The probe window.</summary>
    public GradientFlowProbe Probe { get; }

    /// <summary>What each snapshot keeps.</summary>
    public GradientFlowOptions Options { get; }

    /// <summary>The snapshots taken so far, in the order taken, each with its <see cref="GradientFlowSnapshot.Epoch"/> and <see cref="GradientFlowSnapshot.Step"/>.</summary>
    public IReadOnlyList<GradientFlowSnapshot> Snapshots => _snapshots;

    /// <summary>Raised after each snapshot, on the training thread.</summary>
    public event EventHandler<GradientFlowSnapshot>? Recorded;

    /// <summary>Records the probe if <paramref name="epoch"/> is chosen and not yet recorded.</summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="epoch">The epoch about to start.</param>
    /// <param name="step">The optimizer steps taken so far.</param>
    /// <returns>The new snapshot, or <see langword="null"/> when nothing was recorded.</returns>
    public GradientFlowSnapshot? OnEpochStart(CharModel<float> model, int epoch, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_epochs.Contains(epoch) || !_done.Add(epoch))
        {
            return null;
        }

        _recorder ??= new GradientFlowRecorder<float>(model, Options);
        GradientFlowSnapshot snapshot = _recorder.RecordWindow(Probe.Inputs, Probe.Targets, Probe.SequenceLength, Probe.BatchSize, Probe.LossMode)
            with { Epoch = epoch, Step = step };
        _snapshots.Add(snapshot);
        Recorded?.Invoke(this, snapshot);
        return snapshot;
    }
}
