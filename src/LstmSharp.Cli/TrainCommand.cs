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
internal sealed class TrainCommand
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
        ["MaxSteps"] = "--steps",
        ["MaxEpochs"] = "--epochs",
        ["MaxTime"] = "--time",
        ["EvaluateEvery"] = "--eval-every",
        ["sampleLength"] = "--sample-length",
        ["take"] = "--take",
    };

    private readonly CliConsole _console;

    private readonly Option<string?> _input = new("--input", "-i")
    {
        Description = "The UTF-8 text file to learn. Default: the built-in corpus (LstmSharp's own README, docs and source).",
        HelpName = "FILE",
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
        Description = "Train on the first N characters of the text only (the vocabulary is theirs). [--preset article: 20000]",
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

    private readonly Option<double?> _learningRateDecay = new("--lr-decay")
    {
        Description = "Multiply the learning rate by this factor every --lr-decay-every epochs (char-rnn's 0.97).",
        HelpName = "FACTOR",
    };

    private readonly Option<int?> _learningRateDecayEvery = new("--lr-decay-every")
    {
        Description = "Epochs between learning-rate decays [default: 1 when --lr-decay is given].",
        HelpName = "N",
    };

    private readonly Option<double> _clip = Value("--clip", "Clip gradients to this global L2 norm; 0 turns clipping off.", 5.0);
    private readonly Option<double?> _clipValue = new("--clip-value") { Description = "Clamp every gradient element to ±X.", HelpName = "X" };
    private readonly Option<double> _dropout = Value("--dropout", "Dropout between stacked layers, in [0, 1).", 0.0);
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
        Description = $"The best checkpoint by validation loss; a resumable latest one goes beside it (model.safetensors → model{LatestSuffix}). " +
                      $"[default: {DefaultOut}, or when resuming the checkpoint resumed]",
        HelpName = "FILE",
    };

    private readonly Option<ulong> _seed = Value<ulong>("--seed", "Seed of the initial weights, dropout and samples.", 1);

    private readonly Option<string?> _resume = new("--resume")
    {
        Description = "Continue training a checkpoint (its model, optimizer and position; its options, except any limit given here). " +
                      "Give the same --input it was trained on.",
        HelpName = "FILE",
    };

    private readonly Option<int> _sampleLength = Value("--sample-length", "Characters sampled at each evaluation (0 for none).", 200);

    public TrainCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("train", "Train a character-level model and save the best checkpoint by validation loss. " +
            "Ctrl+C stops, saves a resumable checkpoint and prints the command that resumes it.")
        {
            _input, _preset, _take, _cell, _hidden, _layers, _sequenceLength, _batch, _loss, _epochWindows, _optimizer, _learningRate, _epsilonPlacement,
            _learningRateDecay, _learningRateDecayEvery, _clip, _clipValue, _dropout, _initialization, _validationFraction, _steps, _epochs, _time,
            _evaluateEvery, _out, _seed, _resume, _sampleLength,
        };
        _preset.AcceptOnlyFromAmong(ArticlePreset);
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    /// <summary>The name of the article's preset.</summary>
    internal const string ArticlePreset = "article";

    /// <summary>What a new run is made of, once the command line (and any preset) is read.</summary>
    internal sealed record Configuration(TrainingOptions Options, CellType Cell, int HiddenSize, int LayerCount, Initialization Initialization,
        int? Take, int SampleLength);

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

        double learningRate = Pick(_learningRate, TrainingOptions.Article.LearningRate);
        double? decay = parse.GetValue(_learningRateDecay);
        int? decayEvery = parse.GetValue(_learningRateDecayEvery);
        if (decayEvery is not null && decay is null)
        {
            throw new UsageException("--lr-decay-every needs --lr-decay FACTOR.");
        }

        double clip = Pick(_clip, 0.0);
        OptimizerKind optimizer = ParseOptimizer(Pick(_optimizer, "adagrad"));
        EpsilonPlacement placement = Pick(_epsilonPlacement, "inside-root") == "inside-root" ? EpsilonPlacement.InsideRoot : EpsilonPlacement.OutsideRoot;
        TrainingOptions baseline = article ? TrainingOptions.Article : new TrainingOptions();
        TrainingOptions options = baseline with
        {
            SequenceLength = Pick(_sequenceLength, TrainingOptions.Article.SequenceLength),
            BatchSize = Pick(_batch, TrainingOptions.Article.BatchSize),
            LossMode = Pick(_loss, "last-step") == "last-step" ? LossMode.LastStep : LossMode.EveryStep,
            EpochWindows = Pick(_epochWindows, "article") == "article" ? EpochWindows.ArticleCount : EpochWindows.AllWindows,
            Optimizer = optimizer,
            LearningRate = learningRate,
            // The article's ε (1e-8) belongs to its Adagrad: another optimizer given beside the preset keeps its own default.
            Epsilon = optimizer == baseline.Optimizer ? baseline.Epsilon : null,
            EpsilonPlacement = placement,
            Schedule = decay is { } factor ? new StepDecaySchedule(learningRate, factor, decayEvery ?? 1) : null,
            ClipNorm = clip == 0 ? null : clip,
            ClipValue = parse.GetValue(_clipValue),
            Dropout = parse.GetValue(_dropout),
            ValidationFraction = Pick(_validationFraction, 0.0),
            EvaluateEvery = Pick(_evaluateEvery, ArticleEvaluateEvery),
            Seed = parse.GetValue(_seed),
        };
        Initialization initialization = Pick(_initialization, "article") switch
        {
            "article" => Initialization.ArticleNormal,
            "min-char-rnn" => Initialization.MinCharRnnNormal,
            _ => Initialization.PyTorchUniform,
        };
        int sampleLength = Pick(_sampleLength, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleLength);
        options = WithLimits(parse, options, article ? null : DefaultTime);
        if (article && options.MaxSteps is null && options.MaxEpochs is null && options.MaxTime is null)
        {
            options = options with { MaxEpochs = TrainingOptions.Article.MaxEpochs };
        }

        return new Configuration(options, ParseCell(Pick(_cell, "lstm")), hidden, layers, initialization, take, sampleLength);
    }

    /// <summary>The article's text: its first 20,000 characters.</summary>
    internal const int ArticleCharacters = 20_000;

    // The article's run is ~39,000 short steps: save every 1,000 rather than every 200.
    private const int ArticleEvaluateEvery = 1000;

    private int Run(ParseResult parse)
    {
        string? input = parse.GetValue(_input);
        string? resumePath = parse.GetValue(_resume);

        LoadedCheckpoint? checkpoint = resumePath is null ? null : Checkpoint.Load(resumePath);
        Configuration? configuration = checkpoint is null ? Configure(parse) : null;
        TrainingOptions options = configuration?.Options ?? ResumedOptions(parse, checkpoint!);
        options.Validate();
        int sampleLength = configuration?.SampleLength ?? parse.GetValue(_sampleLength);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleLength);
        int? take = configuration is null ? parse.GetValue(_take) : configuration.Take;
        if (take is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, "take");
        }

        Corpus corpus = LoadCorpus(input, checkpoint?.Vocabulary, take);
        CharModel<float> model;
        if (configuration is not null)
        {
            model = new CharModel<float>(configuration.Cell, corpus.Vocabulary.Count, configuration.HiddenSize, configuration.LayerCount);
            model.Initialize(configuration.Initialization, parse.GetValue(_seed));
        }
        else
        {
            model = checkpoint!.Model;
        }

        var trainer = new Trainer(model, options);
        if (checkpoint is not null)
        {
            Checkpoint.RestoreTrainer(checkpoint, trainer);
            ThrowIfLimitReached(trainer);
        }

        string bestPath = parse.GetValue(_out) ?? (resumePath is null ? DefaultOut : BestPathOf(resumePath));
        string latestPath = LatestPathOf(bestPath);
        WriteHeader(trainer, corpus, input, take, checkpoint is not null, bestPath, latestPath);

        // A resume finds the best path from the latest one unless --out named it otherwise.
        string resumeArguments = (input is null ? "" : " --input " + TrainingSession.Quote(input)) +
            (take is { } taken ? FormattableString.Invariant($" --take {taken}") : "") +
            (BestPathOf(latestPath) == bestPath ? "" : " --out " + TrainingSession.Quote(bestPath));
        return new TrainingSession(_console, trainer, corpus, bestPath, latestPath, sampleLength, resumeArguments, checkpoint is not null).Run();
    }

    /// <summary>"model.safetensors" → "model.last.safetensors".</summary>
    internal static string LatestPathOf(string bestPath) =>
        bestPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? bestPath[..^Extension.Length] + LatestSuffix : bestPath + LatestSuffix;

    /// <summary>"model.last.safetensors" → "model.safetensors"; any other checkpoint is its own best path.</summary>
    internal static string BestPathOf(string checkpointPath) =>
        checkpointPath.EndsWith(LatestSuffix, StringComparison.OrdinalIgnoreCase) ? checkpointPath[..^LatestSuffix.Length] + Extension : checkpointPath;

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
            _preset, _cell, _hidden, _layers, _sequenceLength, _batch, _loss, _epochWindows, _optimizer, _learningRate, _epsilonPlacement,
            _learningRateDecay, _learningRateDecayEvery, _clip, _clipValue, _dropout, _initialization, _validationFraction, _evaluateEvery, _seed,
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
        if (steps is null && epochs is null && time is null)
        {
            return defaultTime is null ? options : options with { MaxSteps = null, MaxEpochs = null, MaxTime = defaultTime };
        }

        return options with { MaxSteps = steps, MaxEpochs = epochs, MaxTime = time };
    }

    /// <summary>
    /// Refuses <paramref name="flag"/>, an option that needs a validation loss (early stopping, plateau), when
    /// <paramref name="options"/> hold out no validation part.
    /// </summary>
    internal static void RequireValidation(TrainingOptions options, string flag)
    {
        if (options.ValidationFraction == 0)
        {
            throw new UsageException($"{flag} needs a validation loss, but --val-fraction 0 holds out no validation text.");
        }
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

    private static Corpus LoadCorpus(string? input, Vocabulary? vocabulary, int? take)
    {
        Corpus corpus = LoadCorpus(input, vocabulary);
        if (take is not { } count || count >= corpus.Length)
        {
            return corpus;
        }

        // The first N characters, with their own vocabulary (as the article builds it from the text it reads).
        return Corpus.FromText(corpus.Vocabulary.Decode(corpus.Ids.AsSpan(0, count)), vocabulary);
    }

    private static Corpus LoadCorpus(string? input, Vocabulary? vocabulary)
    {
        if (input is not null)
        {
            return Corpus.FromFile(input, vocabulary);
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

    private void WriteHeader(Trainer trainer, Corpus corpus, string? input, int? take, bool resumed, string bestPath, string latestPath)
    {
        TrainingOptions options = trainer.Options;
        CharModel<float> model = trainer.Model;
        int validation = (int)(corpus.Length * options.ValidationFraction);
        string source = (input is null ? BuiltInCorpus.Description : $"'{input}'") +
            (take is { } count && count == corpus.Length ? FormattableString.Invariant($" (its first {count:N0} characters)") : "");
        string limit = string.Join(" or ", new[]
        {
            options.MaxSteps is { } steps ? $"{steps.ToString("N0", CultureInfo.InvariantCulture)} steps" : null,
            options.MaxEpochs is { } epochs ? $"{epochs.ToString(CultureInfo.InvariantCulture)} epochs" : null,
            options.MaxTime is { } time ? Durations.Format(time) : null,
        }.OfType<string>());
        TextWriter output = _console.Out;
        output.WriteLine(FormattableString.Invariant(
            $"{(resumed ? "Resuming at step " + trainer.Step.ToString("N0", CultureInfo.InvariantCulture) + ": a" : "Training a")} {model.Layers.Count}-layer {model.CellType.ToString().ToUpperInvariant()}, hidden {model.HiddenSize}, {model.ParameterCount:N0} parameters"));
        output.WriteLine(FormattableString.Invariant(
            $"on {source}: {corpus.Length:N0} characters, {corpus.Vocabulary.Count} distinct; {corpus.Length - validation:N0} for training ") +
            FormattableString.Invariant($"({trainer.WindowsPerEpoch(corpus.Length - validation):N0} windows per epoch), ") +
            (validation == 0 ? "no validation" : FormattableString.Invariant($"{validation:N0} for validation")));
        output.WriteLine(FormattableString.Invariant(
            $"{options.Optimizer} lr {options.LearningRate}{(options.Schedule is null ? "" : " (scheduled)")}{(options.EpsilonPlacement == EpsilonPlacement.InsideRoot ? " (ε inside the root)" : "")}, clip {(options.ClipNorm is { } clip ? clip : "off")}, ") + FormattableString.Invariant(
            $"windows of {options.SequenceLength} chars x {options.BatchSize} streams, loss on {(options.LossMode == LossMode.LastStep ? "the last step" : "every step")}, ") + FormattableString.Invariant(
            $"dropout {options.Dropout}; stop after {limit}; {(validation == 0 ? "save" : "evaluate")} every {options.EvaluateEvery} steps"));
        output.WriteLine($"Best checkpoint: {bestPath}; latest: {latestPath}. Ctrl+C stops and saves.");
        output.Flush();
    }

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is OptionResult { Implicit: false };

    // --cell accepts only the three names (AcceptOnlyFromAmong), so the lookup cannot fail here.
    private static CellType ParseCell(string name) => CellTypeNames.TryParse(name, out CellType cell) ? cell : throw new UsageException($"--cell: unknown cell '{name}'.");

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

    private static Option<T> Value<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = typeof(T) == typeof(double) ? "X" : "N" };
}
