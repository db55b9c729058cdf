namespace LstmSharp.Training;

/// <summary>What one call of <c>Trainer.Train</c> did.</summary>
/// <param name="Steps">Optimizer steps taken in total (including any before a resume).</param>
/// <param name="Epoch">The epoch training stopped in.</param>
/// <param name="TrainingLoss">The last window's mean loss, in nats per character.</param>
/// <param name="ValidationLoss">The last validation loss, in nats per character (NaN with no validation part).</param>
/// <param name="BestValidationLoss">The best validation loss seen by this trainer.</param>
/// <param name="CharactersPerSecond">Training throughput of this call.</param>
/// <param name="Elapsed">Wall time of this call.</param>
public sealed record TrainingResult(
    long Steps,
    int Epoch,
    double TrainingLoss,
    double ValidationLoss,
    double BestValidationLoss,
    double CharactersPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>Whether training stopped because <see cref="TrainingOptions.Patience"/> ran out rather than at a limit.</summary>
    public bool StoppedEarly { get; init; }
}
