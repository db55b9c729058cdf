using System.CommandLine;
using System.Globalization;
using LstmSharp.Diagnostics;
using LstmSharp.Reports;
using LstmSharp.Serialization;

namespace LstmSharp.Cli;

/// <summary>
/// <c>lstmsharp connectivity</c>: for one or more checkpoints, how strongly each of the last N characters of a text is
/// connected to the prediction of the character after them, as coloured text in one HTML report (one row per model).
/// </summary>
internal sealed class ConnectivityCommand
{
    public const string DefaultOut = "connectivity.html";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["length"] = "--length",
        ["position"] = "--position",
        ["charactersPerLine"] = "--wrap",
    };

    private readonly CliConsole _console;

    private readonly Option<string[]> _models = new("--model", "-m")
    {
        Description = "A checkpoint; repeat to compare models row by row (for example an RNN and an LSTM).",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<string?> _text = new("--text", "-t") { Description = "The text to read.", HelpName = "TEXT" };
    private readonly Option<string?> _input = new("--input", "-i") { Description = "Read the text from this UTF-8 file instead of --text.", HelpName = "FILE" };

    private readonly Option<int[]> _lengths = new("--length", "-n")
    {
        Description = "N: how many characters each model reads before the prediction; repeat for several views (the article's 20, 40, 100).",
        HelpName = "N",
        DefaultValueFactory = _ => [40],
    };

    private readonly Option<int?> _position = new("--position", "-p")
    {
        Description = "The position (0-based) of the last character read; the next one is predicted. Default: the one before the text's last character.",
        HelpName = "P",
    };

    private readonly Option<string> _measure = new("--measure") { Description = "Differentiate the target's loss or its logit.", DefaultValueFactory = _ => "loss" };
    private readonly Option<int> _wrap = new("--wrap") { Description = "Characters per line in the picture.", HelpName = "N", DefaultValueFactory = _ => 60 };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The HTML report.", HelpName = "FILE", DefaultValueFactory = _ => DefaultOut };
    private readonly Option<string?> _svg = new("--svg") { Description = "Also write the picture as a standalone SVG.", HelpName = "FILE" };

    public ConnectivityCommand(CliConsole console)
    {
        _console = console;
        _measure.AcceptOnlyFromAmong("loss", "logit");
        Command = new Command("connectivity", "Show how strongly each earlier character of a text is connected to a model's prediction: " +
            "the squared norm of the gradient of the prediction with respect to each one-hot input, as coloured text.")
        {
            _models, _text, _input, _lengths, _position, _measure, _wrap, _out, _svg,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        string? inline = parse.GetValue(_text), input = parse.GetValue(_input);
        string text = (inline, input) switch
        {
            (not null, null) => inline,
            (null, not null) => File.ReadAllText(input),
            _ => throw new UsageException("Give the text with --text TEXT or --input FILE (one of them)."),
        };
        ConnectivityMeasure measure = parse.GetValue(_measure) == "logit" ? ConnectivityMeasure.TargetLogit : ConnectivityMeasure.Loss;
        var checkpoints = parse.GetValue(_models)!.Select(path => (Path: path, Checkpoint: CheckpointFiles.Load(_console, path))).ToList();
        var sections = new List<ConnectivitySection>();
        foreach (int length in parse.GetValue(_lengths)!)
        {
            var rows = new List<ConnectivityRow>();
            foreach ((string path, LoadedCheckpoint checkpoint) in checkpoints)
            {
                int[] ids = checkpoint.Vocabulary.Encode(text);
                int position = parse.GetValue(_position) ?? ids.Length - 2;
                if (position < length - 1 || position > ids.Length - 2)
                {
                    throw new UsageException(
                        $"--length {length} with --position {position} does not fit a text of {ids.Length} characters (it needs position ≥ N − 1 and a character after it).");
                }

                ConnectivityMap map = Connectivity.Compute(checkpoint.Model, ids, position, length, measure);
                string label = checkpoints.Count == 1 || checkpoints.Select(entry => entry.Checkpoint.Model.CellType).Distinct().Count() < checkpoints.Count
                    ? $"{checkpoint.Model.CellType.ToString().ToUpperInvariant()} ({Path.GetFileName(path)})"
                    : checkpoint.Model.CellType.ToString().ToUpperInvariant();
                rows.Add(new ConnectivityRow(label, map, checkpoint.Vocabulary));
                int strongest = Array.IndexOf([.. map.Normalized], 1.0);
                _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"N = {length}, {label}: p(target) = {map.TargetProbability:F4}; strongest connection {map.Length - 1 - strongest} characters back"));
            }

            sections.Add(new ConnectivitySection(string.Create(CultureInfo.InvariantCulture, $"Sequence length {length}"), rows));
        }

        string outPath = parse.GetValue(_out)!;
        int wrap = parse.GetValue(_wrap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wrap, "charactersPerLine");
        ConnectivityReport.Write(outPath, sections, charactersPerLine: wrap);
        if (parse.GetValue(_svg) is { } svgPath)
        {
            ConnectivityReport.WriteSvg(svgPath, sections, wrap);
        }

        _console.Out.WriteLine($"Wrote {outPath}");
        return ExitCodes.Success;
    }
}
