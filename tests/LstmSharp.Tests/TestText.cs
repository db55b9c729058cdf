namespace LstmSharp.Tests;

/// <summary>Small, repetitive texts that a tiny model learns within a few hundred steps.</summary>
internal static class TestText
{
    public const string Pangrams =
        "the quick brown fox jumps over the lazy dog. pack my box with five dozen liquor jugs. " +
        "how vexingly quick daft zebras jump! sphinx of black quartz, judge my vow. ";

    public static string Repeat(int copies) => string.Concat(Enumerable.Repeat(Pangrams, copies));

    /// <summary>The shared Tiny Shakespeare file if this machine has it (tests that use it skip cleanly without it).</summary>
    public static string? TinyShakespearePath
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "shared", "data", "tinyshakespeare.txt");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
