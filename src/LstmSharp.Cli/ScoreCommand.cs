using System.CommandLine;
using System.Globalization;
using LstmSharp.Generation;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp score</c>: how well a checkpoint predicts a text, in nats and bits per character and perplexity.</summary>
internal sealed class ScoreCommand
{
    private const int WindowLength = 256;

    private readonly CliConsole _console;
    private readonly Option<string> _model = SharedOptions.Checkpoint();
    private readonly Option<string> _input = new("--input", "-i") { Description = "The UTF-8 text to score.", HelpName = "FILE", Required = true };
    private readonly Option<int?> _threads = ThreadsOption.Create();

    private readonly Option<bool> _bf16 = new("--bf16")
    {
        Description = "Score on the weights rounded to bfloat16, one character at a time (what `sample --bf16` samples from).",
    };

    public ScoreCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("score", "Score a text under a checkpoint: every character after the first, predicted from all before it.")
        {
            _model, _input, _bf16, _threads,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, new Dictionary<string, string> { ["threads"] = "--threads" }, () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        using IDisposable threads = ThreadsOption.Apply(parse.GetValue(_threads));
        LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, parse.GetValue(_model)!);
        string input = parse.GetValue(_input)!;
        Corpus text = Corpus.FromFile(input, checkpoint.Vocabulary);
        if (text.Length < 2)
        {
            throw new InvalidDataException($"'{input}' holds one character; scoring needs at least two.");
        }

        TextScore score = parse.GetValue(_bf16) ? TextScorer.ScoreBFloat16(checkpoint.Model, text) : TextScorer.Score(checkpoint.Model, text, WindowLength);
        TextWriter output = _console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"characters  {text.Length} ({score.Characters} predicted)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"nats/char   {score.NatsPerCharacter:F4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bits/char   {score.BitsPerCharacter:F4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"perplexity  {score.Perplexity:F4}"));
        return ExitCodes.Success;
    }
}
