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

public sealed class ArticleDiagnosticsCommandTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Connectivity_Json_HoldsEveryViewModelAndInputWithTheDocumentedFields()
    {
        using var directory = new TempDirectory();
        string json = directory.File("connectivity.json");
        const string Text = "the cell state carries memory from step to step.\nthe quick brown fox";

        CliResult result = CliRunner.Run("connectivity", "--model", model.ModelPath, "--text", Text, "--length", "5", "--length", "20",
            "--position", "30", "--position", "40", "--out", directory.File("c.html"), "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        System.Text.Json.JsonElement root = document.RootElement;
        Assert.Equal("loss", root.GetProperty("measure").GetString());
        Assert.Equal(0.1, root.GetProperty("reach_threshold").GetDouble());
        System.Text.Json.JsonElement[] views = [.. root.GetProperty("views").EnumerateArray()];
        Assert.Equal(["Sequence length 5", "Sequence length 20"], views.Select(view => view.GetProperty("view").GetString()));
        foreach (System.Text.Json.JsonElement view in views)
        {
            int length = view.GetProperty("length").GetInt32();
            System.Text.Json.JsonElement[] models = [.. view.GetProperty("models").EnumerateArray()];
            Assert.Equal([30, 40], models.Select(entry => entry.GetProperty("position").GetInt32()));
            foreach (System.Text.Json.JsonElement entry in models)
            {
                int position = entry.GetProperty("position").GetInt32();
                Assert.Equal(Text[position + 1].ToString(), entry.GetProperty("target").GetString());
                Assert.Equal("lstm", entry.GetProperty("cell").GetString());
                System.Text.Json.JsonElement[] inputs = [.. entry.GetProperty("inputs").EnumerateArray()];
                Assert.Equal(length, inputs.Length);
                for (int index = 0; index < length; index++)
                {
                    int inputPosition = inputs[index].GetProperty("position").GetInt32();
                    Assert.Equal(position - length + 1 + index, inputPosition);
                    Assert.Equal(length - index, inputs[index].GetProperty("back").GetInt32());
                    Assert.Equal(Text[inputPosition].ToString(), inputs[index].GetProperty("character").GetString());
                    Assert.True(inputs[index].GetProperty("value").GetDouble() >= 0);
                    Assert.InRange(inputs[index].GetProperty("normalized").GetDouble(), 0, 1);
                }

                Assert.Equal(1.0, inputs.Max(input => input.GetProperty("normalized").GetDouble()));
                int reach = entry.GetProperty("reach").GetInt32();
                Assert.All(inputs.TakeLast(reach), input => Assert.True(input.GetProperty("normalized").GetDouble() >= 0.1));
                Assert.True(entry.GetProperty("farthest_reach").GetInt32() >= reach);
            }
        }

        Assert.Contains("Sequence length 20, LSTM: median reach", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Connectivity_Task_TrainsBothCellsAndReadsTaskSamples()
    {
        using var directory = new TempDirectory();
        string json = directory.File("task.json");

        CliResult result = CliRunner.Run("connectivity", "--task", "key-recall", "--distance", "6", "--hidden", "8", "--task-steps", "20",
            "--seeds", "2", "--samples", "2", "--out", directory.File("t.html"), "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("RNN seed 2: 20 steps, accuracy at distance 6", result.Out, StringComparison.Ordinal);
        Assert.Contains("key-recall, distance 6, LSTM: median reach", result.Out, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        System.Text.Json.JsonElement view = Assert.Single(document.RootElement.GetProperty("views").EnumerateArray().ToArray());
        Assert.Equal(7, view.GetProperty("length").GetInt32());
        Assert.Equal(8, view.GetProperty("models").GetArrayLength());   // 2 cells × 2 seeds × 2 samples
        Assert.All(view.GetProperty("models").EnumerateArray(), entry => Assert.Equal("?", entry.GetProperty("inputs")[6].GetProperty("character").GetString()));
    }

    [Fact]
    public void GradFlow_TaskAndPreset_RecordTheirEpochsAndTheRatio()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());

        CliResult task = CliRunner.Run("gradflow", "--task", "brackets", "--distance", "24", "--hidden", "8", "--record-epochs", "0,1", "--out", directory.File("t.html"));
        CliResult article = CliRunner.Run("gradflow", "--preset", "article", "--input", corpus, "--chars", "1300", "--hidden", "8", "--record-epochs", "0,2",
            "--out", directory.File("a.html"), "--loss-svg", directory.File("loss.svg"));

        Assert.True(task.ExitCode == 0, task.ToString());
        Assert.Contains("LSTM epoch 1 (step 100): probe loss", task.Out, StringComparison.Ordinal);
        Assert.Contains("LSTM epoch 1: ‖dL/dc‖ / ‖dL/dh‖ at distance 20 = ", task.Out, StringComparison.Ordinal);
        Assert.True(article.ExitCode == 0, article.ToString());
        Assert.Contains("LSTM epoch 1: mean training loss", article.Out, StringComparison.Ordinal);   // 1300 / 26 = 50 windows an epoch
        Assert.Contains("LSTM epoch 2: step 100, probe loss", article.Out, StringComparison.Ordinal);
        string html = File.ReadAllText(directory.File("a.html"));
        Assert.Contains("Training loss per epoch", html, StringComparison.Ordinal);
        Assert.Contains("| 25 × 1 |", html.Replace("</td><td>", " | ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.StartsWith("<?xml", File.ReadAllText(directory.File("loss.svg")), StringComparison.Ordinal);
    }
}
