using System.Globalization;
using System.Text.RegularExpressions;
using LstmSharp.Serialization;

namespace LstmSharp.Cli.Tests;

public sealed class TrainSampleScoreTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Train_SmallFile_SavesBestAndLatestAndPrintsProgress()
    {
        CliResult result = model.TrainResult;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(model.ModelPath));
        Assert.True(File.Exists(model.Directory.File("model.last.safetensors")));
        Assert.Matches(@"step 30/30 \| epoch [\d.]+ \| train [\d.]+ nats/char \([\d.]+ bits/char\) \| val [\d.]+ nats/char \([\d.]+ bits/char\) \| \d+(\.\d+k)? chars/s \| ETA \w+", result.Out);
        Assert.Contains("--- sample at step 30", result.Out);
        Assert.Contains("Finished at step 30", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Train_OutInAFolderThatDoesNotExist_MakesTheFolderAndSaves()
    {
        // The folder used to be missing only at the first save, after a whole epoch of training.
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string best = directory.File(Path.Combine("runs", "first", "m.safetensors"));

        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "90", "--eval-every", "45", "--out", best, .. TrainedModelFixture.SmallModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(best));
        Assert.True(File.Exists(directory.File(Path.Combine("runs", "first", "m.last.safetensors"))));
    }

    [Fact]
    public void Sample_SameSeedTwice_SameTextOfRequestedLength()
    {
        CliResult first = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "50", "--seed", "1");
        CliResult second = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "50", "--seed", "1");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.Out, second.Out);
        Assert.EndsWith("\n", first.Out, StringComparison.Ordinal);
        Assert.Equal(50, first.Out[..^1].Length);
    }

    [Fact]
    public void Sample_WithPrime_EchoesPrimeThenText()
    {
        CliResult result = CliRunner.Run("sample", "--model", model.ModelPath, "--prime", "the ", "--length", "20", "--seed", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("the ", result.Out, StringComparison.Ordinal);
        Assert.Equal(4 + 20 + 1, result.Out.Length);
    }

    [Fact]
    public void Sample_Greedy_IsDeterministicWithoutSeed()
    {
        CliResult first = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "30", "--greedy");
        CliResult second = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "30", "--greedy");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public void Score_TrainedModel_PrintsCharactersNatsBitsAndPerplexity()
    {
        CliResult result = CliRunner.Run("score", "--model", model.ModelPath, "--input", model.CorpusPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        int length = TrainedModelFixture.SmallCorpus().Length;
        Assert.Contains($"characters  {length} ({length - 1} predicted)", result.Out);
        double nats = Number(result.Out, "nats/char"), bits = Number(result.Out, "bits/char"), perplexity = Number(result.Out, "perplexity");
        Assert.InRange(nats, 0.1, Math.Log(40));
        // Printed to 4 decimals: compare within the rounding of the printed values.
        Assert.Equal(nats / Math.Log(2), bits, tolerance: 2e-4);
        Assert.Equal(Math.Exp(nats), perplexity, tolerance: 1e-3 * perplexity);
    }

    [Fact]
    public void SampleAndScore_BFloat16_DeterministicAndCloseToFloat()
    {
        CliResult first = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "60", "--seed", "3", "--bf16");
        CliResult second = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "60", "--seed", "3", "--bf16");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.Out, second.Out);
        Assert.Equal(60, first.Out[..^1].Length);

        CliResult exact = CliRunner.Run("score", "--model", model.ModelPath, "--input", model.CorpusPath);
        CliResult rounded = CliRunner.Run("score", "--model", model.ModelPath, "--input", model.CorpusPath, "--bf16");
        Assert.True(rounded.ExitCode == 0, rounded.ToString());
        // Rounding the weights to 8 significant bits moves the score, but only a little: far less than the model's own loss.
        double change = Math.Abs(Number(rounded.Out, "nats/char") - Number(exact.Out, "nats/char"));
        Assert.True(change < 0.05 * Number(exact.Out, "nats/char"), $"bf16 moved the score by {change} nats/char");
    }

    [Fact]
    public void Train_Resume_ContinuesFromSavedStep()
    {
        using var directory = new TempDirectory();
        string outPath = directory.File("resumed.safetensors");
        CliResult first = CliRunner.Run(["train", "--input", model.CorpusPath, "--steps", "12", "--eval-every", "6", "--out", outPath, .. TrainedModelFixture.SmallModel]);
        Assert.True(first.ExitCode == 0, first.ToString());

        string latest = directory.File("resumed.last.safetensors");
        CliResult resumed = CliRunner.Run("train", "--resume", latest, "--input", model.CorpusPath, "--steps", "20");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Resuming at step 12", resumed.Out);
        Assert.Contains("Finished at step 20", resumed.Out);
        Assert.Equal("20", Checkpoint.Load(latest).Document.Metadata["trainer.step"]);
        Assert.True(File.Exists(outPath));
    }

    [Fact]
    public void Train_ResumeAtItsLimitWithoutNewLimit_FailsWithUsageError()
    {
        CliResult result = CliRunner.Run("train", "--resume", model.Directory.File("model.last.safetensors"), "--input", model.CorpusPath);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("already at its limit", result.Error);
    }

    [Fact]
    public void Train_ResumeWithModelOption_NotesItIsIgnored()
    {
        using var directory = new TempDirectory();
        CliResult result = CliRunner.Run("train", "--resume", model.Directory.File("model.last.safetensors"), "--input", model.CorpusPath,
            "--steps", "32", "--hidden", "64", "--out", directory.File("m.safetensors"), "--sample-length", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--hidden ignored", result.Error);
        Assert.Contains("hidden 32", result.Out);
    }

    [Fact]
    public void Train_Cancelled_SavesLatestAndPrintsResumeCommand()
    {
        using var directory = new TempDirectory();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        string outPath = directory.File("m.safetensors");

        CliResult result = CliRunner.Run(cancelled.Token, ["train", "--input", model.CorpusPath, "--steps", "100", "--out", outPath, .. TrainedModelFixture.SmallModel]);

        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        string latest = directory.File("m.last.safetensors");
        Assert.True(File.Exists(latest));
        // The checkpoint records its text, so the resume command needs no --input.
        Assert.Contains($"Resume with: lstmsharp train --resume {latest}{Environment.NewLine}", result.Out);
    }

    [Fact]
    public void Train_NoInput_UsesBuiltInCorpus()
    {
        using var directory = new TempDirectory();
        CliResult result = CliRunner.Run("train", "--steps", "5", "--hidden", "16", "--layers", "1", "--sample-length", "20", "--out", directory.File("m.safetensors"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("on the built-in corpus", result.Out);
        Assert.Contains("Finished at step 5", result.Out);
    }

    private static double Number(string output, string label) =>
        double.Parse(Regex.Match(output, Regex.Escape(label) + @"\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
}
