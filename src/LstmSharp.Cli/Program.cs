using LstmSharp.Cli;

// Ctrl+C asks the running command to stop at its next safe point (training saves a checkpoint first);
// a second Ctrl+C ends the process at once.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};

TextWriter output = StandardOutput.Open();
bool dumb = string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
var console = new CliConsole(output, Console.Error, IsTerminal: !Console.IsOutputRedirected && !dumb, interrupt.Token)
{
    ErrorIsTerminal = !Console.IsErrorRedirected && !dumb,
    // no-color.org: set and not empty
    Color = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
    Width = TerminalWidth,
};

int exitCode = LstmSharpCli.Run(args, console);
try
{
    output.Flush();
}
catch (IOException exception) when (StandardOutput.IsClosedPipe(exception))
{
    // The reader has what it wanted.
}

return exitCode;

static int TerminalWidth()
{
    try
    {
        return Console.WindowWidth is > 0 and var width ? width : 80;
    }
    catch (IOException)
    {
        return 80;
    }
}
