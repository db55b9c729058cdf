namespace LstmSharp.Training;

/// <summary>Exponential decay per optimizer step: <c>γ · gammaPerStep^step</c> (PyTorch's <c>ExponentialLR</c> stepped every batch).</summary>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    /// <summary>Creates an exponential schedule.</summary>
    /// <param name="learningRate">γ at step 0.</param>
    /// <param name="gammaPerStep">The multiplier per step, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is negative or not finite, or <paramref name="gammaPerStep"/> is outside (0, 1].
    /// </exception>
    public ExponentialSchedule(double learningRate, double gammaPerStep)
    {
        ThrowHelper.CheckNonNegative(learningRate);
        ThrowHelper.CheckFactor(gammaPerStep);
        LearningRate = learningRate;
        GammaPerStep = gammaPerStep;
    }

    /// <summary>γ at step 0.</summary>
    internal double LearningRate { get; }

    /// <summary>The multiplier per step.</summary>
    internal double GammaPerStep { get; }

    /// <inheritdoc/>
    protected override double Compute(long stepIndex, int epoch) => LearningRate * Math.Pow(GammaPerStep, stepIndex);
}
