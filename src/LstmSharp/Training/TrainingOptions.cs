using LstmSharp.Layers;

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

    /// <summary>
    /// Which steps of each window carry loss: every step (char-rnn, the default) or only the last one (the article: the
    /// head, and so dW_y, sees the final step only). Validation always scores every next character.
    /// </summary>
    public LossMode LossMode { get; init; } = LossMode.EveryStep;

    /// <summary>How many windows make an epoch. Default <see cref="EpochWindows.AllWindows"/>.</summary>
    public EpochWindows EpochWindows { get; init; } = EpochWindows.AllWindows;

    /// <summary>The optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The base learning rate. Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>
    /// ε of Adagrad, RMSprop, Adam and AdamW; <see langword="null"/> keeps PyTorch's default (1e-10 for Adagrad, 1e-8
    /// for the others). SGD has none.
    /// </summary>
    public double? Epsilon { get; init; }

    /// <summary>Where Adagrad adds ε: outside the root (PyTorch, the default) or inside it (the article).</summary>
    public EpsilonPlacement EpsilonPlacement { get; init; } = EpsilonPlacement.OutsideRoot;

    /// <summary>A schedule over steps and epochs; <see langword="null"/> keeps <see cref="LearningRate"/> constant.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip gradients to this global L2 norm; <see langword="null"/> for no norm clipping. Default 5.</summary>
    public double? ClipNorm { get; init; } = 5.0;

    /// <summary>Clamp every gradient element to ±this value; <see langword="null"/> for none.</summary>
    public double? ClipValue { get; init; }

    /// <summary>Dropout between stacked layers, in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// The share of the corpus held out (its end) for validation, in [0, 1). Default 0.05. 0 means no validation: no
    /// validation loss is computed, evaluations only save checkpoints and samples, and the last model is the best one.
    /// </summary>
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

    /// <summary>
    /// The training run of the article "Under the Hood of LSTM" as its code has it: windows of 25 characters in one
    /// stream, ⌊N / 26⌋ windows per epoch (<see cref="EpochWindows.ArticleCount"/>), the loss on the last step, Adagrad
    /// with lr 0.1 and ε = 1e-8 inside the root, no clipping, no validation, 51 epochs (0–50). The model side (hidden
    /// 100, <see cref="Model.Initialization.ArticleNormal"/>) and the text (its first 20,000 characters) are the caller's.
    /// The divergence guard is relaxed to 1000× because each window's loss is a single prediction.
    /// </summary>
    public static TrainingOptions Article => new()
    {
        SequenceLength = 25,
        BatchSize = 1,
        LossMode = LossMode.LastStep,
        EpochWindows = EpochWindows.ArticleCount,
        Optimizer = OptimizerKind.Adagrad,
        LearningRate = 0.1,
        Epsilon = 1e-8,
        EpsilonPlacement = EpsilonPlacement.InsideRoot,
        ClipNorm = null,
        ValidationFraction = 0,
        MaxEpochs = 51,
        // One window's loss is a single prediction here, which legitimately jumps far above the first one; only a NaN,
        // an infinity or a thousandfold rise stops this run.
        DivergenceFactor = 1000,
    };

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

        if (!Enum.IsDefined(LossMode))
        {
            throw new ArgumentOutOfRangeException(nameof(LossMode), LossMode, "Unknown loss mode.");
        }

        if (!Enum.IsDefined(EpochWindows))
        {
            throw new ArgumentOutOfRangeException(nameof(EpochWindows), EpochWindows, "Unknown epoch window rule.");
        }

        if (Epsilon is { } epsilon && !(epsilon > 0 && double.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), epsilon, "ε must be positive and finite.");
        }

        if (Epsilon is not null && Optimizer == OptimizerKind.Sgd)
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "SGD has no ε.");
        }

        if (!Enum.IsDefined(EpsilonPlacement))
        {
            throw new ArgumentOutOfRangeException(nameof(EpsilonPlacement), EpsilonPlacement, "Unknown ε placement.");
        }

        if (EpsilonPlacement == EpsilonPlacement.InsideRoot && Optimizer != OptimizerKind.Adagrad)
        {
            throw new ArgumentOutOfRangeException(nameof(EpsilonPlacement), EpsilonPlacement, "ε inside the root is Adagrad's option only.");
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
