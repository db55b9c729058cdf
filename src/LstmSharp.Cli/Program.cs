using LstmSharp.Cli;

// Ctrl+C asks the running command to stop at its next safe point (training saves a checkpoint first);
// a second Ctrl+C ends the process at once.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};

var console = new CliConsole(Console.Out, Console.Error, IsTerminal: !Console.IsOutputRedirected, interrupt.Token);
return LstmSharpCli.Run(args, console);
