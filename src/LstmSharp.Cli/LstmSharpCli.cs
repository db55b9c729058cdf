using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace LstmSharp.Cli;

/// <summary>The <c>lstmsharp</c> command tree, and the one-line report of parse errors.</summary>
internal static class LstmSharpCli
{
    /// <summary><c>--no-color</c>, accepted by every command: plain text even on a colour terminal (as <c>NO_COLOR</c>).</summary>
    private static readonly Option<bool> NoColor = new("--no-color") { Description = "Do not colour the output (as NO_COLOR=1 does).", Recursive = true };

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="console">Where to write and the Ctrl+C token.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, CliConsole console)
    {
        RootCommand root = Create(console);
        ParseResult parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // System.CommandLine would print every error and the whole help; one line is easier to read in a log.
            string errors = string.Join(" ", parse.Errors.Select(error => error.Message));
            string command = parse.CommandResult.Command is RootCommand ? "lstmsharp" : "lstmsharp " + parse.CommandResult.Command.Name;
            return ErrorReporter.Fail(console, $"{errors} (see '{command} --help')", ExitCodes.Usage);
        }

        if (parse.GetValue(NoColor))
        {
            console.Color = false;
        }

        return parse.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null });
    }

    /// <summary>The root command with every command, and <c>--no-color</c> for all of them.</summary>
    public static RootCommand Create(CliConsole console)
    {
        var root = new RootCommand(
            "lstmsharp: character-level LSTM/GRU/RNN models, written from scratch in C#.\n" +
            "Exit codes: 0 done, 1 a file is missing, empty, not text or corrupt, 2 a usage error, 3 training diverged, 130 interrupted.")
        {
            new TrainCommand(console).Command,
            new SampleCommand(console).Command,
            new ScoreCommand(console).Command,
            new GradFlowCommand(console).Command,
            new ConnectivityCommand(console).Command,
            new ExplainCommand(console).Command,
            new BenchCommand(console).Command,
            new InfoCommand(console).Command,
            new ExportCommand(console).Command,
            new ImportCommand(console).Command,
            NoColor,
        };
        root.SetAction(parse =>
        {
            // No command: show the help, and fail so that scripts notice.
            new HelpAction().Invoke(parse);
            return ExitCodes.Usage;
        });
        return root;
    }
}
