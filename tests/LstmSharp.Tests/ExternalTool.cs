using Xunit;

namespace LstmSharp.Tests;

/// <summary>
/// Tools outside .NET that some tests need (Chromium, …). On a developer's machine such a test skips with a clear message
/// when the tool is absent; under CI (<c>CI=true</c>), where <c>.ci/run</c> installs it, the test runs and fails without it.
/// </summary>
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
}

/// <summary>A fact that needs an external tool: skipped with a clear message when the tool is absent, except under CI.</summary>
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
