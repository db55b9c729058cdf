namespace LstmSharp.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5m", 90)]
    [InlineData("45", 45)]
    [InlineData("00:02:00", 120)]
    public void TryParse_CommonForms_Seconds(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-1m")]
    [InlineData("m")]
    [InlineData("soon")]
    public void TryParse_Malformed_False(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(125, "2m05s")]
    [InlineData(3720, "1h02m")]
    public void Format_Seconds_ShortForm(double seconds, string expected) => Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
}

public sealed class CheckpointPathTests
{
    [Theory]
    [InlineData("model.safetensors", "model.last.safetensors")]
    [InlineData("dir/run.safetensors", "dir/run.last.safetensors")]
    [InlineData("model.bin", "model.bin.last.safetensors")]
    public void LatestPathOf_BestPath_LastBeside(string best, string latest) => Assert.Equal(latest, TrainCommand.LatestPathOf(best));

    [Theory]
    [InlineData("model.last.safetensors", "model.safetensors")]
    [InlineData("model.safetensors", "model.safetensors")]
    public void BestPathOf_ResumedPath_BestBeside(string resumed, string best) => Assert.Equal(best, TrainCommand.BestPathOf(resumed));
}

public sealed class BuiltInCorpusTests
{
    [Fact]
    public void Files_DocsAndLibrarySource_NothingFromElsewhere()
    {
        Assert.Contains("docs/math.md", BuiltInCorpus.Files);
        Assert.Contains(BuiltInCorpus.Files, file => file.StartsWith("src/LstmSharp/", StringComparison.Ordinal) && file.EndsWith(".cs", StringComparison.Ordinal));
        Assert.All(BuiltInCorpus.Files, file => Assert.True(
            file == "README.md" || file.StartsWith("docs/", StringComparison.Ordinal) || file.StartsWith("src/LstmSharp/", StringComparison.Ordinal), file));
        Assert.DoesNotContain(BuiltInCorpus.Files, file => file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_Text_LineFeedsOnlyAndLargeEnough()
    {
        string text = BuiltInCorpus.Load();

        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.True(text.Length > 100_000, $"{text.Length} characters");
        Assert.Contains("namespace LstmSharp", text);
    }
}

public sealed class CellNamesTests
{
    [Theory]
    [InlineData(Layers.CellType.Lstm, "lstm", "LSTM")]
    [InlineData(Layers.CellType.Gru, "gru", "GRU")]
    [InlineData(Layers.CellType.Rnn, "rnn", "RNN")]
    public void OfAndDisplayName_EachCell_CommandLineAndDocsSpelling(Layers.CellType cell, string name, string displayName)
    {
        Assert.Equal(name, CellNames.Of(cell));
        Assert.Equal(displayName, CellNames.DisplayName(cell));
        Assert.True(CellNames.TryParse(displayName, out Layers.CellType parsed));
        Assert.Equal(cell, parsed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("lstm,gru")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAName_False(string? name) => Assert.False(CellNames.TryParse(name, out _));

    [Fact]
    public void ParseList_KnownNames_InOrderIgnoringCaseAndSpaces() =>
        Assert.Equal([Layers.CellType.Rnn, Layers.CellType.Lstm, Layers.CellType.Gru], CellNames.ParseList(" rnn, LSTM ,,gru"));

    [Fact]
    public void ParseList_UnknownName_ThrowsWhenReached()
    {
        using IEnumerator<Layers.CellType> cells = CellNames.ParseList("rnn,foo").GetEnumerator();

        Assert.True(cells.MoveNext());   // the cells before the bad name are read (and trained) first
        Assert.Equal(Layers.CellType.Rnn, cells.Current);
        var exception = Assert.Throws<UsageException>(() => cells.MoveNext());
        Assert.Equal("--cells: unknown cell 'foo' (use rnn, lstm, gru).", exception.Message);
    }
}
