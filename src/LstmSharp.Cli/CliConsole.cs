namespace LstmSharp.Cli;

/// <summary>Where a command writes, whether standard output is a terminal (for the live progress bar), and Ctrl+C.</summary>
/// <param name="Out">Results: generated text, scores, training progress.</param>
/// <param name="Error">One-line error messages and notes.</param>
/// <param name="IsTerminal">Whether <paramref name="Out"/> is an interactive terminal.</param>
/// <param name="Cancellation">Cancelled when the user presses Ctrl+C.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsTerminal, CancellationToken Cancellation);
