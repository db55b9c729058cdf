namespace LstmSharp.Training;

/// <summary>
/// Training stopped because the loss or the gradients became NaN or infinite, or the loss rose far above its start.
/// The model holds the last good parameters (those of the last evaluation that passed, or the start).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened and what to try.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened and what to try.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The step at which divergence was detected.</summary>
    public long Step { get; internal init; }
}
