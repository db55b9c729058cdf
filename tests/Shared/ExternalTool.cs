using System.Diagnostics;
using Xunit;

namespace LstmSharp.Tests.Shared;

/// <summary>
/// Tests that need a program outside .NET (Debian's python3-torch, chromium, tmux, …): on a developer's machine they
/// skip with a message saying what is missing and how to install it; under CI (<c>CI=true</c>), where
/// <c>.ci/run</c> installs the tool, a missing tool fails the test instead, so CI can never pass by skipping.
/// </summary>
/// <remarks>
/// Use it from a <c>[SkippableFact]</c> or <c>[SkippableTheory]</c> (Xunit.SkippableFact):
/// <code>string chromium = ExternalTool.Require("chromium", ExternalTool.FindOnPath("chromium"), "apt-get install chromium");</code>
/// Linked into each test project from tests/Shared.
/// </remarks>
internal static class ExternalTool
{
    /// <summary>Whether the tests run under CI, where every external tool must be present.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns <paramref name="found"/> when it is not <see langword="null"/>; otherwise skips the test (developer
    /// machine) or fails it (CI), naming <paramref name="tool"/> and <paramref name="install"/>.
    /// </summary>
    /// <param name="tool">What is needed, as the user would install it (e.g. "python3-torch").</param>
    /// <param name="found">The tool's path, or <see langword="null"/> when it is absent.</param>
    /// <param name="install">How to get it (e.g. "apt-get install python3-torch").</param>
    public static string Require(string tool, string? found, string install) => Require(tool, found, install, IsCi);

    /// <summary><see cref="Require(string, string?, string)"/> with the CI flag given (for testing this helper).</summary>
    internal static string Require(string tool, string? found, string install, bool isCi)
    {
        if (found is not null)
        {
            return found;
        }

        string message = $"{tool} is not installed ({install}).";
        if (isCi)
        {
            Assert.Fail($"{message} CI=true: .ci/run must install it, and tests that need it may not be skipped.");
        }

        Skip.If(true, $"{message} Skipped on this machine; under CI=true this test fails instead.");
        return null!;   // not reached: Skip.If throws
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or <see langword="null"/>.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// The first of <paramref name="candidates"/> (full paths, or names looked up on PATH) for which
    /// <c>candidate <paramref name="probeArguments"/></c> exits 0 within 60 s, or <see langword="null"/>.
    /// </summary>
    /// <example><c>ExternalTool.FindWorking(["/usr/bin/python3", "python3"], "-c \"import torch\"")</c></example>
    public static string? FindWorking(IEnumerable<string> candidates, string probeArguments)
    {
        foreach (string candidate in candidates)
        {
            string? path = Path.IsPathRooted(candidate) ? (File.Exists(candidate) ? candidate : null) : FindOnPath(candidate);
            if (path is not null && Exits0(path, probeArguments))
            {
                return path;
            }
        }

        return null;
    }

    private static bool Exits0(string path, string arguments)
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(path, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
