namespace LstmSharp.Cli.Tests;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs the CLI in-process with captured output, as CI would see it (no terminal, so no live progress bar).</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliResult Run(CancellationToken cancellation, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = LstmSharpCli.Run(args, new CliConsole(output, error, IsTerminal: false, cancellation));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
