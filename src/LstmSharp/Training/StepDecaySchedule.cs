namespace LstmSharp.Training;

/// <summary>
/// char-rnn's schedule: the rate is multiplied by the decay factor at the end of every N-th epoch (N =
/// <c>decayEveryEpochs</c>) from <c>startEpoch</c> on. Precisely, the end of the k-th epoch
/// (k = 1, 2, …) decays the rate when k ≥ StartEpoch and (k − StartEpoch) is a multiple of DecayEveryEpochs, so
/// during epoch e (e epochs completed) the rate is <c>γ · factor^n</c>, n being the number of such k ≤ e.
/// </summary>
/// <remarks>
/// With <c>decayEveryEpochs = 1</c> and <c>startEpoch</c> set to char-rnn's <c>learning_rate_decay_after</c> this is
/// char-rnn's <c>learning_rate_decay</c>; with <c>startEpoch = 0</c> it is PyTorch's <c>StepLR</c> stepped once per
/// epoch (<c>γ · factor^⌊e / N⌋</c>).
/// </remarks>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates a step-decay schedule.</summary>
    /// <param name="learningRate">γ before any decay.</param>
    /// <param name="decayFactor">The multiplier per decay, in (0, 1] (char-rnn's <c>learning_rate_decay</c>, 0.97 there).</param>
    /// <param name="decayEveryEpochs">N: the number of epochs between decays, at least 1.</param>
    /// <param name="startEpoch">The first completed-epoch count that decays (char-rnn's <c>learning_rate_decay_after</c>, 10 there).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is negative or not finite, <paramref name="decayFactor"/> is outside (0, 1],
    /// <paramref name="decayEveryEpochs"/> is less than 1, or <paramref name="startEpoch"/> is negative.
    /// </exception>
    public StepDecaySchedule(double learningRate, double decayFactor, int decayEveryEpochs, int startEpoch = 0)
    {
        ThrowHelper.CheckNonNegative(learningRate);
        ThrowHelper.CheckFactor(decayFactor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decayEveryEpochs);
        ArgumentOutOfRangeException.ThrowIfNegative(startEpoch);
        LearningRate = learningRate;
        DecayFactor = decayFactor;
        DecayEveryEpochs = decayEveryEpochs;
        StartEpoch = startEpoch;
    }

    /// <summary>γ before any decay.</summary>
    internal double LearningRate { get; }

    /// <summary>The multiplier per decay.</summary>
    internal double DecayFactor { get; }

    /// <summary>N: epochs between decays.</summary>
    internal int DecayEveryEpochs { get; }

    /// <summary>The first completed-epoch count that decays.</summary>
    internal int StartEpoch { get; }

    /// <summary>The number of decays applied by the time <paramref name="epoch"/> epochs have completed.</summary>
    /// <param name="epoch">Completed epochs, at least 0.</param>
    /// <returns>n, the exponent of the decay factor.</returns>
    internal int DecayCount(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        // k runs over StartEpoch + j·N for j ≥ 0, counting only k in [1, epoch].
        int first = StartEpoch > 0 ? StartEpoch : DecayEveryEpochs;
        return epoch < first ? 0 : (epoch - first) / DecayEveryEpochs + 1;
    }

    /// <inheritdoc/>
    protected override double Compute(long stepIndex, int epoch) => LearningRate * Math.Pow(DecayFactor, DecayCount(epoch));
}
