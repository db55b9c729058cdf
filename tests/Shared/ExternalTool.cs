using System.Diagnostics;
using Xunit;

namespace LstmSharp.Tests;

/// <summary>
/// The one place that decides what a test does when it needs a program outside .NET (Debian's python3-torch,
/// chromium, tmux, …): on a developer's machine it skips with a message naming the tool and how to install it; under
/// CI (<c>CI=true</c>, set by <c>.ci/run</c>, which installs the tools) a missing tool fails the test, so CI can
/// never pass by skipping. Linked into every test project from tests/Shared.
/// </summary>
/// <remarks>
/// Two ways in. A tool found on PATH: <c>[RequiresToolFact("chromium", "chromium")]</c>, then
/// <c>ExternalTool.Require("chromium", "chromium")</c> in the body. A tool that needs a probe (a Python module, say):
/// a <c>[SkippableFact]</c> (Xunit.SkippableFact) whose body calls
/// <c>ExternalTool.Require("python3-torch", ExternalTool.FindWorking(["/usr/bin/python3"], "-c \"import torch\""), "apt-get install python3-torch")</c>.
/// </remarks>
internal static class ExternalTool
{
    /// <summary>Whether this run is CI's, which must run every test.</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of the first of <paramref name="names"/> found on PATH, or <see langword="null"/>.</summary>
    public static string? Find(params string[] names)
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in names)
        {
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Why a test that needs <paramref name="names"/> skips here, or <see langword="null"/> when it runs (the tool is there, or this is CI).</summary>
    public static string? SkipReason(string package, params string[] names) =>
        UnderCi || Find(names) is not null
            ? null
            : $"needs {names[0]}, which is not installed (Debian: apt-get install {package}); under CI=true this test runs and fails without it";

    /// <summary>The tool's path; fails the test with the install hint when it is absent (under CI).</summary>
    public static string Require(string package, params string[] names) =>
        Find(names) ?? throw new Xunit.Sdk.XunitException($"{names[0]} is not installed (Debian: apt-get install {package}); .ci/run installs it under CI.");

    /// <summary>
    /// For a <c>[SkippableFact]</c>: returns <paramref name="found"/> when it is not <see langword="null"/>; otherwise
    /// skips the test (developer machine) or fails it (CI), naming <paramref name="tool"/> and <paramref name="install"/>.
    /// </summary>
    public static string Require(string tool, string? found, string install) => Require(tool, found, install, UnderCi);

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

    /// <summary>
    /// The first of <paramref name="candidates"/> (full paths, or names looked up on PATH) for which
    /// <c>candidate <paramref name="probeArguments"/></c> exits 0 within 60 s, or <see langword="null"/>.
    /// </summary>
    public static string? FindWorking(IEnumerable<string> candidates, string probeArguments)
    {
        foreach (string candidate in candidates)
        {
            string? path = Path.IsPathRooted(candidate) ? (File.Exists(candidate) ? candidate : null) : Find(candidate);
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

/// <summary>A fact that needs a tool on PATH: skipped with a clear message when the tool is absent, except under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresToolFactAttribute : FactAttribute
{
    /// <param name="package">The Debian package that installs the tool.</param>
    /// <param name="names">The executable's names, any of which will do.</param>
    public RequiresToolFactAttribute(string package, params string[] names)
    {
        if (ExternalTool.SkipReason(package, names) is { } reason)
        {
            Skip = reason;
        }
    }
}
