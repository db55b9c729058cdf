namespace LstmSharp.Training;

/// <summary>
/// One report from a running <see cref="Trainer"/>, after a step or an evaluation. A value type, so reporting allocates
/// nothing; only the trainer creates reports.
/// </summary>
public readonly struct TrainingProgress
{
    internal TrainingProgress(long step, int epoch, double epochFraction, double trainingLoss, double validationLoss,
        double charactersPerSecond, double gradientNorm, double learningRate, bool isEvaluation, TimeSpan elapsed,
        double epochTrainingLoss)
    {
        Step = step;
        Epoch = epoch;
        EpochFraction = epochFraction;
        TrainingLoss = trainingLoss;
        ValidationLoss = validationLoss;
        CharactersPerSecond = charactersPerSecond;
        GradientNorm = gradientNorm;
        LearningRate = learningRate;
        IsEvaluation = isEvaluation;
        Elapsed = elapsed;
        EpochTrainingLoss = epochTrainingLoss;
    }

    /// <summary>Optimizer steps taken so far, in total.</summary>
    public long Step { get; }

    /// <summary>The current epoch (0-based).</summary>
    public int Epoch { get; }

    /// <summary>How far through the current epoch, in [0, 1].</summary>
    public double EpochFraction { get; }

    /// <summary>The last window's mean loss, in nats per character.</summary>
    public double TrainingLoss { get; }

    /// <summary>The latest validation loss in nats per character, or NaN before the first evaluation.</summary>
    public double ValidationLoss { get; }

    /// <summary>Training throughput over this call so far.</summary>
    public double CharactersPerSecond { get; }

    /// <summary>The global gradient norm before clipping.</summary>
    public double GradientNorm { get; }

    /// <summary>The learning rate used for this step.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// Whether this report is an evaluation point (every <see cref="TrainingOptions.EvaluateEvery"/> steps and at the
    /// end): it follows a validation pass, or with no validation part (<see cref="ValidationLoss"/> NaN) it marks where
    /// to save and sample.
    /// </summary>
    public bool IsEvaluation { get; }

    /// <summary>Wall time in this call so far.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether this step ended an epoch; <see cref="Epoch"/> is then already the next one.</summary>
    public bool IsEpochEnd => !double.IsNaN(EpochTrainingLoss);

    /// <summary>When <see cref="IsEpochEnd"/>, the mean of the ended epoch's window losses; otherwise NaN.</summary>
    public double EpochTrainingLoss { get; }
}
