using LstmSharp.Model;
using LstmSharp.Training;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Records the gradient flow of a fixed probe window at the start of chosen training epochs (the article took epochs 0,
/// 10, 20, 30 and 40). <see cref="AttachTo"/> subscribes it to a trainer's <see cref="Trainer.EpochStarting"/> event, so it
/// records at each epoch boundary, each chosen epoch once; the trainer does not know it is there.
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

    /// <summary>
    /// From now on, records the probe at the start of each chosen epoch of <paramref name="trainer"/> (and at the end of
    /// training if it stops on such an epoch boundary). Training proceeds bit for bit as without recording.
    /// </summary>
    /// <param name="trainer">The trainer to observe; the probe's ids must fit its model's vocabulary.</param>
    /// <returns>This schedule.</returns>
    public GradientFlowSchedule AttachTo(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.EpochStarting += (_, _) => OnEpochStart(trainer.Model, trainer.Epoch, trainer.Step);
        return this;
    }

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
