namespace LstmSharp.Training;

/// <summary>What one call of <c>Trainer.Train</c> did.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(long steps, int epoch, double trainingLoss, double validationLoss, double bestValidationLoss,
        double charactersPerSecond, TimeSpan elapsed, bool stoppedEarly)
    {
        Steps = steps;
        Epoch = epoch;
        TrainingLoss = trainingLoss;
        ValidationLoss = validationLoss;
        BestValidationLoss = bestValidationLoss;
        CharactersPerSecond = charactersPerSecond;
        Elapsed = elapsed;
        StoppedEarly = stoppedEarly;
    }

    /// <summary>Optimizer steps taken in total (including any before a resume).</summary>
    public long Steps { get; }

    /// <summary>The epoch training stopped in.</summary>
    public int Epoch { get; }

    /// <summary>The last window's mean loss, in nats per character.</summary>
    public double TrainingLoss { get; }

    /// <summary>The last validation loss, in nats per character (NaN with no validation part).</summary>
    public double ValidationLoss { get; }

    /// <summary>The best validation loss seen by this trainer.</summary>
    public double BestValidationLoss { get; }

    /// <summary>Training throughput of this call.</summary>
    public double CharactersPerSecond { get; }

    /// <summary>Wall time of this call.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether training stopped because <see cref="TrainingOptions.Patience"/> ran out rather than at a limit.</summary>
    public bool StoppedEarly { get; }
}
