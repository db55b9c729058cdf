namespace LstmSharp.Cli.Tests;

public sealed class VisibleTextTests
{
    [Theory]
    [InlineData("a\tb", "a␉b")]
    [InlineData("line\r\n", "line␍\n")]
    [InlineData("\u001b[2J\u001b]0;title\u0007", "␛[2J␛]0;title␇")]
    [InlineData("nul\0 del\u007f", "nul␀ del␡")]
    [InlineData("c1\u009b31m", "c1‹U+009B›31m")]
    [InlineData("bidi\u202eevil\u2066", "bidi‹U+202E›evil‹U+2066›")]
    [InlineData("plain text, ünïcödé and 中文", "plain text, ünïcödé and 中文")]
    public void Escape_ControlCharacters_VisibleSymbols(string text, string expected) => Assert.Equal(expected, VisibleText.Escape(text));

    [Theory]
    [InlineData("a\tb\u001b", "a^Ib^[")]
    [InlineData("\r\u007f\u0085", "^M^?<U+0085>")]
    public void Escape_NoUnicode_CaretNotation(string text, string expected) => Assert.Equal(expected, VisibleText.Escape(text, unicode: false));

    [Fact]
    public void Escape_SampleOptions_KeepTabsDropLineFeeds()
    {
        Assert.Equal("a\tb\n", VisibleText.Escape("a\tb\n", keepTabs: true));
        Assert.Equal("a␊b", VisibleText.Escape("a\nb", keepLineFeeds: false));
    }

    [Fact]
    public void Escape_EveryChar_NoControlLeft()
    {
        var all = new string([.. Enumerable.Range(0, 0x3000).Select(code => (char)code).Where(c => !char.IsSurrogate(c))]);

        string visible = VisibleText.Escape(all, keepLineFeeds: false);

        Assert.DoesNotContain(visible, c => char.IsControl(c) || c is '\u2028' or '\u2029' || (c >= '\u202A' && c <= '\u202E'));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(13)]
    [InlineData(2)]
    public void Fold_LongLine_RowsFitAndJoinBack(int width)
    {
        string line = string.Concat(Enumerable.Range(0, 50).Select(i => $"word{i} "));

        List<string> rows = VisibleText.Fold(line, width);

        Assert.All(rows, row => Assert.InRange(VisibleText.Cells(row), 1, width));
        Assert.All(rows.SkipLast(1), row => Assert.EndsWith(VisibleText.Continued.ToString(), row, StringComparison.Ordinal));
        Assert.Equal(line, string.Concat(rows.Select(row => row.TrimEnd(VisibleText.Continued))));
    }

    [Fact]
    public void Fold_WideCharacters_CountTwoCellsAndStayWhole()
    {
        List<string> rows = VisibleText.Fold(new string('中', 10), 7);

        Assert.Equal(["中中中↩", "中中中↩", "中中中↩", "中"], rows);
    }

    [Fact]
    public void Fold_ShortLine_OneRowUnchanged() => Assert.Equal(["short"], VisibleText.Fold("short", 80));

    [Fact]
    public void Wrap_Prose_BreaksAtSpacesNeverInsideNumbers()
    {
        string text = "Finished at step 12,345 (epoch 3) in 1h02m, 107,893 chars/s: train 1.053 nats/char, validation 1.280 nats/char.";

        List<string> rows = VisibleText.Wrap(text, 30);

        Assert.All(rows, row => Assert.True(VisibleText.Cells(row) <= 30, row));
        Assert.Equal(text, string.Join(' ', rows));
        Assert.Contains(rows, row => row.Contains("12,345", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Contains("107,893", StringComparison.Ordinal));
    }

    [Fact]
    public void Wrap_WordLongerThanWidth_KeptWhole() =>
        Assert.Equal(["see", "/a/very/long/path/to/model.safetensors", "now"], VisibleText.Wrap("see /a/very/long/path/to/model.safetensors now", 20));
}
