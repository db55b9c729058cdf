using System.CommandLine;
using System.Globalization;
using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
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

    private readonly Option<string> _cells = SharedOptions.Cells("The cells to train, comma-separated.");
    private readonly Option<string> _epochs = new("--record-epochs") { Description = "Record at the start of these epochs (the article's 0,10,20,30,40); training stops after the last.", HelpName = "LIST", DefaultValueFactory = _ => "0,10,20,30,40" };
    private readonly Option<int> _characters = new("--chars") { Description = "Train on the first N characters of the text, so that an epoch is short.", HelpName = "N", DefaultValueFactory = _ => 20_000 };
    private readonly Option<int> _hidden = new("--hidden") { Description = "Hidden size.", HelpName = "N", DefaultValueFactory = _ => 64 };
    private readonly Option<int> _sequenceLength = new("--seq-length") { Description = "Characters per training window, and the probe's length.", HelpName = "N", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _batch = new("--batch") { Description = "Streams trained in parallel.", HelpName = "N", DefaultValueFactory = _ => 16 };
    private readonly Option<double> _learningRate = new("--lr") { Description = "Adam's learning rate.", HelpName = "X", DefaultValueFactory = _ => 3e-3 };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the initial weights.", HelpName = "N", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _out = SharedOptions.HtmlReport(DefaultOut);
    private readonly Option<string?> _normSvg = new("--norm-svg") { Description = "Also write the norm-against-distance plot as a standalone SVG.", HelpName = "FILE" };
    private readonly Option<string?> _lossSvg = new("--loss-svg") { Description = "Also write the per-epoch training loss plot as a standalone SVG.", HelpName = "FILE" };

    private readonly Option<string?> _preset = new("--preset")
    {
        Description = "'article': train as the article did (as `train --preset article`: hidden 100, windows of 25 in one stream, loss on the last step, " +
                      "Adagrad lr 0.1 with ε inside the root, no clipping, N(0, 0.01²) weights and biases) and record epochs 0,10,…,50. Options given beside it override it.",
        HelpName = "NAME",
    };

    private readonly Option<string?> _task = TaskTraining.CreateTaskOption();
    private readonly Option<int> _distance = TaskTraining.CreateDistanceOption();

    public GradFlowCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("gradflow", "Train RNN and LSTM side by side (or load checkpoints) and write an HTML report of how the gradient " +
            "flows back through time: histograms of dL/dh and dL/dc per step at chosen epochs, and the norm against the distance from the loss.")
        {
            _input, _models, _preset, _task, _distance, _cells, _epochs, _characters, _hidden, _sequenceLength, _batch, _learningRate, _seed, _out,
            _normSvg, _lossSvg,
        };
        _preset.AcceptOnlyFromAmong(TrainCommand.ArticlePreset);
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    private bool IsArticle(ParseResult parse) => parse.GetValue(_preset) == TrainCommand.ArticlePreset;

    private T Pick<T>(ParseResult parse, Option<T> option, T articleValue) =>
        IsArticle(parse) && parse.GetResult(option) is not System.CommandLine.Parsing.OptionResult { Implicit: false } ? articleValue : parse.GetValue(option)!;

    private int Run(ParseResult parse)
    {
        if (parse.GetValue(_task) is { } taskName)
        {
            return RunTask(parse, taskName);
        }

        int sequenceLength = Pick(parse, _sequenceLength, TrainingOptions.Article.SequenceLength), characters = parse.GetValue(_characters);
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
                GradientFlowSnapshot snapshot = new GradientFlowRecorder<float>(checkpoint.Model).Record(probe);
                runs.Add(new GradientFlowRun($"{CellNames.DisplayName(checkpoint.Model.CellType)} {Path.GetFileNameWithoutExtension(path)}", checkpoint.Model.CellType, checkpoint.Model.HiddenSize, [snapshot]));
                _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: probe loss {snapshot.Loss:F4}"));
            }
        }
        else
        {
            Corpus corpus = Corpus.FromText(text);
            SortedSet<int> epochs = ParseEpochs(Pick(parse, _epochs, "0,10,20,30,40,50"));
            foreach (CellType cell in CellNames.ParseList(parse.GetValue(_cells)!))
            {
                runs.Add(Train(parse, corpus, cell, epochs, sequenceLength));
            }
        }

        return WriteReport(parse, runs);
    }

    private int WriteReport(ParseResult parse, List<GradientFlowRun> runs)
    {
        foreach (GradientFlowRun run in runs)
        {
            foreach (GradientFlowSnapshot snapshot in run.Snapshots)
            {
                LayerGradientFlow layer = snapshot.Layers[0];
                int step = layer.Hidden.Norms.Count - 1 - RatioDistance;
                if (step >= 0 && snapshot.LossMode == LossMode.LastStep && layer.Cell is null)
                {
                    _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{run.Label} epoch {snapshot.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"}: ‖dL/dh‖ at distance {RatioDistance} = {layer.Hidden.Norms[step]:G3}"));
                }

                if (layer.Cell is not null && step >= 0 && snapshot.LossMode == LossMode.LastStep)
                {
                    _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{run.Label} epoch {snapshot.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"}: ‖dL/dc‖ / ‖dL/dh‖ at distance {RatioDistance} = {layer.Cell.Norms[step] / layer.Hidden.Norms[step]:G3} (‖dL/dh‖ {layer.Hidden.Norms[step]:G3}, ‖dL/dc‖ {layer.Cell.Norms[step]:G3})"));
                }
            }
        }

        string outPath = parse.GetValue(_out)!;
        GradientFlowReport.Write(outPath, runs);
        if (parse.GetValue(_normSvg) is { } svgPath)
        {
            GradientFlowReport.WriteNormPlotSvg(svgPath, runs);
        }

        if (parse.GetValue(_lossSvg) is { } lossPath)
        {
            GradientFlowReport.WriteEpochLossPlotSvg(lossPath, runs);
        }

        _console.Out.WriteLine($"Wrote {outPath}");
        return ExitCodes.Success;
    }

    // The distance at which the LSTM's two state gradients are compared (the issue's ‖dL/dc‖ / ‖dL/dh‖ at 20).
    private const int RatioDistance = 20;

    /// <summary>--task: trains each cell on the task, recording the probe batch every <see cref="TaskTraining.StepsPerEpoch"/> steps.</summary>
    private int RunTask(ParseResult parse, string taskName)
    {
        (LongRangeTask training, LongRangeTask evaluation) = TaskTraining.Create(taskName, parse.GetValue(_distance));
        SortedSet<int> epochs = ParseEpochs(parse.GetResult(_epochs) is System.CommandLine.Parsing.OptionResult { Implicit: false } ? parse.GetValue(_epochs)! : "0,1,2,4,6");
        int hidden = parse.GetValue(_hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden, "hiddenSize");
        ulong seed = parse.GetValue(_seed);
        // The probe: 16 samples with the key at exactly N, the same for every cell and epoch.
        const int probeBatch = 16;
        var probeInputs = new int[evaluation.InputLength * probeBatch];
        var probeTargets = new int[probeBatch];
        evaluation.FillBatch(new SeededRandom(seed + 7), probeBatch, probeInputs, probeTargets);
        var probe = new GradientFlowProbe(probeInputs, probeTargets, evaluation.InputLength, probeBatch);
        var runs = new List<GradientFlowRun>();
        foreach (CellType cell in CellNames.ParseList(parse.GetValue(_cells)!))
        {
            CharModel<float> model = TaskTraining.CreateModel(training, cell, hidden, seed);
            var schedule = new GradientFlowSchedule(epochs, probe);
            void Record(int epoch)
            {
                if (schedule.OnEpochStart(model, epoch, (long)epoch * TaskTraining.StepsPerEpoch) is { } snapshot)
                {
                    _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{CellNames.DisplayName(cell)} epoch {epoch} (step {snapshot.Step}): probe loss {snapshot.Loss:F4}, accuracy at distance {evaluation.Distance} {TaskTraining.Accuracy(model, evaluation, 256, seed + 99):F2}"));
                }
            }

            TaskTraining.Train(model, training, epochs.Max * TaskTraining.StepsPerEpoch, seed, step =>
            {
                if (step % TaskTraining.StepsPerEpoch == 0)
                {
                    Record(step / TaskTraining.StepsPerEpoch);
                }
            }, _console.Cancellation);
            Record(epochs.Max);   // after the last step: the epoch that starts where training stops
            runs.Add(new GradientFlowRun(CellNames.DisplayName(cell), cell, model.HiddenSize, schedule.Snapshots));
        }

        return WriteReport(parse, runs);
    }

    private GradientFlowRun Train(ParseResult parse, Corpus corpus, CellType cell, SortedSet<int> epochs, int sequenceLength)
    {
        bool article = IsArticle(parse);
        var model = new CharModel<float>(cell, corpus.Vocabulary.Count, Pick(parse, _hidden, 100));
        model.Initialize(article ? Initialization.ArticleNormal : Initialization.PyTorchUniform, parse.GetValue(_seed));
        TrainingOptions baseline = article ? TrainingOptions.Article : new TrainingOptions { ValidationFraction = 0 };
        TrainingOptions options = baseline with
        {
            SequenceLength = sequenceLength,
            BatchSize = Pick(parse, _batch, baseline.BatchSize),
            LearningRate = Pick(parse, _learningRate, baseline.LearningRate),
            MaxEpochs = Math.Max(1, epochs.Max),
        };
        options.Validate();
        var trainer = new Trainer(model, options);
        GradientFlowSchedule schedule = new GradientFlowSchedule(epochs, GradientFlowProbe.FromText(corpus.Ids, sequenceLength)).AttachTo(trainer);
        schedule.Recorded += (_, snapshot) => _console.Out.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"{CellNames.DisplayName(cell)} epoch {snapshot.Epoch}: step {snapshot.Step}, probe loss {snapshot.Loss:F4}"));
        var epochLosses = new List<double>();
        var progress = new EpochLosses(mean =>
        {
            epochLosses.Add(mean);
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{CellNames.DisplayName(cell)} epoch {epochLosses.Count - 1}: mean training loss {mean:F4} nats/prediction"));
        });
        trainer.Train(corpus.Ids, ReadOnlyMemory<int>.Empty, progress, _console.Cancellation);
        return new GradientFlowRun(CellNames.DisplayName(cell), cell, model.HiddenSize, schedule.Snapshots) { EpochLosses = epochLosses };
    }

    private sealed class EpochLosses(Action<double> onEpochEnd) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.IsEpochEnd)
            {
                onEpochEnd(value.EpochTrainingLoss);
            }
        }
    }

    /// <summary>The <c>--record-epochs</c> list, sorted and without repeats: whole numbers from 0, at least one.</summary>
    private static SortedSet<int> ParseEpochs(string list)
    {
        const string flag = "--record-epochs";
        var values = new SortedSet<int>();
        foreach (string item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            values.Add(int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new UsageException($"{flag}: '{item}' is not a whole number."));
        }

        if (values.Count == 0)
        {
            throw new UsageException($"{flag}: give at least one number.");
        }

        return values.Min >= 0 ? values : throw new UsageException($"{flag}: epochs are counted from 0.");
    }
}
