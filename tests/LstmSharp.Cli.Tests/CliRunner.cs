namespace LstmSharp.Cli.Tests;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs the CLI in-process with captured output.</summary>
internal static class CliRunner
{
    /// <summary>As CI would see it: no terminal, so plain lines and no escape codes.</summary>
    public static CliResult Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliResult Run(CancellationToken cancellation, params string[] args) =>
        Run(output => new CliConsole(output.Out, output.Error, IsTerminal: false, cancellation), args);

    /// <summary>As a person at a terminal <paramref name="width"/> cells wide sees it: the live display, escape codes and all.</summary>
    public static CliResult RunLive(int width, params string[] args) =>
        Run(output => new CliConsole(output.Out, output.Error, IsTerminal: true, CancellationToken.None) { Width = () => width }, args);

    private static CliResult Run(Func<(TextWriter Out, TextWriter Error), CliConsole> console, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = LstmSharpCli.Run(args, console((output, error)));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
