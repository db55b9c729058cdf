using System.Diagnostics;

namespace LstmSharp.Cli.Tests;

/// <summary>The built <c>lstmsharp</c> as a separate process, for what only a real process shows (pipes, terminals).</summary>
internal static class CliProcess
{
    /// <summary>The CLI's assembly, copied beside the tests by the project reference.</summary>
    public static string Assembly { get; } = Path.Combine(AppContext.BaseDirectory, "LstmSharp.Cli.dll");

    /// <summary>The dotnet host that runs the tests (set by <c>dotnet test</c>), else the one on PATH.</summary>
    public static string Host { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts <c>lstmsharp args</c> with standard output and error redirected to pipes this process reads.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start " + Host);
    }

    /// <summary>
    /// Runs <c>lstmsharp args</c> to the end and returns what it printed. For counts that must see only the CLI's own
    /// threads (the bench commands' bytes allocated): in-process, the test host's threads allocate at the same time.
    /// </summary>
    public static CliResult Run(TimeSpan limit, params string[] args)
    {
        using Process process = Start(args);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lstmsharp {string.Join(' ', args)} ran over {limit}");
        }

        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The shell command line that runs <c>lstmsharp args</c> (for tmux).</summary>
    public static string CommandLine(params string[] args) =>
        string.Join(' ', new[] { Host, Assembly }.Concat(args).Select(Quote));

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
