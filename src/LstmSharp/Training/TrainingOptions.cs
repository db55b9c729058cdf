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

    /// <summary>Where Adagrad adds ε: outside the root (PyTorch, the default) or inside it (the article).</summary>
    public EpsilonPlacement EpsilonPlacement { get; init; } = EpsilonPlacement.OutsideRoot;

    /// <summary>A schedule over steps and epochs; <see langword="null"/> keeps <see cref="LearningRate"/> constant.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// μ, PyTorch's <c>momentum</c>, for <see cref="OptimizerKind.Sgd"/> and <see cref="OptimizerKind.RmsProp"/>
    /// (0 turns momentum off). Default 0.
    /// </summary>
    public double Momentum { get; init; }

    /// <summary>τ, PyTorch's <c>dampening</c> of SGD momentum, in [0, 1]. Default 0.</summary>
    public double Dampening { get; init; }

    /// <summary>Nesterov momentum for SGD (PyTorch's <c>nesterov</c>); needs a positive <see cref="Momentum"/> and no dampening.</summary>
    public bool Nesterov { get; init; }

    /// <summary>β₁, the first of Adam's and AdamW's <c>betas</c>, in [0, 1). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂, the second of Adam's and AdamW's <c>betas</c>, in [0, 1). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>
    /// ε, PyTorch's <c>eps</c> for Adagrad, RMSprop, Adam and AdamW; <see langword="null"/> for the optimizer's own
    /// default (1e-10 for Adagrad, 1e-8 for the others).
    /// </summary>
    public double? Epsilon { get; init; }

    /// <summary>
    /// λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient, except for AdamW, whose decay is
    /// decoupled; <see langword="null"/> for the optimizer's own default (0.01 for AdamW, 0 for the others).
    /// </summary>
    public double? WeightDecay { get; init; }

    /// <summary>α, PyTorch's <c>alpha</c>: RMSprop's smoothing constant, in [0, 1). Default 0.99.</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>RMSprop normalises by the estimated variance of the gradient (PyTorch's <c>centered</c>). Default off.</summary>
    public bool Centered { get; init; }

    /// <summary>η, PyTorch's <c>lr_decay</c> of Adagrad: step t uses γ/(1 + (t − 1)η). Default 0.</summary>
    public double AdagradLearningRateDecay { get; init; }

    /// <summary>τ, PyTorch's <c>initial_accumulator_value</c> of Adagrad. Default 0.</summary>
    public double InitialAccumulatorValue { get; init; }

    /// <summary>
    /// W: linear warm-up over the first W steps of the run. Step s (0-based, counted from the run's first step) with
    /// s &lt; W uses (s + 1)/W times the rate it would otherwise have. Default 0 (none).
    /// </summary>
    public long WarmupSteps { get; init; }

    /// <summary>
    /// Early stopping: stop after this many evaluations in a row without a new best validation loss;
    /// <see langword="null"/> to train to the limits. Needs a validation part.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>
    /// Reduce-on-plateau: after <see cref="LearningRatePlateauPatience"/> evaluations in a row without a new best
    /// validation loss, multiply the learning rate by this factor, in (0, 1), from then on; <see langword="null"/> for
    /// never. Needs a validation part. This is PyTorch's <c>ReduceLROnPlateau(factor, patience = N − 1, threshold = 0)</c>.
    /// </summary>
    public double? LearningRatePlateauFactor { get; init; }

    /// <summary>N: evaluations without a new best (counted since the best or the last reduction) before a reduction. Default 2.</summary>
    public int LearningRatePlateauPatience { get; init; } = 2;

    /// <summary>Clip gradients to this global L2 norm; <see langword="null"/> for no norm clipping. Default 5.</summary>
    public double? ClipNorm { get; init; } = 5.0;

    /// <summary>Clamp every gradient element to ±this value; <see langword="null"/> for none.</summary>
    public double? ClipValue { get; init; }

    /// <summary>Dropout between stacked layers and before the head (as char-rnn does), in [0, 1). Default 0.</summary>
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
        ThrowHelper.CheckDefined(Optimizer, "Unknown optimizer.");
        ThrowHelper.CheckDefined(LossMode, "Unknown loss mode.");
        ThrowHelper.CheckDefined(EpochWindows, "Unknown epoch window rule.");
        ThrowHelper.CheckDefined(EpsilonPlacement, "Unknown ε placement.");
        ThrowHelper.CheckPositive(LearningRate, "The learning rate must be positive and finite.");

        if (ClipNorm is { } norm && !(norm > 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(ClipNorm), norm, "The clipping norm must be positive.");
        }

        if (ClipValue is { } value && !(value > 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(ClipValue), value, "The clipping value must be positive.");
        }

        ValidateOptimizer();
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps);
        if (Patience is <= 0)
        {
            ThrowHelper.ThrowOutOfRange(nameof(Patience), Patience, "The patience must be at least one evaluation.");
        }

        if (LearningRatePlateauFactor is { } plateau && !(plateau > 0 && plateau < 1))
        {
            ThrowHelper.ThrowOutOfRange(nameof(LearningRatePlateauFactor), plateau, "The plateau factor must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRatePlateauPatience);
        ThrowHelper.CheckUnitIntervalHalfOpen(Dropout, "Dropout must be in [0, 1).");
        ThrowHelper.CheckUnitIntervalHalfOpen(ValidationFraction, "The validation fraction must be in [0, 1).");

        if (MaxSteps is <= 0)
        {
            ThrowHelper.ThrowOutOfRange(nameof(MaxSteps), MaxSteps, "The step limit must be positive.");
        }

        if (MaxEpochs is <= 0)
        {
            ThrowHelper.ThrowOutOfRange(nameof(MaxEpochs), MaxEpochs, "The epoch limit must be positive.");
        }

        if (MaxTime is { } time && time <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOutOfRange(nameof(MaxTime), time, "The time limit must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvaluateEvery);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxValidationCharacters);
        if (!(DivergenceFactor > 1))
        {
            ThrowHelper.ThrowOutOfRange(nameof(DivergenceFactor), DivergenceFactor, "The divergence factor must be above 1.");
        }
    }

    /// <summary>
    /// The learning rate of one step before any plateau reduction: <see cref="Schedule"/> (or <see cref="LearningRate"/>)
    /// times the warm-up factor min(1, (step + 1)/<see cref="WarmupSteps"/>).
    /// </summary>
    /// <param name="step">Optimizer steps already taken (0 for the first).</param>
    /// <param name="epoch">Epochs already completed.</param>
    /// <returns>γ for the step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> or <paramref name="epoch"/> is negative.</exception>
    internal double LearningRateAt(long step, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        double rate = Schedule?.LearningRateAt(step, epoch) ?? LearningRate;
        return step < WarmupSteps ? rate * (step + 1) / WarmupSteps : rate;
    }

    /// <summary>Creates the optimizer these options name, with their hyper-parameters, bound to <paramref name="buffers"/>.</summary>
    /// <typeparam name="T">The element type of the parameters.</typeparam>
    /// <param name="buffers">The parameter buffers and their gradient buffers, for example <c>CharModel.ParameterBuffers</c>.</param>
    /// <returns>A new optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range (named).</exception>
    public Optimizer<T> CreateOptimizer<T>(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ValidateOptimizer();
        return Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd<T>(buffers, Momentum, Dampening, WeightDecay ?? 0, Nesterov),
            OptimizerKind.Adagrad => new Adagrad<T>(buffers, AdagradLearningRateDecay, WeightDecay ?? 0, InitialAccumulatorValue, Epsilon ?? 1e-10, EpsilonPlacement),
            OptimizerKind.RmsProp => new RmsProp<T>(buffers, Alpha, Epsilon ?? 1e-8, WeightDecay ?? 0, Momentum, Centered),
            OptimizerKind.Adam => new Adam<T>(buffers, Beta1, Beta2, Epsilon ?? 1e-8, WeightDecay ?? 0),
            _ => new AdamW<T>(buffers, Beta1, Beta2, Epsilon ?? 1e-8, WeightDecay ?? 0.01),
        };
    }

    /// <summary>
    /// The options that are set but cannot take effect with the others (a momentum for Adam, betas for SGD, …), each
    /// as the property's name and the reason, so a front end can warn about them. Empty when every option acts.
    /// </summary>
    /// <returns>(property name, reason) pairs.</returns>
    public IReadOnlyList<(string Option, string Reason)> FindIneffectiveOptions()
    {
        var found = new List<(string Option, string Reason)>();
        OptimizerKind kind = Optimizer;
        void Check(bool isSet, string option, bool acts, string users)
        {
            if (isSet && !acts)
            {
                found.Add((option, $"has no effect with {kind} (only {users} use it)"));
            }
        }

        Check(Momentum != 0, nameof(Momentum), kind is OptimizerKind.Sgd or OptimizerKind.RmsProp, "Sgd and RmsProp");
        Check(Dampening != 0, nameof(Dampening), kind is OptimizerKind.Sgd, "Sgd with momentum");
        Check(Nesterov, nameof(Nesterov), kind is OptimizerKind.Sgd, "Sgd with momentum");
        Check(Beta1 != 0.9 || Beta2 != 0.999, "Betas", kind is OptimizerKind.Adam or OptimizerKind.AdamW, "Adam and AdamW");
        Check(Epsilon is not null, nameof(Epsilon), kind is not OptimizerKind.Sgd, "Adagrad, RmsProp, Adam and AdamW");
        Check(EpsilonPlacement != EpsilonPlacement.OutsideRoot, nameof(EpsilonPlacement), kind is OptimizerKind.Adagrad, "Adagrad");
        Check(Alpha != 0.99, nameof(Alpha), kind is OptimizerKind.RmsProp, "RmsProp");
        Check(Centered, nameof(Centered), kind is OptimizerKind.RmsProp, "RmsProp");
        Check(AdagradLearningRateDecay != 0, nameof(AdagradLearningRateDecay), kind is OptimizerKind.Adagrad, "Adagrad");
        Check(InitialAccumulatorValue != 0, nameof(InitialAccumulatorValue), kind is OptimizerKind.Adagrad, "Adagrad");
        if (kind is OptimizerKind.Sgd && Dampening != 0 && Momentum == 0)
        {
            found.Add((nameof(Dampening), "has no effect without Momentum"));
        }

        if (ValidationFraction == 0 && MaxValidationCharacters != 0)
        {
            found.Add((nameof(MaxValidationCharacters), "has no effect without a validation part"));
        }

        if (LearningRatePlateauFactor is null && LearningRatePlateauPatience != 2)
        {
            found.Add((nameof(LearningRatePlateauPatience), "has no effect without LearningRatePlateauFactor"));
        }

        return found;
    }

    private void ValidateOptimizer()
    {
        ThrowHelper.CheckNonNegative(Momentum, "The momentum must be non-negative and finite.");
        ThrowHelper.CheckUnitInterval(Dampening, "The dampening must be in [0, 1].");

        if (Nesterov && Optimizer == OptimizerKind.Sgd && (Momentum <= 0 || Dampening != 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(Nesterov), Nesterov, "Nesterov momentum needs a positive momentum and zero dampening.");
        }

        ThrowHelper.CheckUnitIntervalHalfOpen(Beta1, "β₁ must be in [0, 1).");
        ThrowHelper.CheckUnitIntervalHalfOpen(Beta2, "β₂ must be in [0, 1).");

        if (Epsilon is { } epsilon)
        {
            ThrowHelper.CheckPositive(epsilon, "ε must be positive and finite.", nameof(Epsilon));
        }

        if (WeightDecay is { } decay)
        {
            ThrowHelper.CheckNonNegative(decay, "The weight decay must be non-negative and finite.", nameof(WeightDecay));
        }

        ThrowHelper.CheckUnitIntervalHalfOpen(Alpha, "α must be in [0, 1).");
        ThrowHelper.CheckNonNegative(AdagradLearningRateDecay, "Adagrad's learning-rate decay must be non-negative and finite.");
        ThrowHelper.CheckNonNegative(InitialAccumulatorValue, "The initial accumulator value must be non-negative and finite.");
    }
}
