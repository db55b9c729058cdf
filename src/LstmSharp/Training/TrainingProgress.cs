namespace LstmSharp.Training;

/// <summary>One report from a running <see cref="Trainer"/>: a value type, so reporting allocates nothing.</summary>
/// <param name="Step">Optimizer steps taken so far, in total.</param>
/// <param name="Epoch">The current epoch (0-based).</param>
/// <param name="EpochFraction">How far through the current epoch, in [0, 1].</param>
/// <param name="TrainingLoss">The last window's mean loss, in nats per character.</param>
/// <param name="ValidationLoss">The latest validation loss in nats per character, or NaN before the first evaluation.</param>
/// <param name="CharactersPerSecond">Training throughput over this call so far.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="LearningRate">The learning rate used for this step.</param>
/// <param name="IsEvaluation">
/// Whether this report is an evaluation point (every <c>EvaluateEvery</c> steps and at the end): it follows a
/// validation pass, or with no validation part (<see cref="ValidationLoss"/> NaN) it marks where to save and sample.
/// </param>
/// <param name="Elapsed">Wall time in this call so far.</param>
public readonly record struct TrainingProgress(
    long Step,
    int Epoch,
    double EpochFraction,
    double TrainingLoss,
    double ValidationLoss,
    double CharactersPerSecond,
    double GradientNorm,
    double LearningRate,
    bool IsEvaluation,
    TimeSpan Elapsed)
{
    /// <summary>Whether this step ended an epoch; <see cref="Epoch"/> is then already the next one.</summary>
    public bool IsEpochEnd { get; init; }

    /// <summary>When <see cref="IsEpochEnd"/>, the mean of the ended epoch's window losses; otherwise NaN.</summary>
    public double EpochTrainingLoss { get; init; } = double.NaN;

    /// <summary>The training loss in bits per character.</summary>
    public double TrainingBitsPerCharacter => TrainingLoss / Math.Log(2);

    /// <summary>The validation loss in bits per character.</summary>
    public double ValidationBitsPerCharacter => ValidationLoss / Math.Log(2);
}
