namespace LstmSharp.Cli.Tests;

/// <summary>What a clean training screen is, for <see cref="VirtualTerminal"/> and tmux captures alike.</summary>
internal static class TerminalScreen
{
    // A run of the bar glyph, not one: the built-in corpus holds README.md's screen, so a sample may contain a lone '━'.
    private const string Bar = "━━━";

    /// <summary>
    /// No line wider than <paramref name="width"/> (checked on lines with soft wraps joined), no bar or status fragment
    /// inside a sample, exactly one bar line (the last state, left above the summary), the summary whole.
    /// </summary>
    /// <param name="mayBeWider">Lines allowed past the width: a word (a long path) that cannot be broken, which the terminal wraps softly.</param>
    public static void AssertClean(List<string> lines, int width, int softWraps = 0, IReadOnlyList<string>? unexpected = null, bool checkWidth = true,
        Func<string, bool>? mayBeWider = null)
    {
        mayBeWider ??= _ => false;
        string screen = string.Join('\n', lines);
        Assert.True(unexpected is null || unexpected.Count == 0, $"unexpected output: {string.Join(", ", unexpected ?? [])}\n{screen}");
        if (checkWidth)
        {
            int allowed = lines.Count(line => VisibleText.Cells(line) > width && mayBeWider(line));
            Assert.True(softWraps <= allowed, $"{softWraps} rows ran past {width} columns\n{screen}");
            Assert.All(lines, line => Assert.True(VisibleText.Cells(line) <= width || mayBeWider(line), $"{VisibleText.Cells(line)} > {width} cells: '{line}'\n{screen}"));
        }

        bool inSample = false;
        foreach (string line in lines)
        {
            if (line.StartsWith("--- sample at step", StringComparison.Ordinal))
            {
                inSample = true;
            }
            else if (line == "---")
            {
                inSample = false;
            }
            else if (inSample)
            {
                Assert.False(line.Contains(Bar, StringComparison.Ordinal) || line.Contains("ETA", StringComparison.Ordinal) || line.Contains("ch/s", StringComparison.Ordinal),
                    $"a progress fragment inside a sample: '{line}'\n{screen}");
            }
        }

        Assert.False(inSample, $"a sample without its closing fence\n{screen}");
        Assert.True(lines.Count(line => line.Contains(Bar, StringComparison.Ordinal)) == 1, $"not exactly one bar line\n{screen}");
        int bar = lines.FindIndex(line => line.Contains(Bar, StringComparison.Ordinal));
        bool finished = lines.Skip(bar).Any(line => line.StartsWith("Finished at step", StringComparison.Ordinal));
        bool interrupted = lines.Skip(bar).Any(line => line.StartsWith("Interrupted at step", StringComparison.Ordinal));
        Assert.True(finished || interrupted, $"no summary after the bar\n{screen}");
        Assert.Contains(lines.Skip(bar), line => line.StartsWith(finished ? "Next: lstmsharp sample --model " : "Resume with: lstmsharp train --resume ", StringComparison.Ordinal));
    }
}
