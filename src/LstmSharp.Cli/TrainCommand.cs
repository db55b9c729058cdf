using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp train</c>: trains a model on a text file or the built-in corpus, or resumes a checkpoint.</summary>
internal sealed partial class TrainCommand
{
    /// <summary>The limit when none is given: long enough for readable samples on the built-in corpus with 2 cores.</summary>
    public static readonly TimeSpan DefaultTime = TimeSpan.FromMinutes(2);

    public const string DefaultOut = "model.safetensors";

    private const string Extension = ".safetensors";
    private const string LatestSuffix = ".last" + Extension;

    // Library parameter names → the flags that set them, for out-of-range messages.
    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hiddenSize"] = "--hidden",
        ["layerCount"] = "--layers",
        ["SequenceLength"] = "--seq-length",
        ["BatchSize"] = "--batch",
        ["LearningRate"] = "--lr",
        ["decayFactor"] = "--lr-decay",
        ["decayEveryEpochs"] = "--lr-decay-every",
        ["ClipNorm"] = "--clip",
        ["ClipValue"] = "--clip-value",
        ["Dropout"] = "--dropout",
        ["ValidationFraction"] = "--val-fraction",
        ["take"] = "--take",
        ["MaxSteps"] = "--steps",
        ["MaxEpochs"] = "--epochs",
        ["MaxTime"] = "--time",
        ["EvaluateEvery"] = "--eval-every",
        ["sampleLength"] = "--sample-length",
        ["startEpoch"] = "--lr-decay-after",
        ["gammaPerStep"] = "--lr-gamma",
        ["minLearningRate"] = "--lr-min",
        ["totalSteps"] = "--cosine-steps",
        ["Momentum"] = "--momentum",
        ["Dampening"] = "--dampening",
        ["Nesterov"] = "--nesterov",
        ["Beta1"] = "--betas",
        ["Beta2"] = "--betas",
        ["Betas"] = "--betas",
        ["Epsilon"] = "--eps",
        ["WeightDecay"] = "--weight-decay",
        ["Alpha"] = "--alpha",
        ["Centered"] = "--centered",
        ["AdagradLearningRateDecay"] = "--adagrad-lr-decay",
        ["InitialAccumulatorValue"] = "--initial-accumulator",
        ["WarmupSteps"] = "--warmup",
        ["Patience"] = "--patience",
        ["LearningRatePlateauFactor"] = "--lr-plateau",
        ["LearningRatePlateauPatience"] = "--lr-plateau-patience",
        ["threads"] = "--threads",
    };

    private readonly CliConsole _console;

    private readonly Option<string[]> _input = new("--input", "-i")
    {
        Description = "The UTF-8 text to learn: files and folders (read recursively, files matching --glob), in the order given, " +
                      "each folder's files in ordinal order of their relative paths, concatenated. " +
                      "Default: the built-in corpus (LstmSharp's own README, docs and source), or when resuming the checkpoint's text.",
        HelpName = "FILE|FOLDER",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _glob = new("--glob")
    {
        Description = "The file-name pattern (* and ?) of the files read from --input folders.",
        HelpName = "PATTERN",
        DefaultValueFactory = _ => "*.txt",
    };

    private readonly Option<string?> _validationFile = new("--val-file")
    {
        Description = "Validate on this UTF-8 file instead of holding out the end of --input (all of --input then trains).",
        HelpName = "FILE",
    };

    private readonly Option<string?> _initFrom = new("--init-from")
    {
        Description = "Fine-tune: start from this checkpoint's weights (its cell and sizes) with a fresh optimizer and the options given here.",
        HelpName = "CKPT",
    };

    private readonly Option<bool> _extendVocabulary = new("--extend-vocabulary")
    {
        Description = "With --init-from: add the text's characters that the checkpoint lacks (known characters keep their weights).",
    };

    private readonly Option<bool> _force = new("--force")
    {
        Description = "With --resume: continue on a text other than the one the checkpoint recorded.",
    };
    private readonly Option<string?> _preset = new("--preset")
    {
        Description = "Start from a named configuration; any option given beside it overrides it. 'article': the article's run " +
                      "(first 20,000 characters, hidden 100, windows of 25 in one stream, ⌊N/26⌋ windows per epoch, loss on the last step, " +
                      "Adagrad lr 0.1 with ε = 1e-8 inside the root, no clipping, N(0, 0.01²) weights and biases, no validation, 51 epochs).",
        HelpName = "NAME",
    };

    private readonly Option<int?> _take = new("--take")
    {
        Description = "Train on the first N characters of the text only (the vocabulary is theirs). Give it again to --resume. [--preset article: 20000]",
        HelpName = "N",
    };

    private readonly Option<string> _cell = Choice("--cell", "The recurrent cell.", "lstm", "lstm", "gru", "rnn");
    private readonly Option<int> _hidden = Value("--hidden", "Hidden size of every layer.", 128);
    private readonly Option<int> _layers = Value("--layers", "Stacked recurrent layers.", 1);
    private readonly Option<int> _sequenceLength = Value("--seq-length", "Characters per truncated-BPTT window.", 64);
    private readonly Option<int> _batch = Value("--batch", "Streams trained in parallel.", 16);
    private readonly Option<string> _optimizer = Choice("--optimizer", "The optimizer.", "adam", "sgd", "adagrad", "rmsprop", "adam", "adamw");
    private readonly Option<double> _learningRate = Value("--lr", "Learning rate.", 3e-3);

    private readonly Option<string> _loss = Choice("--loss",
        "Which steps of each window carry loss: every step (char-rnn) or only the last (the article; the head sees the final step only).",
        "every-step", "every-step", "last-step");

    private readonly Option<string> _epochWindows = Choice("--epoch-windows",
        "Windows per epoch: 'all' whole windows of each stream (⌊(N−1)/B/T⌋), or 'article', ⌊N/B/(T+1)⌋ as the article's loop counted them.",
        "all", "all", "article");

    private readonly Option<string> _epsilonPlacement = Choice("--eps-placement",
        "Where Adagrad adds ε: outside the root as PyTorch does, θ −= lr·g/(√sum + ε), or inside it as the article does, θ −= lr·g/√(sum + ε).",
        "outside-root", "outside-root", "inside-root");

    private readonly Option<double> _validationFraction = Value("--val-fraction",
        "The share of the text (its end) held out for validation, in [0, 1). 0: no validation; the best checkpoint is then the last.", 0.05);

    private readonly Option<string?> _schedule = ChoiceOrNone("--lr-schedule",
        "The learning-rate schedule: constant; step (x --lr-decay every --lr-decay-every epochs from --lr-decay-after, char-rnn's); " +
        "exponential (x --lr-gamma every step); cosine (to --lr-min at --cosine-steps). [default: step when --lr-decay is given, else constant]",
        "constant", "step", "exponential", "cosine");

    private readonly Option<double?> _learningRateDecay = new("--lr-decay")
    {
        Description = "Step schedule: multiply the learning rate by this factor every --lr-decay-every epochs (char-rnn's 0.97).",
        HelpName = "FACTOR",
    };

    private readonly Option<int?> _learningRateDecayEvery = new("--lr-decay-every")
    {
        Description = "Step schedule: epochs between learning-rate decays [default: 1].",
        HelpName = "N",
    };

    private readonly Option<int?> _learningRateDecayAfter = new("--lr-decay-after")
    {
        Description = "Step schedule: the first completed epoch that decays (char-rnn's learning_rate_decay_after) [default: --lr-decay-every].",
        HelpName = "N",
    };

    private readonly Option<double?> _learningRateGamma = new("--lr-gamma") { Description = "Exponential schedule: the factor per step, in (0, 1].", HelpName = "X" };
    private readonly Option<double?> _learningRateMin = new("--lr-min") { Description = "Cosine schedule: the floor [default: 0].", HelpName = "X" };
    private readonly Option<long?> _cosineSteps = new("--cosine-steps") { Description = "Cosine schedule: the step at which the rate reaches --lr-min [default: --steps].", HelpName = "N" };
    private readonly Option<long?> _warmup = new("--warmup") { Description = "Linear warm-up: step s < N uses (s + 1)/N of the scheduled rate.", HelpName = "N" };

    private readonly Option<int?> _patience = new("--patience")
    {
        Description = "Early stopping: stop after N evaluations in a row without a new best validation loss.",
        HelpName = "N",
    };

    private readonly Option<double?> _plateau = new("--lr-plateau")
    {
        Description = "Reduce on plateau: multiply the learning rate by FACTOR after --lr-plateau-patience evaluations without a new best.",
        HelpName = "FACTOR",
    };

    private readonly Option<int?> _plateauPatience = new("--lr-plateau-patience") { Description = "Evaluations without a new best before --lr-plateau acts [default: 2].", HelpName = "N" };

    // Optimizer hyper-parameters, named and defaulted as in torch.optim (docs/getting-started.md lists them).
    private readonly Option<double?> _momentum = new("--momentum") { Description = "SGD and RMSprop momentum (torch.optim's momentum) [default: 0].", HelpName = "X" };
    private readonly Option<double?> _dampening = new("--dampening") { Description = "SGD dampening [default: 0].", HelpName = "X" };
    private readonly Option<bool> _nesterov = new("--nesterov") { Description = "SGD with Nesterov momentum." };
    private readonly Option<string?> _betas = new("--betas") { Description = "Adam and AdamW betas, as B1,B2 [default: 0.9,0.999].", HelpName = "B1,B2" };
    private readonly Option<double?> _epsilon = new("--eps") { Description = "Adagrad, RMSprop, Adam and AdamW eps [default: 1e-10 Adagrad, 1e-8 the others].", HelpName = "X" };
    private readonly Option<double?> _weightDecay = new("--weight-decay") { Description = "Weight decay: L2 in the gradient, decoupled for AdamW [default: 0.01 AdamW, 0 the others].", HelpName = "X" };
    private readonly Option<double?> _alpha = new("--alpha") { Description = "RMSprop smoothing constant [default: 0.99].", HelpName = "X" };
    private readonly Option<bool> _centered = new("--centered") { Description = "Centered RMSprop." };
    private readonly Option<double?> _adagradDecay = new("--adagrad-lr-decay") { Description = "Adagrad lr_decay [default: 0].", HelpName = "X" };
    private readonly Option<double?> _initialAccumulator = new("--initial-accumulator") { Description = "Adagrad initial_accumulator_value [default: 0].", HelpName = "X" };
    private readonly Option<int?> _threads = ThreadsOption.Create();

    private readonly Option<double> _clip = Value("--clip", "Clip gradients to this global L2 norm; 0 turns clipping off.", 5.0);
    private readonly Option<double?> _clipValue = new("--clip-value") { Description = "Clamp every gradient element to ±X.", HelpName = "X" };
    private readonly Option<double> _dropout = Value("--dropout", "Dropout between stacked layers and before the head (char-rnn's), in [0, 1).", 0.0);
    private readonly Option<string> _initialization = Choice("--init",
        "Initial weights: PyTorch's uniform; the article's N(0, 0.01²) for every weight and bias (b_hh zero); or min-char-rnn's N(0, 0.01²) weights with zero biases.",
        "pytorch", "pytorch", "article", "min-char-rnn");
    private readonly Option<long?> _steps = new("--steps") { Description = "Stop after this many optimizer steps in total.", HelpName = "N" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Stop after this many epochs in total.", HelpName = "N" };

    private readonly Option<TimeSpan?> _time = new("--time")
    {
        Description = $"Stop after this much time, e.g. 90s, 2m, 1h30m. With no --steps, --epochs or --time: 2m. " +
                      "Given several limits, training stops at the first reached.",
        HelpName = "SPAN",
        CustomParser = Durations.ParseArgument,
    };

    private readonly Option<int> _evaluateEvery = Value("--eval-every", "Evaluate, sample and save checkpoints every N steps (and at the end).", 200);

    private readonly Option<string?> _out = new("--out", "-o")
    {
        Description = $"The best checkpoint by validation loss; a resumable latest one goes beside it (model.safetensors → model{LatestSuffix}); a missing folder is made. " +
                      $"[default: {DefaultOut}, or when resuming the checkpoint resumed]",
        HelpName = "FILE",
    };

    private readonly Option<ulong> _seed = Value<ulong>("--seed", "Seed of the initial weights, dropout and samples.", 1);

    private readonly Option<string?> _resume = new("--resume")
    {
        Description = "Continue training a checkpoint (its model, optimizer and position; its options, except any limit given here) " +
                      "on the text it recorded; a different --input is refused unless --force.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _metrics = new("--metrics")
    {
        Description = "Append one JSON object per line to FILE at every evaluation and epoch end: step, epoch, train_loss (mean since the last record), " +
                      "val_loss (with validation), lr, grad_norm, chars_per_sec and more (docs/getting-started.md).",
        HelpName = "FILE",
    };

    private readonly Option<int> _sampleLength = Value("--sample-length", "Characters sampled at each evaluation (0 for none).", 200);

    public TrainCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("train", "Train a character-level model and save the best checkpoint by validation loss. " +
            "Ctrl+C stops, saves a resumable checkpoint and prints the command that resumes it.")
        {
            _input, _glob, _validationFile, _initFrom, _extendVocabulary, _force, _preset, _take, _cell, _hidden, _layers, _sequenceLength, _batch, _loss, _epochWindows, _optimizer, _learningRate,
            _momentum, _dampening, _nesterov, _betas, _epsilon, _epsilonPlacement, _weightDecay, _alpha, _centered, _adagradDecay, _initialAccumulator,
            _schedule, _learningRateDecay, _learningRateDecayEvery, _learningRateDecayAfter, _learningRateGamma, _learningRateMin, _cosineSteps,
            _warmup, _patience, _plateau, _plateauPatience,
            _clip, _clipValue, _dropout, _initialization, _validationFraction, _steps, _epochs, _time, _evaluateEvery, _out, _seed, _resume, _sampleLength, _metrics, _threads,
        };
        _preset.AcceptOnlyFromAmong(ArticlePreset);
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    /// <summary>The name of the article's preset.</summary>
    internal const string ArticlePreset = "article";

    /// <summary>The article's text: its first 20,000 characters.</summary>
    internal const int ArticleCharacters = 20_000;

    // The article's run is ~39,000 short steps: save every 1,000 rather than every 200.
    private const int ArticleEvaluateEvery = 1000;

    /// <summary>What a new run is made of, once the command line (and any preset) is read.</summary>
    internal sealed record Configuration(TrainingOptions Options, CellType Cell, int HiddenSize, int LayerCount, Initialization Initialization,
        int? Take, int SampleLength);

    private int Run(ParseResult parse)
    {
        string[] inputs = parse.GetValue(_input) ?? [];
        string? resumePath = parse.GetValue(_resume);
        string? initPath = parse.GetValue(_initFrom);
        if (resumePath is not null && initPath is not null)
        {
            throw new UsageException("Give --resume (continue a run exactly) or --init-from (start a new run from its weights), not both.");
        }

        if (IsGiven(parse, _extendVocabulary) && initPath is null)
        {
            throw new UsageException("--extend-vocabulary needs --init-from CKPT.");
        }

        if (IsGiven(parse, _force) && resumePath is null)
        {
            throw new UsageException("--force needs --resume CKPT.");
        }

        if (IsGiven(parse, _validationFile) && IsGiven(parse, _validationFraction))
        {
            throw new UsageException("Give --val-file (validate on another text) or --val-fraction (hold out the end of --input), not both.");
        }

        using IDisposable threads = ThreadsOption.Apply(parse.GetValue(_threads));
        LoadedCheckpoint? checkpoint = resumePath is null ? null : CheckpointFiles.Load(_console, resumePath);
        LoadedCheckpoint? initial = initPath is null ? null : CheckpointFiles.Load(_console, initPath);
        Configuration? configuration = checkpoint is null ? Configure(parse) : null;
        TrainingOptions options = configuration?.Options ?? ResumedOptions(parse, checkpoint!);
        int sampleLength = configuration?.SampleLength ?? parse.GetValue(_sampleLength);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleLength);
        int? take = configuration is null ? parse.GetValue(_take) : configuration.Take;
        if (take is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, "take");
        }

        // The text: --input, else the one the resumed checkpoint recorded, else the built-in corpus.
        CorpusFingerprint? recorded = checkpoint is null ? null : Checkpoint.ReadCorpusFingerprint(checkpoint);
        IReadOnlyList<string> files = inputs.Length > 0 ? CorpusFiles.Find(inputs, parse.GetValue(_glob)!) : recorded?.Paths ?? [];
        string? validationPath = parse.GetValue(_validationFile)
            ?? (checkpoint is null || inputs.Length > 0 ? null : Checkpoint.ReadValidationFingerprint(checkpoint)?.Paths[0]);
        if (validationPath is not null)
        {
            options = options with { ValidationFraction = 0 };
        }

        options.Validate();
        if (validationPath is null && options.ValidationFraction == 0 && (options.Patience is not null || options.LearningRatePlateauFactor is not null))
        {
            throw new UsageException($"{(options.Patience is not null ? "--patience" : "--lr-plateau")} needs a validation text to watch, and there is none: " +
                "give --val-file FILE or a --val-fraction above 0.");
        }

        WarnIneffective(options);
        Corpus corpus = LoadCorpus(files, checkpoint?.Vocabulary, take);
        if (checkpoint is not null)
        {
            CheckSameText(recorded, corpus, files, resumePath!, parse.GetValue(_force));
        }

        CharModel<float> model;
        if (checkpoint is not null)
        {
            model = checkpoint.Model;
        }
        else if (initial is not null)
        {
            NoteIgnored(parse, "the model comes from --init-from", _cell, _hidden, _layers);
            (model, corpus) = FineTune(initial, initPath!, corpus, parse.GetValue(_extendVocabulary), configuration!.Initialization, parse.GetValue(_seed));
        }
        else
        {
            model = new CharModel<float>(configuration!.Cell, corpus.Vocabulary.Count, configuration.HiddenSize, configuration.LayerCount);
            model.Initialize(configuration.Initialization, parse.GetValue(_seed));
        }

        Corpus? validation = validationPath is null ? null : LoadValidation(validationPath, corpus.Vocabulary);
        if (checkpoint is not null && validation is not null)
        {
            CheckSameText(Checkpoint.ReadValidationFingerprint(checkpoint), validation, [validationPath!], resumePath!, parse.GetValue(_force));
        }

        var trainer = new Trainer(model, options);
        if (checkpoint is not null)
        {
            Checkpoint.RestoreTrainer(checkpoint, trainer);
            ThrowIfLimitReached(trainer);
        }

        string bestPath = parse.GetValue(_out) ?? (resumePath is null ? DefaultOut : BestPathOf(resumePath));
        string latestPath = LatestPathOf(bestPath);
        // A missing folder would only fail at the first save, after training had run: make it now, as --metrics does.
        if (Path.GetDirectoryName(Path.GetFullPath(bestPath)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        WriteHeader(trainer, corpus, files, take, validation is null ? null : validationPath, checkpoint is not null, initPath, bestPath, latestPath);

        var data = new TrainingData(validation, CorpusFingerprint.Of(corpus, files),
            validation is null ? null : CorpusFingerprint.Of(validation, [validationPath!]));

        // The checkpoint records its text, so a resume needs no --input; only --take and a --out that the latest path does not imply.
        string resumeArguments = (take is { } taken ? FormattableString.Invariant($" --take {taken}") : "") +
            (BestPathOf(latestPath) == bestPath ? "" : " --out " + TrainingSession.Quote(bestPath));
        return new TrainingSession(_console, trainer, corpus, bestPath, latestPath, sampleLength, resumeArguments, checkpoint is not null, data)
        {
            MetricsPath = parse.GetValue(_metrics),
        }.Run();
    }

    /// <summary>Refuses to resume on a text other than the recorded one, unless forced.</summary>
    private void CheckSameText(CorpusFingerprint? recorded, Corpus corpus, IReadOnlyList<string> files, string checkpointPath, bool force)
    {
        if (recorded is null || recorded.Matches(corpus))
        {
            return;
        }

        string given = files.Count == 0 ? "the built-in corpus" : files.Count == 1 ? $"'{files[0]}'" : $"the {files.Count} files given";
        string trained = recorded.Paths.Count == 0 ? "the built-in corpus of the build that trained it" : string.Join(", ", recorded.Paths.Select(path => $"'{path}'"));
        string message = FormattableString.Invariant(
            $"{given} is not the text '{checkpointPath}' was trained on: it has {corpus.Length:N0} characters and SHA-256 {corpus.Sha256[..12]}…, ") +
            FormattableString.Invariant($"the checkpoint's text ({trained}) has {recorded.Length:N0} and {recorded.Sha256[..12]}…");
        if (!force)
        {
            throw new InvalidDataException($"{message}. Resume on that text, or add --force to continue on this one.");
        }

        _console.Error.WriteLine($"lstmsharp: warning: {message}; continuing on it because of --force.");
    }

    /// <summary>--init-from: the checkpoint's model on the text's characters, extended by the new ones when asked.</summary>
    private (CharModel<float> Model, Corpus Corpus) FineTune(LoadedCheckpoint initial, string initPath, Corpus corpus, bool extend, Initialization scheme, ulong seed)
    {
        Vocabulary known = initial.Vocabulary;
        System.Text.Rune[] missing = [.. corpus.Vocabulary.Characters.Where(character => !known.Contains(character))];
        if (missing.Length == 0 || (!extend && known.UnknownId is not null))
        {
            if (extend)
            {
                _console.Error.WriteLine($"lstmsharp: note: --extend-vocabulary: '{initPath}' already knows every character of the text.");
            }

            return (initial.Model, corpus.WithVocabulary(known));
        }

        string list = string.Join(", ", missing.Select(character => ThrowHelper.DescribeCharacter(character.Value)));
        if (!extend)
        {
            throw new InvalidDataException(
                $"The text has {missing.Length} character(s) that '{initPath}' does not know: {list}. Add --extend-vocabulary to learn them (every known character keeps its weights).");
        }

        Vocabulary extended = Vocabulary.FromCharacters(known.Characters.Concat(missing), known.UnknownCharacter);
        _console.Error.WriteLine(FormattableString.Invariant($"lstmsharp: note: vocabulary extended from {known.Count} to {extended.Count} characters: {list}."));
        return (ModelVocabulary.Extend(initial.Model, known, extended, scheme, seed), corpus.WithVocabulary(extended));
    }

    private void NoteIgnored(ParseResult parse, string reason, params Option[] options)
    {
        string[] given = [.. options.Where(option => IsGiven(parse, option)).Select(option => option.Name)];
        if (given.Length > 0)
        {
            _console.Error.WriteLine($"lstmsharp: note: {string.Join(", ", given)} ignored: {reason}.");
        }
    }

    private static Corpus LoadValidation(string path, Vocabulary vocabulary)
    {
        Corpus validation = Corpus.FromFile(path, vocabulary);
        return validation.Length >= 2 ? validation : throw new InvalidDataException($"The validation file '{path}' holds one character; validation needs at least two.");
    }

    /// <summary>"model.safetensors" → "model.last.safetensors".</summary>
    internal static string LatestPathOf(string bestPath) =>
        bestPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? bestPath[..^Extension.Length] + LatestSuffix : bestPath + LatestSuffix;

    /// <summary>"model.last.safetensors" → "model.safetensors"; any other checkpoint is its own best path.</summary>
    internal static string BestPathOf(string checkpointPath) =>
        checkpointPath.EndsWith(LatestSuffix, StringComparison.OrdinalIgnoreCase) ? checkpointPath[..^LatestSuffix.Length] + Extension : checkpointPath;

    /// <summary>Reads a new run's configuration: the preset's values (if any), overridden by every option given.</summary>
    internal Configuration Configure(ParseResult parse)
    {
        bool article = parse.GetValue(_preset) == ArticlePreset;
        T Pick<T>(Option<T> option, T presetValue) => article && !IsGiven(parse, option) ? presetValue : parse.GetValue(option)!;

        int hidden = Pick(_hidden, 100), layers = Pick(_layers, 1);
        // Checked before the corpus is read, with the names the model's constructor uses.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden, "hiddenSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers, "layerCount");
        int? take = Pick(_take, (int?)ArticleCharacters);
        if (take is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, "take");
        }

        double clip = Pick(_clip, 0.0);
        var defaults = new TrainingOptions();
        TrainingOptions baseline = article ? TrainingOptions.Article : defaults;
        (double beta1, double beta2) = ParseBetas(parse.GetValue(_betas), defaults);
        OptimizerKind optimizer = ParseOptimizer(Pick(_optimizer, "adagrad"));
        TrainingOptions options = WithLimits(parse, baseline with
        {
            SequenceLength = Pick(_sequenceLength, baseline.SequenceLength),
            BatchSize = Pick(_batch, baseline.BatchSize),
            LossMode = Pick(_loss, "last-step") == "last-step" ? LossMode.LastStep : LossMode.EveryStep,
            EpochWindows = Pick(_epochWindows, "article") == "article" ? EpochWindows.ArticleCount : EpochWindows.AllWindows,
            Optimizer = optimizer,
            LearningRate = Pick(_learningRate, baseline.LearningRate),
            EpsilonPlacement = Pick(_epsilonPlacement, "inside-root") == "inside-root" ? EpsilonPlacement.InsideRoot : EpsilonPlacement.OutsideRoot,
            Momentum = parse.GetValue(_momentum) ?? defaults.Momentum,
            Dampening = parse.GetValue(_dampening) ?? defaults.Dampening,
            Nesterov = parse.GetValue(_nesterov),
            Beta1 = beta1,
            Beta2 = beta2,
            // The article's ε (1e-8) belongs to its Adagrad: another optimizer given beside the preset keeps its own default.
            Epsilon = parse.GetValue(_epsilon) ?? (optimizer == baseline.Optimizer ? baseline.Epsilon : null),
            WeightDecay = parse.GetValue(_weightDecay),
            Alpha = parse.GetValue(_alpha) ?? defaults.Alpha,
            Centered = parse.GetValue(_centered),
            AdagradLearningRateDecay = parse.GetValue(_adagradDecay) ?? defaults.AdagradLearningRateDecay,
            InitialAccumulatorValue = parse.GetValue(_initialAccumulator) ?? defaults.InitialAccumulatorValue,
            WarmupSteps = parse.GetValue(_warmup) ?? 0,
            LearningRatePlateauFactor = parse.GetValue(_plateau),
            LearningRatePlateauPatience = parse.GetValue(_plateauPatience) ?? defaults.LearningRatePlateauPatience,
            ClipNorm = clip == 0 ? null : clip,
            ClipValue = parse.GetValue(_clipValue),
            Dropout = parse.GetValue(_dropout),
            ValidationFraction = Pick(_validationFraction, baseline.ValidationFraction),
            EvaluateEvery = Pick(_evaluateEvery, ArticleEvaluateEvery),
            Seed = parse.GetValue(_seed),
        }, defaultTime: article ? null : DefaultTime);
        if (article && options.MaxSteps is null && options.MaxEpochs is null && options.MaxTime is null)
        {
            options = options with { MaxEpochs = baseline.MaxEpochs };
        }

        Initialization initialization = Pick(_initialization, "article") switch
        {
            "article" => Initialization.ArticleNormal,
            "min-char-rnn" => Initialization.MinCharRnnNormal,
            _ => Initialization.PyTorchUniform,
        };
        int sampleLength = Pick(_sampleLength, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleLength);
        return new Configuration(options with { Schedule = CreateSchedule(parse, options) }, ParseCell(Pick(_cell, "lstm")), hidden, layers,
            initialization, take, sampleLength);
    }

    /// <summary>The --lr-schedule with its own flags; a flag of another schedule is a usage error, not silently dropped.</summary>
    private LearningRateSchedule? CreateSchedule(ParseResult parse, TrainingOptions options)
    {
        double learningRate = options.LearningRate;
        double? decay = parse.GetValue(_learningRateDecay);
        string schedule = parse.GetValue(_schedule) ?? (decay is null ? "constant" : "step");
        (Option Option, string Schedule)[] owned =
        [
            (_learningRateDecay, "step"), (_learningRateDecayEvery, "step"), (_learningRateDecayAfter, "step"),
            (_learningRateGamma, "exponential"), (_learningRateMin, "cosine"), (_cosineSteps, "cosine"),
        ];
        foreach ((Option option, string owner) in owned)
        {
            if (IsGiven(parse, option) && owner != schedule)
            {
                throw new UsageException($"{option.Name} belongs to --lr-schedule {owner}, but the schedule is {schedule}.");
            }
        }

        switch (schedule)
        {
            case "step":
                int every = parse.GetValue(_learningRateDecayEvery) ?? 1;
                return new StepDecaySchedule(learningRate, decay ?? throw new UsageException("--lr-schedule step needs --lr-decay FACTOR."),
                    every, parse.GetValue(_learningRateDecayAfter) ?? 0);
            case "exponential":
                return new ExponentialSchedule(learningRate, parse.GetValue(_learningRateGamma) ?? throw new UsageException("--lr-schedule exponential needs --lr-gamma X."));
            case "cosine":
                long totalSteps = parse.GetValue(_cosineSteps) ?? options.MaxSteps
                    ?? throw new UsageException("--lr-schedule cosine needs --cosine-steps N or --steps N (the step at which it reaches --lr-min).");
                return new CosineSchedule(learningRate, totalSteps, parse.GetValue(_learningRateMin) ?? 0);
            default:
                return null;
        }
    }

    private static (double Beta1, double Beta2) ParseBetas(string? text, TrainingOptions defaults)
    {
        if (text is null)
        {
            return (defaults.Beta1, defaults.Beta2);
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double beta1)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double beta2)
            ? (beta1, beta2)
            : throw new UsageException($"--betas '{text}': give two numbers as B1,B2, for example 0.9,0.999.");
    }

    /// <summary>One warning line per option that is set but cannot act (a momentum for Adam, betas for SGD, …).</summary>
    private void WarnIneffective(TrainingOptions options)
    {
        foreach ((string option, string reason) in options.FindIneffectiveOptions())
        {
            // The library names properties ("has no effect without Momentum"); the user typed flags.
            string text = PropertyName().Replace($"{option} {reason}", match => Flags.TryGetValue(match.Value, out string? flag) ? flag : match.Value);
            _console.Error.WriteLine($"lstmsharp: warning: {text}.");
        }
    }

    private TrainingOptions ResumedOptions(ParseResult parse, LoadedCheckpoint checkpoint)
    {
        if (!checkpoint.HasTrainerState)
        {
            throw new InvalidDataException($"'{parse.GetValue(_resume)}' holds a model without trainer state, so it cannot be resumed.");
        }

        TrainingOptions saved = Checkpoint.ReadTrainingOptions(checkpoint)
            ?? throw new InvalidDataException($"'{parse.GetValue(_resume)}' holds no training options, so it cannot be resumed.");
        Option[] ignored =
        [
            _preset, _cell, _hidden, _layers, _sequenceLength, _batch, _loss, _epochWindows, _optimizer, _learningRate,
            _momentum, _dampening, _nesterov, _betas, _epsilon, _epsilonPlacement, _weightDecay, _alpha, _centered, _adagradDecay, _initialAccumulator,
            _schedule, _learningRateDecay, _learningRateDecayEvery, _learningRateDecayAfter, _learningRateGamma, _learningRateMin, _cosineSteps,
            _warmup, _plateau, _plateauPatience, _clip, _clipValue, _dropout, _initialization, _validationFraction, _evaluateEvery, _seed,
        ];
        string[] given = [.. ignored.Where(option => IsGiven(parse, option)).Select(option => option.Name)];
        if (given.Length > 0)
        {
            _console.Error.WriteLine($"lstmsharp: note: {string.Join(", ", given)} ignored: a resumed run keeps its checkpoint's settings (only limits change).");
        }

        return WithLimits(parse, saved, defaultTime: null);
    }

    /// <summary>Limits given on the command line replace all others; with none, <paramref name="defaultTime"/> (if any) applies.</summary>
    private TrainingOptions WithLimits(ParseResult parse, TrainingOptions options, TimeSpan? defaultTime)
    {
        long? steps = parse.GetValue(_steps);
        int? epochs = parse.GetValue(_epochs);
        TimeSpan? time = parse.GetValue(_time);
        // Early stopping is a stopping rule like the limits: a resumed run may change it.
        options = options with { Patience = parse.GetValue(_patience) ?? options.Patience };
        if (steps is null && epochs is null && time is null)
        {
            return defaultTime is null ? options : options with { MaxSteps = null, MaxEpochs = null, MaxTime = defaultTime };
        }

        return options with { MaxSteps = steps, MaxEpochs = epochs, MaxTime = time };
    }

    private static void ThrowIfLimitReached(Trainer trainer)
    {
        TrainingOptions options = trainer.Options;
        bool reached = (options.MaxSteps is { } steps && trainer.Step >= steps) || (options.MaxEpochs is { } epochs && trainer.Epoch >= epochs);
        if (reached)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"The checkpoint is at step {trainer.Step} (epoch {trainer.Epoch}), already at its limit; give a higher --steps or --epochs, or --time, to train further."));
        }
    }

    private static Corpus LoadCorpus(IReadOnlyList<string> files, Vocabulary? vocabulary, int? take)
    {
        Corpus corpus = LoadCorpus(files, vocabulary);
        if (take is not { } count || count >= corpus.Length)
        {
            return corpus;
        }

        // The first N characters, with their own vocabulary (as the article builds it from the text it reads).
        return Corpus.FromText(corpus.Vocabulary.Decode(corpus.Ids.AsSpan(0, count)), vocabulary);
    }

    private static Corpus LoadCorpus(IReadOnlyList<string> files, Vocabulary? vocabulary)
    {
        if (files.Count > 0)
        {
            return Corpus.FromFiles(files, vocabulary);
        }

        string text = BuiltInCorpus.Load();
        try
        {
            return Corpus.FromText(text, vocabulary);
        }
        catch (ArgumentException exception) when (vocabulary is not null)
        {
            throw new InvalidDataException(
                $"The checkpoint's vocabulary does not cover this build's built-in corpus ({exception.Message}); resume with the --input it was trained on.", exception);
        }
    }

    private void WriteHeader(Trainer trainer, Corpus corpus, IReadOnlyList<string> files, int? take, string? validationPath, bool resumed, string? initPath,
        string bestPath, string latestPath)
    {
        TrainingOptions options = trainer.Options;
        CharModel<float> model = trainer.Model;
        int validation = (int)(corpus.Length * options.ValidationFraction);
        string source = files.Count switch
        {
            0 => BuiltInCorpus.Description,
            1 => $"'{files[0]}'",
            _ => $"{files.Count} files ('{files[0]}' … '{files[^1]}')",
        } +
            (take is { } count && count == corpus.Length ? FormattableString.Invariant($" (its first {count:N0} characters)") : "");
        string limit = string.Join(" or ", new[]
        {
            options.MaxSteps is { } steps ? $"{steps.ToString("N0", CultureInfo.InvariantCulture)} steps" : null,
            options.MaxEpochs is { } epochs ? $"{epochs.ToString(CultureInfo.InvariantCulture)} epochs" : null,
            options.MaxTime is { } time ? Durations.Format(time) : null,
        }.OfType<string>());
        _console.WriteProse(FormattableString.Invariant(
            $"{(resumed ? "Resuming at step " + trainer.Step.ToString("N0", CultureInfo.InvariantCulture) + ": a" : initPath is null ? "Training a" : $"Fine-tuning '{initPath}': a")} {model.Layers.Count}-layer {CellNames.DisplayName(model.CellType)}, hidden {model.HiddenSize}, {model.ParameterCount:N0} parameters"));
        _console.WriteProse(FormattableString.Invariant(
            $"on {source}: {corpus.Length:N0} characters, {corpus.Vocabulary.Count} distinct; {corpus.Length - validation:N0} for training ") +
            FormattableString.Invariant($"({trainer.WindowsPerEpoch(corpus.Length - validation):N0} windows per epoch), ") +
            (validationPath is not null ? $"validation on '{validationPath}'"
                : validation == 0 ? "no validation" : FormattableString.Invariant($"{validation:N0} for validation")));
        _console.WriteProse(FormattableString.Invariant(
            $"{options.Optimizer} lr {options.LearningRate}{(options.Schedule is null ? "" : " (scheduled)")}{(options.EpsilonPlacement == EpsilonPlacement.InsideRoot ? " (ε inside the root)" : "")}, ") + FormattableString.Invariant(
            $"clip {(options.ClipNorm is { } clip ? clip : "off")}, windows of {options.SequenceLength} chars x {options.BatchSize} streams, ") + FormattableString.Invariant(
            $"loss on {(options.LossMode == LossMode.LastStep ? "the last step" : "every step")}, dropout {options.Dropout}; stop after {limit}; ") + FormattableString.Invariant(
            $"{(validation == 0 && validationPath is null ? "save" : "evaluate")} every {options.EvaluateEvery} steps"));
        _console.WriteProse($"Best checkpoint: {bestPath}; latest: {latestPath}. Ctrl+C stops and saves.");
        _console.Out.Flush();
    }

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is OptionResult { Implicit: false };

    // --cell accepts only the three names (AcceptOnlyFromAmong), so the lookup cannot fail here.
    private static CellType ParseCell(string name) => CellNames.TryParse(name, out CellType cell) ? cell : throw new UsageException($"--cell: unknown cell '{name}'.");

    private static OptimizerKind ParseOptimizer(string name) => name switch
    {
        "sgd" => OptimizerKind.Sgd,
        "adagrad" => OptimizerKind.Adagrad,
        "rmsprop" => OptimizerKind.RmsProp,
        "adamw" => OptimizerKind.AdamW,
        _ => OptimizerKind.Adam,
    };

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b[A-Z][A-Za-z0-9]+\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PropertyName();

    private static Option<string?> ChoiceOrNone(string name, string description, params string[] values)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join('|', values) };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static Option<T> Value<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = typeof(T) == typeof(double) ? "X" : "N" };
}
