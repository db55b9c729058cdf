namespace LstmSharp.Training;

/// <summary>
/// How a <see cref="Trainer"/> trains: data layout, optimizer, regularisation, stopping and evaluation. Defaults follow
/// char-rnn practice at a size that trains usefully on 2 cores in a few minutes.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>T: steps per truncated-BPTT window. Default 100.</summary>
    public int SequenceLength { get; init; } = 100;

    /// <summary>B: contiguous streams read in parallel. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The base learning rate. Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>A schedule over steps and epochs; <see langword="null"/> keeps <see cref="LearningRate"/> constant.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip gradients to this global L2 norm; <see langword="null"/> for no norm clipping. Default 5.</summary>
    public double? ClipNorm { get; init; } = 5.0;

    /// <summary>Clamp every gradient element to ±this value; <see langword="null"/> for none.</summary>
    public double? ClipValue { get; init; }

    /// <summary>Dropout between stacked layers, in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>The share of the corpus held out (its end) for validation, in [0, 1). Default 0.05.</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Stop after this many optimizer steps in total (counting steps before a resume).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Stop after this many epochs in total.</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>Stop after this much wall time in this call.</summary>
    public TimeSpan? MaxTime { get; init; }

    /// <summary>Evaluate on the validation part every this many steps (and at the end). Default 200.</summary>
    public int EvaluateEvery { get; init; } = 200;

    /// <summary>Evaluate on at most this many validation characters (0 = all). Default 0.</summary>
    public int MaxValidationCharacters { get; init; }

    /// <summary>
    /// Stop as diverged when the training loss exceeds this multiple of its first value (a NaN or infinity always
    /// stops). Default 3.
    /// </summary>
    public double DivergenceFactor { get; init; } = 3.0;

    /// <summary>The seed of the dropout masks. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks every option and throws an <see cref="ArgumentException"/>-family error naming the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
        }

        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive and finite.");
        }

        if (ClipNorm is { } norm && !(norm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), norm, "The clipping norm must be positive.");
        }

        if (ClipValue is { } value && !(value > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipValue), value, "The clipping value must be positive.");
        }

        if (!(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
        }

        if (MaxSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "The step limit must be positive.");
        }

        if (MaxEpochs is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, "The epoch limit must be positive.");
        }

        if (MaxTime is { } time && time <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTime), time, "The time limit must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvaluateEvery);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxValidationCharacters);
        if (!(DivergenceFactor > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "The divergence factor must be above 1.");
        }
    }
}
