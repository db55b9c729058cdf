using System.Reflection;
using System.Text;

namespace LstmSharp.Cli;

/// <summary>
/// The text <c>lstmsharp train</c> learns when given no <c>--input</c>: this project's own README, docs and library
/// source, embedded at build time (see the csproj) and joined here in a fixed order. Every byte of it was written
/// for LstmSharp, so the tool ships no third-party text.
/// </summary>
internal static class BuiltInCorpus
{
    private const string Prefix = "corpus/";

    /// <summary>The embedded files, as repository paths, in the order they are joined (README, docs, source).</summary>
    public static IReadOnlyList<string> Files { get; } = [.. ResourceNames().Select(name => name[Prefix.Length..])];

    /// <summary>A one-line description for the training header.</summary>
    public static string Description => $"the built-in corpus (LstmSharp's own README, docs and source, {Files.Count} files)";

    /// <summary>Reads and joins the embedded files: each ends with one newline, line endings are LF.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="InvalidOperationException">The build embedded nothing.</exception>
    public static string Load()
    {
        Assembly assembly = typeof(BuiltInCorpus).Assembly;
        var text = new StringBuilder();
        foreach (string name in ResourceNames())
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            // A Windows checkout may have CRLF: normalise so the vocabulary is the same everywhere.
            string file = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            text.Append(file);
            if (!file.EndsWith('\n'))
            {
                text.Append('\n');
            }
        }

        return text.Length > 0 ? text.ToString() : throw new InvalidOperationException("This build of lstmsharp has no built-in corpus; pass --input FILE.");
    }

    // README first, then docs, then source: "corpus/README.md" sorts before the lower-case folders.
    private static IEnumerable<string> ResourceNames() =>
        typeof(BuiltInCorpus).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
