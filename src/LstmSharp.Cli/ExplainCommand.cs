using System.CommandLine;
using System.Globalization;
using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using Spectre.Console;

namespace LstmSharp.Cli;

/// <summary>
/// <c>lstmsharp explain</c>: looks inside a checkpoint on a text and writes one self-contained HTML report: which gates
/// saturate, which cells track quotes, brackets, the position in the line or the indentation, and where the model is
/// surprised; <c>--json</c> writes the numbers behind every view.
/// </summary>
internal sealed class ExplainCommand
{
    public const string DefaultOut = "explain.html";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ShownLength"] = "--show",
        ["ShownStart"] = "--from",
        ["characters"] = "--chars",
    };

    private readonly CliConsole _console;
    private readonly Option<string> _model = SharedOptions.Checkpoint();
    private readonly Option<string> _input = new("--input", "-i") { Description = "The UTF-8 text to read; every character must be in the model's vocabulary.", HelpName = "FILE", Required = true };
    private readonly Option<string> _out = SharedOptions.HtmlReport(DefaultOut);

    private readonly Option<string[]> _units = new("--unit", "-u")
    {
        Description = "Also show this unit over the text, as layer:index (for example 0:12); repeat for several. The best unit for each feature is always shown.",
        HelpName = "LAYER:INDEX",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _json = new("--json") { Description = "Also write the numbers behind every view as JSON.", HelpName = "FILE" };
    private readonly Option<string?> _saturationSvg = new("--saturation-svg") { Description = "Also write the saturation plots (one per layer) as a standalone SVG.", HelpName = "FILE" };
    private readonly Option<int> _show = new("--show") { Description = "How many characters from the start the coloured texts show (the statistics use all).", HelpName = "N", DefaultValueFactory = _ => 2000 };
    private readonly Option<int> _from = new("--from") { Description = "Where the coloured texts start: a 0-based character position.", HelpName = "P", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _characters = new("--chars") { Description = "Read only the first N characters of the text. Default: all.", HelpName = "N" };

    public ExplainCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("explain", "Look inside a model on a text: gate saturation, the units that track quotes, brackets, " +
            "line position and indentation (the text coloured by each), and the text coloured by surprise, in one HTML report.")
        {
            _model, _input, _out, _units, _json, _saturationSvg, _show, _from, _characters,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        (int Layer, int Index)[] units = [.. (parse.GetValue(_units) ?? []).Select(ParseUnit)];
        int shownStart = parse.GetValue(_from), shownLength = parse.GetValue(_show);
        ArgumentOutOfRangeException.ThrowIfNegative(shownStart, nameof(shownStart));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shownLength, nameof(shownLength));
        int? characters = parse.GetValue(_characters);
        if (characters is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 2, nameof(characters));
        }

        LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, parse.GetValue(_model)!);
        string input = parse.GetValue(_input)!;
        Corpus text = Corpus.FromFile(input, checkpoint.Vocabulary);
        ReadOnlySpan<int> ids = text.Ids.AsSpan(0, Math.Min(text.Length, characters ?? int.MaxValue));
        if (ids.Length < 2)
        {
            throw new InvalidDataException($"'{input}' holds fewer than two characters; explaining needs at least two.");
        }

        if (shownStart >= ids.Length)
        {
            throw new UsageException($"--from {shownStart} is past the end of the text ({ids.Length} characters read).");
        }

        foreach ((int layer, int index) in units)
        {
            if (layer >= checkpoint.Model.Layers.Count || index >= checkpoint.Model.HiddenSize)
            {
                throw new UsageException($"--unit {layer}:{index} is outside the model: {checkpoint.Model.Layers.Count} layer(s) (0 … {checkpoint.Model.Layers.Count - 1}) of {checkpoint.Model.HiddenSize} units (0 … {checkpoint.Model.HiddenSize - 1}).");
            }
        }

        string? saturationPath = parse.GetValue(_saturationSvg);
        if (saturationPath is not null && checkpoint.Model.CellType == Layers.CellType.Rnn)
        {
            throw new UsageException("--saturation-svg: a vanilla RNN has no gates, so there is no saturation to plot.");
        }

        Explanation explanation = WithProgress(ids.ToArray(), ids.Length, (array, progress) => ModelExplainer.Explain(checkpoint.Model, checkpoint.Vocabulary, array, units, shownStart, shownLength, progress: progress));
        string outPath = parse.GetValue(_out)!;
        ExplainReport.Write(outPath, checkpoint.Model, explanation);
        if (parse.GetValue(_json) is { } jsonPath)
        {
            ExplainReport.WriteJson(jsonPath, checkpoint.Model, explanation);
        }

        if (saturationPath is not null)
        {
            ExplainReport.WriteSaturationSvg(saturationPath, explanation);
        }

        Summarize(checkpoint.Model, explanation);
        string[] written = [outPath, .. new[] { parse.GetValue(_json), saturationPath }.OfType<string>()];
        _console.Out.WriteLine("Wrote " + string.Join(", ", written));
        return ExitCodes.Success;
    }

    private Explanation WithProgress(int[] ids, int total, Func<int[], IProgress<long>?, Explanation> explain)
    {
        if (!_console.IsTerminal)
        {
            return explain(ids, null);
        }

        IAnsiConsole live = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_console.Out) });
        return live.Progress()
            .Columns(new ProgressBarColumn { Width = 30 }, new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context =>
            {
                ProgressTask bar = context.AddTask("reading the text", autoStart: true, maxValue: total);
                return explain(ids, new Progress(bar));
            });
    }

    private void Summarize(CharModel<float> model, Explanation explanation)
    {
        TextWriter output = _console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{CellNames.DisplayName(model.CellType)}, {model.Layers.Count} layer(s) of {model.HiddenSize}: {explanation.Surprise.Losses.Count} characters, {explanation.Surprise.NatsPerCharacter:F4} nats/char"));
        foreach (FeatureRanking ranking in explanation.UnitSearch)
        {
            string best = ranking.Units.Count == 0
                ? "constant in this text"
                : string.Create(CultureInfo.InvariantCulture, $"unit {ranking.Units[0].Layer}:{ranking.Units[0].Index} {(ranking.Units[0].Signal == UnitSignal.TanhCell ? "tanh(c)" : "h")}, r = {ranking.Units[0].Correlation:+0.000;-0.000}");
            output.WriteLine($"  {TextFeatureNames.Of(ranking.Feature),-19} {best}");
        }

        foreach (GateSaturation gate in explanation.Saturation)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  layer {gate.Layer} gate {gate.Gate}: mean left-saturated {gate.LeftFraction.Average():F3}, right-saturated {gate.RightFraction.Average():F3}"));
        }
    }

    /// <summary>A unit as <c>layer:index</c>, for example <c>0:12</c>.</summary>
    internal static (int Layer, int Index) ParseUnit(string text)
    {
        string[] parts = text.Split(':');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int layer)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? (layer, index)
            : throw new UsageException($"--unit '{text}' is not a unit: write layer:index, for example 0:12.");
    }

    /// <summary>Moves the bar synchronously (a <see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Progress(ProgressTask bar) : IProgress<long>
    {
        public void Report(long value) => bar.Value = value;
    }
}
