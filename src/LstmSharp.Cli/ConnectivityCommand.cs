using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Cli;

/// <summary>
/// <c>lstmsharp connectivity</c>: for one or more checkpoints, how strongly each of the last N characters of a text is
/// connected to the prediction of the character after them, as coloured text in one HTML report (one row per model and
/// position), optionally as JSON, with each model's reach. With <c>--task</c> it trains RNN and LSTM on a long-range
/// task first and reads task samples instead of a text.
/// </summary>
internal sealed class ConnectivityCommand
{
    public const string DefaultOut = "connectivity.html";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["length"] = "--length",
        ["position"] = "--position",
        ["charactersPerLine"] = "--wrap",
        ["distance"] = "--distance",
        ["hiddenSize"] = "--hidden",
        ["steps"] = "--task-steps",
        ["seeds"] = "--seeds",
        ["samples"] = "--samples",
        ["LogDecades"] = "--log-scale",
    };

    // The level at which a connection counts for the reach: the issue's 0.1 of the strongest.
    private const double ReachThreshold = 0.1;

    private readonly CliConsole _console;

    private readonly Option<string[]> _models = new("--model", "-m")
    {
        Description = "A checkpoint; repeat to compare models row by row (for example an RNN and an LSTM, or several seeds of each). Not with --task.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _task = TaskTraining.CreateTaskOption();
    private readonly Option<int> _distance = TaskTraining.CreateDistanceOption();
    private readonly Option<string> _cells = SharedOptions.Cells("With --task: the cells to train, comma-separated.");
    private readonly Option<int> _hidden = new("--hidden") { Description = "With --task: hidden size.", HelpName = "N", DefaultValueFactory = _ => 32 };
    private readonly Option<int> _taskSteps = new("--task-steps") { Description = "With --task: training steps per model (batches of 32).", HelpName = "N", DefaultValueFactory = _ => 600 };
    private readonly Option<int> _seeds = new("--seeds") { Description = "With --task: models trained per cell, seeds 1 … N.", HelpName = "N", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _samples = new("--samples") { Description = "With --task: task samples read by each model (one row each).", HelpName = "N", DefaultValueFactory = _ => 3 };

    private readonly Option<double?> _logScale = new("--log-scale")
    {
        Description = "Shade by 1 + log10(value)/D over D decades instead of the article's linear value, so connections far below the strongest (a key 50 steps back) show.",
        HelpName = "D",
    };

    private readonly Option<string?> _json = new("--json")
    {
        Description = "Also write the values as JSON: per view and model, the position, the target and, per input, its position, distance, character, value and normalised value; plus each model's reach.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _text = new("--text", "-t") { Description = "The text to read.", HelpName = "TEXT" };
    private readonly Option<string?> _input = new("--input", "-i") { Description = "Read the text from this UTF-8 file instead of --text.", HelpName = "FILE" };

    private readonly Option<int[]> _lengths = new("--length", "-n")
    {
        Description = "N: how many characters each model reads before the prediction; repeat for several views (the article's 20, 40, 100).",
        HelpName = "N",
        DefaultValueFactory = _ => [40],
    };

    private readonly Option<int[]> _position = new("--position", "-p")
    {
        Description = "The position (0-based) of the last character read; the next one is predicted. Repeat for several positions (one row each). " +
                      "Default: the one before the text's last character.",
        HelpName = "P",
    };

    private readonly Option<string> _measure = new("--measure") { Description = "Differentiate the target's loss or its logit.", DefaultValueFactory = _ => "loss" };
    private readonly Option<int> _wrap = new("--wrap") { Description = "Characters per line in the picture.", HelpName = "N", DefaultValueFactory = _ => 60 };
    private readonly Option<string> _out = SharedOptions.HtmlReport(DefaultOut);
    private readonly Option<string?> _svg = new("--svg") { Description = "Also write the picture as a standalone SVG.", HelpName = "FILE" };

    public ConnectivityCommand(CliConsole console)
    {
        _console = console;
        _measure.AcceptOnlyFromAmong("loss", "logit");
        Command = new Command("connectivity", "Show how strongly each earlier character of a text is connected to a model's prediction: " +
            "the squared norm of the gradient of the prediction with respect to each one-hot input, as coloured text.")
        {
            _models, _text, _input, _lengths, _position, _task, _distance, _cells, _hidden, _taskSteps, _seeds, _samples, _measure, _logScale, _wrap, _out, _svg, _json,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    /// <summary>One model's connectivity for one prediction, with what the report, the JSON and the summary need.</summary>
    private sealed record Entry(string View, int Length, string Label, CellType Cell, string? Path, ulong? Seed, int Position, ConnectivityMap Map, Vocabulary Vocabulary);

    private int Run(ParseResult parse)
    {
        ConnectivityMeasure measure = parse.GetValue(_measure) == "logit" ? ConnectivityMeasure.TargetLogit : ConnectivityMeasure.Loss;
        if (parse.GetValue(_logScale) is { } decades && !(decades > 0 && double.IsFinite(decades)))
        {
            throw new UsageException("--log-scale: give a positive number of decades, for example 20.");
        }

        List<Entry> entries = parse.GetValue(_task) is { } taskName ? RunTask(parse, taskName, measure) : RunText(parse, measure);
        foreach (Entry entry in entries)
        {
            int strongest = Array.IndexOf([.. entry.Map.Normalized], 1.0);
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"N = {entry.Length}, {entry.Label}, position {entry.Position}: p(target) = {Math.Exp(-entry.Map.Loss):F4}; strongest connection {entry.Map.Inputs.Count - 1 - strongest} characters back; ") +
                string.Create(CultureInfo.InvariantCulture, $"reach {entry.Map.Reach(ReachThreshold)} (farthest ≥ {ReachThreshold}: {entry.Map.FarthestReach(ReachThreshold)})"));
        }

        foreach (var group in entries.GroupBy(entry => (entry.View, entry.Cell)))
        {
            int[] reach = [.. group.Select(entry => entry.Map.Reach(ReachThreshold))];
            int[] farthest = [.. group.Select(entry => entry.Map.FarthestReach(ReachThreshold))];
            int models = group.Select(entry => entry.Path ?? entry.Seed?.ToString(CultureInfo.InvariantCulture)).Distinct().Count();
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.View}, {CellNames.DisplayName(group.Key.Cell)}: median reach {Median(reach):0.#} characters (farthest ≥ {ReachThreshold}: median {Median(farthest):0.#}) ") +
                string.Create(CultureInfo.InvariantCulture, $"over {models} model(s) × {group.Count() / Math.Max(1, models)} position(s); reach {string.Join(" ", reach)}"));
        }

        var sections = entries.GroupBy(entry => entry.View)
            .Select(view => new ConnectivitySection(view.Key + (parse.GetValue(_logScale) is { } decades ? string.Create(CultureInfo.InvariantCulture, $" (log scale, {decades:0.##} decades)") : ""),
                [.. view.Select(entry => ConnectivityRow.Of(entry.Label, entry.Map, entry.Vocabulary))]) { LogDecades = parse.GetValue(_logScale) })
            .ToList();
        string outPath = parse.GetValue(_out)!;
        int wrap = parse.GetValue(_wrap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wrap, "charactersPerLine");
        ConnectivityReport.Write(outPath, sections, charactersPerLine: wrap);
        if (parse.GetValue(_svg) is { } svgPath)
        {
            ConnectivityReport.WriteSvg(svgPath, sections, wrap);
        }

        if (parse.GetValue(_json) is { } jsonPath)
        {
            WriteJson(jsonPath, entries, measure);
            _console.Out.WriteLine($"Wrote {jsonPath}");
        }

        _console.Out.WriteLine($"Wrote {outPath}");
        return ExitCodes.Success;
    }

    private List<Entry> RunText(ParseResult parse, ConnectivityMeasure measure)
    {
        string? inline = parse.GetValue(_text), input = parse.GetValue(_input);
        string text = (inline, input) switch
        {
            (not null, null) => inline,
            (null, not null) => File.ReadAllText(input),
            _ => throw new UsageException("Give the text with --text TEXT or --input FILE (one of them), or train on a --task."),
        };
        string[] paths = parse.GetValue(_models) ?? [];
        if (paths.Length == 0)
        {
            throw new UsageException("Give at least one --model FILE, or train on a --task.");
        }

        var checkpoints = paths.Select(path => (Path: path, Checkpoint: CheckpointFiles.Load(_console, path))).ToList();
        bool distinctCells = checkpoints.Select(entry => entry.Checkpoint.Model.CellType).Distinct().Count() == checkpoints.Count;
        int[] positions = parse.GetValue(_position) ?? [];
        var entries = new List<Entry>();
        foreach (int length in parse.GetValue(_lengths)!)
        {
            string view = string.Create(CultureInfo.InvariantCulture, $"Sequence length {length}");
            foreach ((string path, LoadedCheckpoint checkpoint) in checkpoints)
            {
                int[] ids = checkpoint.Vocabulary.Encode(text);
                foreach (int position in positions.Length > 0 ? positions : [ids.Length - 2])
                {
                    if (position < length - 1 || position > ids.Length - 2)
                    {
                        throw new UsageException(
                            $"--length {length} with --position {position} does not fit a text of {ids.Length} characters (it needs position ≥ N − 1 and a character after it).");
                    }

                    ConnectivityMap map = Connectivity.Compute(checkpoint.Model, ids, position, length, measure);
                    string cell = CellNames.DisplayName(checkpoint.Model.CellType);
                    string label = (distinctCells && checkpoints.Count > 1 ? cell : $"{cell} ({Path.GetFileName(path)})") +
                        (positions.Length > 1 ? string.Create(CultureInfo.InvariantCulture, $" @ {position}") : "");
                    entries.Add(new Entry(view, length, label, checkpoint.Model.CellType, path, null, position, map, checkpoint.Vocabulary));
                }
            }
        }

        return entries;
    }

    /// <summary>--task: trains --seeds models per cell on the task, then reads --samples samples with the key at exactly --distance.</summary>
    private List<Entry> RunTask(ParseResult parse, string taskName, ConnectivityMeasure measure)
    {
        if (parse.GetValue(_models) is { Length: > 0 } || parse.GetValue(_text) is not null || parse.GetValue(_input) is not null)
        {
            throw new UsageException("--task trains its own models on task samples: leave out --model, --text and --input.");
        }

        (LongRangeTask training, LongRangeTask evaluation) = TaskTraining.Create(taskName, parse.GetValue(_distance));
        int hidden = parse.GetValue(_hidden), steps = parse.GetValue(_taskSteps), seeds = parse.GetValue(_seeds), sampleCount = parse.GetValue(_samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden, "hiddenSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, "steps");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seeds, "seeds");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount, "samples");
        var random = new SeededRandom(4242);
        LongRangeSample[] samples = [.. Enumerable.Range(0, sampleCount).Select(_ => evaluation.Generate(random))];
        string view = string.Create(CultureInfo.InvariantCulture, $"{taskName}, distance {evaluation.Distance}");
        var entries = new List<Entry>();
        foreach (CellType cell in CellNames.ParseList(parse.GetValue(_cells)!))
        {
            for (ulong seed = 1; seed <= (ulong)seeds; seed++)
            {
                CharModel<float> model = TaskTraining.CreateModel(training, cell, hidden, seed);
                TaskTraining.Train(model, training, steps, seed, cancellation: _console.Cancellation);
                _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{CellNames.DisplayName(cell)} seed {seed}: {steps} steps, accuracy at distance {evaluation.Distance} {TaskTraining.Accuracy(model, evaluation, 512, 99):F2} (chance {1.0 / evaluation.AnswerCount:F2})"));
                for (int index = 0; index < samples.Length; index++)
                {
                    ConnectivityMap map = Connectivity.Compute(model, samples[index].Inputs, samples[index].TargetId, measure);
                    string label = string.Create(CultureInfo.InvariantCulture, $"{CellNames.DisplayName(cell)} seed {seed} #{index + 1}");
                    entries.Add(new Entry(view, evaluation.InputLength, label, cell, null, seed, samples[index].QueryPosition, map, evaluation.Vocabulary));
                }
            }
        }

        return entries;
    }

    private static void WriteJson(string path, IReadOnlyList<Entry> entries, ConnectivityMeasure measure)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("measure", measure == ConnectivityMeasure.TargetLogit ? "logit" : "loss");
            writer.WriteNumber("reach_threshold", ReachThreshold);
            writer.WriteStartArray("views");
            foreach (IGrouping<string, Entry> view in entries.GroupBy(entry => entry.View))
            {
                writer.WriteStartObject();
                writer.WriteString("view", view.Key);
                writer.WriteNumber("length", view.First().Length);
                writer.WriteStartArray("models");
                foreach (Entry entry in view)
                {
                    ConnectivityMap map = entry.Map;
                    writer.WriteStartObject();
                    writer.WriteString("label", entry.Label);
                    writer.WriteString("cell", CellNames.Of(entry.Cell));
                    if (entry.Path is not null)
                    {
                        writer.WriteString("model", entry.Path);
                    }

                    if (entry.Seed is { } seed)
                    {
                        writer.WriteNumber("seed", seed);
                    }

                    writer.WriteNumber("position", entry.Position);
                    writer.WriteString("target", entry.Vocabulary[map.Target].ToString());
                    writer.WriteNumber("target_probability", Math.Exp(-map.Loss));
                    writer.WriteNumber("reach", map.Reach(ReachThreshold));
                    writer.WriteNumber("farthest_reach", map.FarthestReach(ReachThreshold));
                    writer.WriteStartArray("inputs");
                    for (int index = 0; index < map.Inputs.Count; index++)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("position", entry.Position - (map.Inputs.Count - 1 - index));
                        writer.WriteNumber("back", map.Inputs.Count - index);
                        writer.WriteString("character", entry.Vocabulary[map.Inputs[index]].ToString());
                        writer.WriteNumber("value", map.Values[index]);
                        writer.WriteNumber("normalized", map.Normalized[index]);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        ReportFile.Write(path, file => stream.WriteTo(file));
    }

    private static double Median(int[] values)
    {
        int[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
    }
}
