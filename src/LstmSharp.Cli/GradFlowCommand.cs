using System.CommandLine;
using System.Globalization;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Reports;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// <c>lstmsharp gradflow</c>: trains RNN and LSTM models side by side on the same text (or loads checkpoints), records the
/// gradient flow of one probe window at chosen epochs and writes one self-contained HTML report.
/// </summary>
internal sealed class GradFlowCommand
{
    public const string DefaultOut = "gradflow.html";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hiddenSize"] = "--hidden",
        ["SequenceLength"] = "--seq-length",
        ["sequenceLength"] = "--seq-length",
        ["BatchSize"] = "--batch",
        ["LearningRate"] = "--lr",
        ["characters"] = "--chars",
        ["epochs"] = "--record-epochs",
    };

    private readonly CliConsole _console;

    private readonly Option<string?> _input = new("--input", "-i")
    {
        Description = "The UTF-8 text to learn. Default: the built-in corpus (LstmSharp's own README, docs and source).",
        HelpName = "FILE",
    };

    private readonly Option<string[]> _models = new("--model", "-m")
    {
        Description = "Load these checkpoints instead of training (one snapshot each, labelled by cell); the probe comes from --input.",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _cells = new("--cells") { Description = "The cells to train, comma-separated.", HelpName = "LIST", DefaultValueFactory = _ => "rnn,lstm" };
    private readonly Option<string> _epochs = new("--record-epochs") { Description = "Record at the start of these epochs (the article's 0,10,20,30,40); training stops after the last.", HelpName = "LIST", DefaultValueFactory = _ => "0,10,20,30,40" };
    private readonly Option<int> _characters = new("--chars") { Description = "Train on the first N characters of the text, so that an epoch is short.", HelpName = "N", DefaultValueFactory = _ => 20_000 };
    private readonly Option<int> _hidden = new("--hidden") { Description = "Hidden size.", HelpName = "N", DefaultValueFactory = _ => 64 };
    private readonly Option<int> _sequenceLength = new("--seq-length") { Description = "Characters per training window, and the probe's length.", HelpName = "N", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _batch = new("--batch") { Description = "Streams trained in parallel.", HelpName = "N", DefaultValueFactory = _ => 16 };
    private readonly Option<double> _learningRate = new("--lr") { Description = "Adam's learning rate.", HelpName = "X", DefaultValueFactory = _ => 3e-3 };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the initial weights.", HelpName = "N", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The HTML report.", HelpName = "FILE", DefaultValueFactory = _ => DefaultOut };
    private readonly Option<string?> _normSvg = new("--norm-svg") { Description = "Also write the norm-against-distance plot as a standalone SVG.", HelpName = "FILE" };

    public GradFlowCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("gradflow", "Train RNN and LSTM side by side (or load checkpoints) and write an HTML report of how the gradient " +
            "flows back through time: histograms of dL/dh and dL/dc per step at chosen epochs, and the norm against the distance from the loss.")
        {
            _input, _models, _cells, _epochs, _characters, _hidden, _sequenceLength, _batch, _learningRate, _seed, _out, _normSvg,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        int sequenceLength = parse.GetValue(_sequenceLength), characters = parse.GetValue(_characters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength, "sequenceLength");
        ArgumentOutOfRangeException.ThrowIfLessThan(characters, 2, "characters");
        string? input = parse.GetValue(_input);
        string text = input is null ? BuiltInCorpus.Load() : File.ReadAllText(input);
        text = text.Length > characters ? text[..characters] : text;
        var runs = new List<GradientFlowRun>();
        string[] models = parse.GetValue(_models) ?? [];
        if (models.Length > 0)
        {
            foreach (string path in models)
            {
                LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, path);
                int[] ids = Corpus.FromText(text, checkpoint.Vocabulary).Ids;
                GradientFlowProbe probe = GradientFlowProbe.FromText(ids, Math.Min(sequenceLength, ids.Length - 1));
                GradientFlowSnapshot snapshot = new GradientFlowRecorder<float>(checkpoint.Model)
                    .RecordWindow(probe.Inputs, probe.Targets, probe.SequenceLength, probe.BatchSize);
                runs.Add(new GradientFlowRun($"{checkpoint.Model.CellType.ToString().ToUpperInvariant()} ({Path.GetFileName(path)})", [snapshot]));
                _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: probe loss {snapshot.Loss:F4}"));
            }
        }
        else
        {
            Corpus corpus = Corpus.FromText(text);
            SortedSet<int> epochs = ParseList(parse.GetValue(_epochs)!, "--record-epochs");
            if (epochs.Min < 0)
            {
                throw new UsageException("--record-epochs: epochs are counted from 0.");
            }

            foreach (string cellName in parse.GetValue(_cells)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!CellTypeNames.TryParse(cellName, out CellType cell))
                {
                    throw new UsageException($"--cells: unknown cell '{cellName}' (use rnn, lstm, gru).");
                }

                runs.Add(Train(parse, corpus, cell, epochs, sequenceLength));
            }
        }

        string outPath = parse.GetValue(_out)!;
        GradientFlowReport.Write(outPath, runs);
        if (parse.GetValue(_normSvg) is { } svgPath)
        {
            GradientFlowReport.WriteNormPlotSvg(svgPath, runs);
        }

        _console.Out.WriteLine($"Wrote {outPath}");
        return ExitCodes.Success;
    }

    private GradientFlowRun Train(ParseResult parse, Corpus corpus, CellType cell, SortedSet<int> epochs, int sequenceLength)
    {
        var model = new CharModel<float>(cell, corpus.Vocabulary.Count, parse.GetValue(_hidden));
        model.Initialize(Initialization.PyTorchUniform, parse.GetValue(_seed));
        var options = new TrainingOptions
        {
            SequenceLength = sequenceLength,
            BatchSize = parse.GetValue(_batch),
            LearningRate = parse.GetValue(_learningRate),
            ValidationFraction = 0,
            MaxEpochs = Math.Max(1, epochs.Max),
        };
        options.Validate();
        var trainer = new Trainer(model, options);
        GradientFlowSchedule schedule = trainer.RecordGradientFlowAt(epochs, GradientFlowProbe.FromText(corpus.Ids, sequenceLength));
        schedule.Recorded += (_, snapshot) => _console.Out.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{cell.ToString().ToUpperInvariant()} epoch {snapshot.Epoch}: step {snapshot.Step}, probe loss {snapshot.Loss:F4}"));
        trainer.Train(corpus.Ids, ReadOnlyMemory<int>.Empty, cancellationToken: _console.Cancellation);
        return new GradientFlowRun(cell.ToString().ToUpperInvariant(), schedule.Snapshots);
    }

    internal static SortedSet<int> ParseList(string list, string flag)
    {
        var values = new SortedSet<int>();
        foreach (string item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            values.Add(int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new UsageException($"{flag}: '{item}' is not a whole number."));
        }

        return values.Count > 0 ? values : throw new UsageException($"{flag}: give at least one number.");
    }
}
