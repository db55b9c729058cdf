using System.CommandLine;
using System.Globalization;
using System.Text;
using LstmSharp.Layers;
using LstmSharp.Serialization;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp info</c>: what a checkpoint holds — architecture, vocabulary, options, progress, corpus fingerprint.</summary>
internal sealed class InfoCommand
{
    private readonly CliConsole _console;
    private readonly Option<string> _model = SharedOptions.Checkpoint();

    public InfoCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("info", "Describe a checkpoint: architecture, parameter count, vocabulary, training options, step, epoch, " +
            "best validation loss and the corpus it was trained on.")
        {
            _model,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, new Dictionary<string, string>(), () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        string path = parse.GetValue(_model)!;
        LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, path);
        IReadOnlyDictionary<string, string> metadata = checkpoint.Metadata;
        var model = checkpoint.Model;
        TextWriter output = _console.Out;
        void Line(string name, string value) => output.WriteLine($"{name,-12}{value}");

        Line("checkpoint", $"{path} (format {metadata["lstmsharp.format"]}, {(checkpoint.IntegrityWarning is null ? "every byte verified by its SHA-256" : "partly verified")})");
        Line("model", Invariant($"{model.Layers.Count}-layer {CellNames.DisplayName(model.CellType)}, hidden {model.HiddenSize}, {model.ParameterCount:N0} parameters"));
        Line("vocabulary", Invariant($"{checkpoint.Vocabulary.Count} characters: {Preview(checkpoint)}"));
        if (!checkpoint.HasTrainerState)
        {
            Line("training", "none recorded (a model without trainer state: it can be sampled, scored, exported or fine-tuned, not resumed)");
        }
        else
        {
            double best = double.Parse(metadata["trainer.best_validation_loss"], CultureInfo.InvariantCulture);
            Line("progress", Invariant($"step {long.Parse(metadata["trainer.step"], CultureInfo.InvariantCulture):N0}, epoch {metadata["trainer.epoch"]} (next window {metadata["trainer.window_in_epoch"]})"));
            Line("best", double.IsFinite(best) ? Invariant($"validation {best:F4} nats/char ({best / Math.Log(2):F4} bits/char)") : "no validation yet");
        }

        if (Checkpoint.ReadTrainingOptions(checkpoint) is { } options)
        {
            Line("optimizer", DescribeOptimizer(options));
            Line("options", metadata["training.options"]);
        }

        Line("corpus", Describe(Checkpoint.ReadCorpusFingerprint(checkpoint)));
        if (Checkpoint.ReadValidationFingerprint(checkpoint) is { } validation)
        {
            Line("validation", Describe(validation));
        }

        return ExitCodes.Success;
    }

    private static string DescribeOptimizer(TrainingOptions options)
    {
        string hyper = options.Optimizer switch
        {
            OptimizerKind.Sgd => Invariant($"momentum {options.Momentum}, dampening {options.Dampening}, nesterov {options.Nesterov}"),
            OptimizerKind.Adagrad => Invariant($"lr_decay {options.AdagradLearningRateDecay}, initial_accumulator_value {options.InitialAccumulatorValue}, eps {options.Epsilon ?? 1e-10}"),
            OptimizerKind.RmsProp => Invariant($"alpha {options.Alpha}, eps {options.Epsilon ?? 1e-8}, momentum {options.Momentum}, centered {options.Centered}"),
            _ => Invariant($"betas ({options.Beta1}, {options.Beta2}), eps {options.Epsilon ?? 1e-8}"),
        };
        double decay = options.WeightDecay ?? (options.Optimizer == OptimizerKind.AdamW ? 0.01 : 0);
        return Invariant($"{options.Optimizer} lr {options.LearningRate}, {hyper}, weight_decay {decay}");
    }

    private static string Describe(CorpusFingerprint? fingerprint) => fingerprint switch
    {
        null => "not recorded",
        { Paths.Count: 0 } => Invariant($"{fingerprint.Length:N0} characters, SHA-256 {fingerprint.Sha256}, from memory (the built-in corpus)"),
        _ => Invariant($"{fingerprint.Length:N0} characters, SHA-256 {fingerprint.Sha256}, from ") +
             string.Join(", ", fingerprint.Paths.Select(path => $"'{path}'")),
    };

    // The characters themselves, escaped so that the line stays one line.
    private static string Preview(LoadedCheckpoint checkpoint)
    {
        var text = new StringBuilder("\"");
        foreach (System.Text.Rune character in checkpoint.Vocabulary.Characters)
        {
            text.Append(character.Value switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                < 0x20 => Invariant($"\\u{character.Value:X4}"),
                _ => character.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
