namespace LstmSharp.Cli.Tests;

public sealed class DiagnosticsCommandTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void GradFlow_TinyRnnAndLstm_WritesSelfContainedReportWithEveryEpoch()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string report = directory.File("flow.html"), svg = directory.File("norms.svg");

        CliResult result = CliRunner.Run("gradflow", "--input", corpus, "--chars", "1000", "--hidden", "8", "--seq-length", "20", "--batch", "4",
            "--record-epochs", "0,1,2", "--out", report, "--norm-svg", svg);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("LSTM epoch 2", result.Out, StringComparison.Ordinal);
        string html = File.ReadAllText(report);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Epoch 2", html, StringComparison.Ordinal);
        Assert.Contains("RNN dL/dh", html, StringComparison.Ordinal);
        Assert.Contains("LSTM dL/dc", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
        Assert.StartsWith("<?xml", File.ReadAllText(svg), StringComparison.Ordinal);
    }

    [Fact]
    public void Connectivity_TwoModelsThreeLengths_WritesOneRowPerModelPerLength()
    {
        using var directory = new TempDirectory();
        string report = directory.File("connectivity.html");

        CliResult result = CliRunner.Run("connectivity", "--model", model.ModelPath, "--model", model.ModelPath,
            "--text", "the cell state carries memory from step to step.\nthe quick brown fox", "--length", "5", "--length", "20", "--length", "40",
            "--out", report);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(6, result.Out.Split('\n').Count(line => line.StartsWith("N = ", StringComparison.Ordinal)));
        string html = File.ReadAllText(report);
        Assert.Contains("Sequence length 40", html, StringComparison.Ordinal);
        Assert.Contains("predicted character", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Connectivity_LengthLongerThanText_UsageError()
    {
        CliResult result = CliRunner.Run("connectivity", "--model", model.ModelPath, "--text", "the fox", "--length", "40");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--length 40", result.Error, StringComparison.Ordinal);
    }
}
