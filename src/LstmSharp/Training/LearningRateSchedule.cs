namespace LstmSharp.Training;

/// <summary>A learning rate as a function of the optimizer step and the epoch, evaluated in double.</summary>
/// <remarks>Schedules are immutable and stateless, so a resumed run needs only its step and epoch to continue.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for one optimizer step.</summary>
    /// <param name="step">The number of optimizer steps already taken (0 for the first step).</param>
    /// <param name="epoch">The number of epochs already completed (0 during the first epoch).</param>
    /// <returns>The learning rate γ, non-negative.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> or <paramref name="epoch"/> is negative.</exception>
    public double LearningRateAt(long step, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Compute(step, epoch);
    }

    /// <summary>Computes the rate for a validated <paramref name="stepIndex"/> and <paramref name="epoch"/>.</summary>
    /// <param name="stepIndex">The number of optimizer steps already taken, at least 0.</param>
    /// <param name="epoch">The number of epochs already completed, at least 0.</param>
    /// <returns>The learning rate.</returns>
    protected abstract double Compute(long stepIndex, int epoch);
}
