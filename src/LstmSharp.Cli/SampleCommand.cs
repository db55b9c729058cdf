using System.CommandLine;
using System.Text;
using LstmSharp.Generation;
using LstmSharp.Serialization;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp sample</c>: streams text from a checkpoint to standard output as it is generated.</summary>
internal sealed class SampleCommand
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Temperature"] = "--temperature",
        ["TopK"] = "--top-k",
        ["TopP"] = "--top-p",
        ["length"] = "--length",
        ["threads"] = "--threads",
    };

    /// <summary>Characters held before a write when the model writes no line break (a line is written whole otherwise).</summary>
    private const int MaxPending = 4096;

    private readonly CliConsole _console;
    private readonly Option<string> _model = new("--model", "-m") { Description = "The checkpoint to sample from.", HelpName = "FILE", Required = true };

    private readonly Option<string?> _prime = new("--prime")
    {
        Description = "Text to start from, printed before the sample. Default: a newline (not printed).",
        HelpName = "TEXT",
    };

    private readonly Option<string?> _primeFile = new("--prime-file") { Description = "Read the prime text from a UTF-8 file.", HelpName = "FILE" };
    private readonly Option<int> _length = new("--length", "-n") { Description = "Characters to generate.", DefaultValueFactory = _ => 500 };

    private readonly Option<double> _temperature = new("--temperature", "-t")
    {
        Description = "Below 1 is more conservative, above 1 more adventurous; must be positive.",
        DefaultValueFactory = _ => 0.8,
    };

    private readonly Option<int> _topK = new("--top-k") { Description = "Sample only among the K most likely characters (0: all).", DefaultValueFactory = _ => 0 };
    private readonly Option<double> _topP = new("--top-p") { Description = "Nucleus sampling: only the most likely characters covering P, in (0, 1].", DefaultValueFactory = _ => 1.0 };
    private readonly Option<bool> _greedy = new("--greedy") { Description = "Always take the most likely character (ignores temperature, top-k, top-p)." };
    private readonly Option<bool> _bf16 = new("--bf16")
    {
        Description = "Sample on the weights rounded to bfloat16 (faster at large hidden sizes, slightly less exact; see docs/benchmarks.md).",
    };

    private readonly Option<ulong?> _seed = new("--seed") { Description = "Seed: the same seed gives the same text. Default: a random one.", HelpName = "N" };
    private readonly Option<int?> _threads = ThreadsOption.Create();

    public SampleCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("sample", "Generate text from a trained checkpoint, streamed as it is sampled (line by line on a terminal, in blocks into a pipe or file).")
        {
            _model, _prime, _primeFile, _length, _temperature, _topK, _topP, _greedy, _seed, _bf16, _threads,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, Flags, () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        string? prime = parse.GetValue(_prime);
        string? primeFile = parse.GetValue(_primeFile);
        if (prime is not null && primeFile is not null)
        {
            throw new UsageException("Give --prime or --prime-file, not both.");
        }

        int length = parse.GetValue(_length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var options = new SamplingOptions
        {
            Temperature = parse.GetValue(_temperature),
            TopK = parse.GetValue(_topK),
            TopP = parse.GetValue(_topP),
            Greedy = parse.GetValue(_greedy),
            Seed = parse.GetValue(_seed) ?? (ulong)Random.Shared.NextInt64(),
            BFloat16 = parse.GetValue(_bf16),
        };
        options.Validate();

        if (primeFile is not null)
        {
            prime = Utf8TextFile.ReadNonEmpty(primeFile, "prime");
        }

        using IDisposable threads = ThreadsOption.Apply(parse.GetValue(_threads));
        LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, parse.GetValue(_model)!);
        var sampler = new Sampler(checkpoint.Model, checkpoint.Vocabulary, options);
        bool echo = !string.IsNullOrEmpty(prime);
        if (!echo)
        {
            // A newline starts a line in every text; a model that never saw one starts from its first character.
            prime = checkpoint.Vocabulary.Contains(new Rune('\n')) ? "\n" : checkpoint.Vocabulary[0].ToString();
        }

        sampler.Prime(prime!);
        // On a terminal: whole lines as they complete, with control characters (other than tabs) shown as symbols,
        // since a model's escape sequence would otherwise act on the terminal. Redirected: the exact text, in blocks
        // (StandardOutput); a reader that closes the pipe ends the loop with an IOException (exit 0, see ErrorReporter).
        TextWriter output = _console.Out;
        bool terminal = _console.IsTerminal;
        if (echo)
        {
            output.Write(terminal ? VisibleText.Escape(prime!, keepTabs: true) : prime);
        }

        var pending = new StringBuilder();
        foreach (string character in sampler.Generate(length))
        {
            if (_console.Cancellation.IsCancellationRequested)
            {
                WritePending(output, pending, terminal);
                output.WriteLine();
                return ExitCodes.Interrupted;
            }

            pending.Append(character);
            bool endOfLine = character == "\n";
            if (endOfLine || pending.Length >= MaxPending)
            {
                WritePending(output, pending, terminal);
                if (terminal && endOfLine)
                {
                    output.Flush();
                }
            }
        }

        WritePending(output, pending, terminal);
        output.WriteLine();
        output.Flush();
        return ExitCodes.Success;
    }

    private static void WritePending(TextWriter output, StringBuilder pending, bool terminal)
    {
        output.Write(terminal ? VisibleText.Escape(pending.ToString(), keepTabs: true) : pending.ToString());
        pending.Clear();
    }
}
