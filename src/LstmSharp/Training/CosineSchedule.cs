namespace LstmSharp.Training;

/// <summary>
/// Linear warm-up, then cosine annealing to a floor. For step s, W warm-up steps and S total steps:
/// <code>
/// s &lt; W:        γ · (s + 1) / W
/// W ≤ s &lt; S:    γmin + ½(γ − γmin)(1 + cos(π (s − W) / (S − W)))
/// s ≥ S:        γmin
/// </code>
/// Without warm-up this is PyTorch's <c>CosineAnnealingLR</c> with <c>T_max = S</c> and <c>eta_min = γmin</c>, held at γmin after S.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates a cosine schedule.</summary>
    /// <param name="learningRate">γ, the peak rate (reached at the last warm-up step, or at step 0 without warm-up).</param>
    /// <param name="totalSteps">S: the step at which the rate reaches <paramref name="minLearningRate"/>.</param>
    /// <param name="minLearningRate">γmin, the floor, at most <paramref name="learningRate"/>.</param>
    /// <param name="warmupSteps">W: the number of linear warm-up steps, less than <paramref name="totalSteps"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/> is negative or not finite, <paramref name="totalSteps"/> is not positive,
    /// <paramref name="minLearningRate"/> is outside [0, learningRate], or <paramref name="warmupSteps"/> is outside [0, totalSteps).
    /// </exception>
    public CosineSchedule(double learningRate, long totalSteps, double minLearningRate = 0, long warmupSteps = 0)
    {
        ThrowHelper.CheckNonNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ThrowHelper.CheckNonNegative(minLearningRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minLearningRate, learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmupSteps, totalSteps);
        LearningRate = learningRate;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        WarmupSteps = warmupSteps;
    }

    /// <summary>γ, the peak rate.</summary>
    internal double LearningRate { get; }

    /// <summary>S: the step at which the rate reaches <see cref="MinLearningRate"/>.</summary>
    internal long TotalSteps { get; }

    /// <summary>γmin, the floor.</summary>
    internal double MinLearningRate { get; }

    /// <summary>W: the number of warm-up steps.</summary>
    internal long WarmupSteps { get; }

    /// <inheritdoc/>
    protected override double Compute(long stepIndex, int epoch)
    {
        if (stepIndex < WarmupSteps)
        {
            return LearningRate * (stepIndex + 1) / WarmupSteps;
        }

        if (stepIndex >= TotalSteps)
        {
            return MinLearningRate;
        }

        double progress = (double)(stepIndex - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + 0.5 * (LearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}
