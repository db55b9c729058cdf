namespace LstmSharp.Cli.Tests;

/// <summary>How <c>train</c> expands its corpus arguments into files.</summary>
public sealed class CorpusFilesTests
{
    [Fact]
    public void Find_FoldersAndFiles_StableOrderGlobAndHiddenSkipped()
    {
        using var directory = new TempDirectory();
        string root = directory.File("texts");
        foreach (string relative in new[] { "b.txt", "a.txt", "sub/c.txt", "sub/deeper/a.txt", "B.txt", "notes.md", ".hidden/x.txt", "sub/.y.txt" })
        {
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, relative);
        }

        string single = directory.File("single.txt");
        File.WriteAllText(single, "x");

        IReadOnlyList<string> found = CorpusFiles.Find([single, root]);
        IReadOnlyList<string> markdown = CorpusFiles.Find([root], "*.md");

        Assert.Equal([single, .. new[] { "B.txt", "a.txt", "b.txt", "sub/c.txt", "sub/deeper/a.txt" }.Select(name => Path.Combine(root, name))], found);
        Assert.Equal([Path.Combine(root, "notes.md")], markdown);
        Assert.Throws<InvalidDataException>(() => CorpusFiles.Find([root], "*.csv"));
        Assert.Throws<FileNotFoundException>(() => CorpusFiles.Find([directory.File("missing")]));
    }
}
