using System.Text.Json;

namespace LstmSharp.Cli.Tests;

/// <summary><c>train --metrics FILE</c>: JSON Lines with the documented fields.</summary>
public sealed class MetricsTests
{
    private static readonly string[] Always =
        ["step", "epoch", "evaluation", "epoch_end", "train_loss", "train_windows", "lr", "grad_norm", "chars_per_sec", "elapsed_seconds"];

    private static List<JsonElement> ReadLines(string path) =>
        [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    [Fact]
    public void Train_WithMetrics_OneRecordPerEvaluationAndEpochEnd()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string metrics = directory.File("run.jsonl");

        // ~5.7 KB in 4 streams of 16: 84 windows an epoch, so 100 steps hold one epoch end and five evaluations.
        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "100", "--eval-every", "20", "--metrics", metrics,
            "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        List<JsonElement> records = ReadLines(metrics);
        Assert.All(records, record => Assert.All(Always, field => Assert.True(record.TryGetProperty(field, out _), $"{field} missing in {record}")));
        JsonElement[] evaluations = [.. records.Where(record => record.GetProperty("evaluation").GetBoolean())];
        JsonElement[] epochEnds = [.. records.Where(record => record.GetProperty("epoch_end").GetBoolean())];
        Assert.Equal([20L, 40, 60, 80, 100], evaluations.Select(record => record.GetProperty("step").GetInt64()));
        Assert.All(evaluations, record => Assert.InRange(record.GetProperty("val_loss").GetDouble(), 0.01, 10));
        JsonElement end = Assert.Single(epochEnds);
        Assert.Equal(0, end.GetProperty("ended_epoch").GetInt32());
        Assert.Equal(1.0, end.GetProperty("epoch").GetDouble());
        Assert.InRange(end.GetProperty("epoch_train_loss").GetDouble(), 0.01, 10);
        // Each record averages the windows since the one before: together they cover every step once.
        Assert.Equal(100, records.Sum(record => record.GetProperty("train_windows").GetInt32()));
        Assert.All(records, record => Assert.Equal(0.003, record.GetProperty("lr").GetDouble(), 12));
        Assert.All(records, record => Assert.True(record.GetProperty("grad_norm").GetDouble() > 0));
    }

    [Fact]
    public void Train_MetricsWithoutValidation_NoValLossAndAppendsOnResume()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string metrics = directory.File("run.jsonl");
        string model = directory.File("m.safetensors");
        CliResult first = CliRunner.Run(["train", "--input", corpus, "--val-fraction", "0", "--steps", "10", "--eval-every", "5", "--metrics", metrics,
            "--out", model, .. TrainedModelFixture.SmallModel]);
        Assert.True(first.ExitCode == 0, first.ToString());

        CliResult resumed = CliRunner.Run("train", "--resume", directory.File("m.last.safetensors"), "--input", corpus, "--steps", "20", "--metrics", metrics);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        List<JsonElement> records = ReadLines(metrics);
        Assert.Equal([5L, 10, 15, 20], records.Select(record => record.GetProperty("step").GetInt64()));
        Assert.All(records, record => Assert.False(record.TryGetProperty("val_loss", out _)));
    }
}
