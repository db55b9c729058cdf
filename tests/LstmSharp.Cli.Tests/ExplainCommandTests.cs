using System.Text.Json;

namespace LstmSharp.Cli.Tests;

public sealed class ExplainCommandTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Explain_TrainedModel_WritesReportAndJsonAndSummarizes()
    {
        using var directory = new TempDirectory();
        string report = directory.File("explain.html"), json = directory.File("explain.json"), svg = directory.File("saturation.svg");

        CliResult result = CliRunner.Run("explain", "--model", model.ModelPath, "--input", model.CorpusPath, "--out", report, "--json", json,
            "--unit", "0:3", "--unit", "0:31", "--show", "300", "--saturation-svg", svg);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("nats/char", result.Out, StringComparison.Ordinal);
        Assert.Contains("position in line", result.Out, StringComparison.Ordinal);
        Assert.Contains("layer 0 gate f", result.Out, StringComparison.Ordinal);
        string html = File.ReadAllText(report);
        Assert.Contains("Unit 0:3 tanh(c): chosen", html, StringComparison.Ordinal);
        Assert.Contains("Unit 0:31 tanh(c): chosen", html, StringComparison.Ordinal);
        Assert.Contains("<section id=\"surprise\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.Equal(File.ReadAllText(model.CorpusPath).Length, document.RootElement.GetProperty("characters").GetInt32());
        Assert.Equal(4, document.RootElement.GetProperty("saturation").GetArrayLength());
        string picture = File.ReadAllText(svg);
        Assert.StartsWith("<?xml", picture, StringComparison.Ordinal);
        Assert.Equal(4 * 32 + 4, picture.Split("<circle").Length - 1);   // a point per gate unit, and the legend
    }

    [Theory]
    [InlineData("0-3", "--unit '0-3' is not a unit")]
    [InlineData("1:0", "--unit 1:0 is outside the model")]
    [InlineData("0:32", "--unit 0:32 is outside the model")]
    public void Explain_BadUnit_UsageErrorNamingIt(string unit, string message)
    {
        CliResult result = CliRunner.Run("explain", "--model", model.ModelPath, "--input", model.CorpusPath, "--unit", unit, "--out", Path.Combine(Path.GetTempPath(), "never.html"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_FromPastTheEnd_UsageError()
    {
        CliResult result = CliRunner.Run("explain", "--model", model.ModelPath, "--input", model.CorpusPath, "--from", "100000");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--from 100000 is past the end", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ShowZero_UsageErrorNamingTheFlag()
    {
        CliResult result = CliRunner.Run("explain", "--model", model.ModelPath, "--input", model.CorpusPath, "--show", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--show", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_UnknownCharacter_FailsNamingIt()
    {
        using var directory = new TempDirectory();
        string input = directory.WriteText("text.txt", "the fox ☃ jumps");

        CliResult result = CliRunner.Run("explain", "--model", model.ModelPath, "--input", input, "--out", directory.File("x.html"));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("☃", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("x.html")));
    }
}

public sealed class ExplainUnitTests
{
    [Fact]
    public void ParseUnit_LayerColonIndex_ParsedAndAnythingElseAUsageError()
    {
        Assert.Equal((1, 12), ExplainCommand.ParseUnit("1:12"));
        Assert.Contains("write layer:index", Assert.Throws<UsageException>(() => ExplainCommand.ParseUnit("1-2")).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => ExplainCommand.ParseUnit("-1:2"));
    }
}
