using System.Text.RegularExpressions;

namespace LstmSharp.Interop.Tests;

/// <summary>
/// Keeps the C# samples in docs/*.md compiling: each <c>&lt;!-- sample: id --&gt;</c> block in the markdown must equal
/// the region <c>// sample: id</c> … <c>// end sample</c> of a file in DocSamples/ (which this project compiles), its
/// <c>using</c> directives must be among that file's, and no C# block may go unchecked.
/// </summary>
public sealed partial class DocSamplesTests
{
    private static readonly string[] s_documents = ["getting-started.md", "interop.md", "layers.md"];

    public static TheoryData<string> Documents() => [.. s_documents];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Samples_Markdown_MatchCompiledCopies(string document)
    {
        string markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", document)).ReplaceLineEndings("\n");
        Dictionary<string, (string File, string[] Usings, string Body)> compiled = CompiledSamples();

        int uncheckedBlocks = CSharpBlock().Count(markdown) - MarkedBlock().Count(markdown);
        Assert.True(uncheckedBlocks == 0, $"{document} has {uncheckedBlocks} C# block(s) without a '<!-- sample: id -->' line before them.");

        var seen = new List<string>();
        foreach (Match match in MarkedBlock().Matches(markdown))
        {
            string id = match.Groups[1].Value;
            seen.Add(id);
            Assert.True(compiled.TryGetValue(id, out var copy), $"{document}: sample '{id}' has no compiled copy in DocSamples/.");

            string[] lines = match.Groups[2].Value.TrimEnd('\n').Split('\n');
            int bodyStart = 0;
            while (bodyStart < lines.Length && (UsingDirective().IsMatch(lines[bodyStart]) || lines[bodyStart].Length == 0))
            {
                bodyStart++;
            }

            foreach (string directive in lines[..bodyStart].Where(line => line.Length > 0))
            {
                Assert.True(copy.Usings.Contains(directive), $"{document}: sample '{id}' needs '{directive}', which {copy.File} lacks.");
            }

            Assert.Equal(string.Join('\n', lines[bodyStart..]), copy.Body);
        }

        Assert.NotEmpty(seen);
    }

    [Fact]
    public void Samples_CompiledCopies_AllAppearInDocs()
    {
        string docs = string.Concat(s_documents.Select(document => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", document))));
        foreach (string id in CompiledSamples().Keys)
        {
            Assert.Contains($"<!-- sample: {id} -->", docs, StringComparison.Ordinal);
        }
    }

    /// <summary>Every marked region of DocSamples/*.cs, dedented, with the file's using directives.</summary>
    private static Dictionary<string, (string File, string[] Usings, string Body)> CompiledSamples()
    {
        var samples = new Dictionary<string, (string, string[], string)>(StringComparer.Ordinal);
        foreach (string path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "DocSamples"), "*.cs"))
        {
            string text = File.ReadAllText(path).ReplaceLineEndings("\n");
            string[] usings = [.. text.Split('\n').Where(line => UsingDirective().IsMatch(line))];
            foreach (Match match in CompiledRegion().Matches(text))
            {
                string[] lines = match.Groups[3].Value.TrimEnd('\n').Split('\n');
                int indent = match.Groups[1].Value.Length;
                string body = string.Join('\n', lines.Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));
                Assert.True(samples.TryAdd(match.Groups[2].Value, (Path.GetFileName(path), usings, body)), $"Sample '{match.Groups[2].Value}' is defined twice.");
            }
        }

        return samples;
    }

    [GeneratedRegex(@"^```csharp\n", RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^<!-- sample: ([a-z0-9-]+) -->\n```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();

    [GeneratedRegex(@"^( *)// sample: ([a-z0-9-]+)\n(.*?)^ *// end sample$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CompiledRegion();

    [GeneratedRegex(@"^using [A-Za-z0-9_.]+;$")]
    private static partial Regex UsingDirective();
}
