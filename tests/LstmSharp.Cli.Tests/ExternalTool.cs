namespace LstmSharp.Cli.Tests;

/// <summary>
/// A tool outside .NET that a test needs (tmux). On a developer's machine without it the test is skipped with a
/// message saying how to install it; under CI (<c>CI=true</c>), where <c>.ci/run</c> installs it, its absence fails the test.
/// </summary>
internal static class ExternalTool
{
    /// <summary>The tool's full path, or a skip (a failure under CI) when it is not on PATH.</summary>
    /// <param name="name">The executable's name.</param>
    /// <param name="package">The Debian package that provides it.</param>
    public static string Require(string name, string package)
    {
        string? path = Find(name);
        if (path is not null)
        {
            return path;
        }

        string message = $"'{name}' is not installed (apt-get install {package}); .ci/run installs it.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("CI=true: " + message);
        }

        Skip.If(true, message);
        return "";
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
