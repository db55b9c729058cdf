namespace LstmSharp.Training;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Creates a constant schedule.</summary>
    /// <param name="learningRate">γ at every step.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    public ConstantSchedule(double learningRate)
    {
        ThrowHelper.CheckNonNegative(learningRate);
        LearningRate = learningRate;
    }

    /// <summary>γ.</summary>
    internal double LearningRate { get; }

    /// <inheritdoc/>
    protected override double Compute(long stepIndex, int epoch) => LearningRate;
}
