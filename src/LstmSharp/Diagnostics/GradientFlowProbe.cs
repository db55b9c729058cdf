using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>A fixed window whose gradient flow is recorded again and again (for example at chosen epochs of training), so the pictures compare like with like.</summary>
public sealed class GradientFlowProbe
{
    private readonly int[] _inputs;
    private readonly int[] _targets;

    /// <summary>Creates a probe window.</summary>
    /// <param name="inputs">(T, B): input ids, time-major.</param>
    /// <param name="targets">(T, B) for <see cref="LossMode.EveryStep"/>, (B) for <see cref="LossMode.LastStep"/>.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="lossMode">Which steps carry loss; the default puts the loss on the last step only, so step t lies T − 1 − t from it.</param>
    /// <exception cref="ArgumentException">A length does not match T·B or B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the loss mode is unknown.</exception>
    public GradientFlowProbe(int[] inputs, int[] targets, int sequenceLength, int batchSize, LossMode lossMode = LossMode.LastStep)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ThrowHelper.CheckDefined(lossMode, "Unknown loss mode.");
        ThrowHelper.CheckLength(inputs.Length, sequenceLength * batchSize, nameof(inputs));
        ThrowHelper.CheckLength(targets.Length, lossMode == LossMode.LastStep ? batchSize : sequenceLength * batchSize, nameof(targets));
        _inputs = (int[])inputs.Clone();
        _targets = (int[])targets.Clone();
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        LossMode = lossMode;
    }

    /// <summary>(T, B): the input ids.</summary>
    public ReadOnlySpan<int> Inputs => _inputs;

    /// <summary>(T, B) or (B): the target ids.</summary>
    public ReadOnlySpan<int> Targets => _targets;

    /// <summary>T.</summary>
    public int SequenceLength { get; }

    /// <summary>B.</summary>
    public int BatchSize { get; }

    /// <summary>Which steps carry loss.</summary>
    public LossMode LossMode { get; }

    /// <summary>
    /// A probe of B = 1 from a text: <paramref name="ids"/>[offset .. offset + T) as input and the character after it as the
    /// only target (<see cref="LossMode.LastStep"/>).
    /// </summary>
    /// <param name="ids">The encoded text.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="offset">Where the window starts.</param>
    /// <returns>The probe.</returns>
    /// <exception cref="ArgumentException">The text is shorter than offset + T + 1.</exception>
    public static GradientFlowProbe FromText(ReadOnlySpan<int> ids, int sequenceLength, int offset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (ids.Length < offset + sequenceLength + 1)
        {
            ThrowHelper.ThrowArgument($"The text has {ids.Length} characters; the probe needs offset + T + 1 = {offset + sequenceLength + 1}.", nameof(ids));
        }

        return new GradientFlowProbe(ids.Slice(offset, sequenceLength).ToArray(), [ids[offset + sequenceLength]], sequenceLength, 1);
    }
}
