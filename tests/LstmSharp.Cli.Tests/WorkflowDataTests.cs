using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Cli.Tests;

/// <summary>Fine-tuning, several input files, a separate validation file, and resume on the recorded text.</summary>
public sealed class WorkflowDataTests
{
    private static CliResult Train(params string[] arguments) => CliRunner.Run(["train", .. TrainedModelFixture.SmallModel, .. arguments]);

    // A run from --init-from takes its sizes from the checkpoint: no --hidden or --layers.
    private static CliResult Tune(params string[] arguments) => CliRunner.Run(["train", "--seq-length", "16", "--batch", "4", "--sample-length", "40", .. arguments]);

    private static float[] Weights(string path) => [.. Checkpoint.Load(path).Model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)];

    [Fact]
    public void Train_FolderInput_TrainsExactlyAsTheConcatenatedFile()
    {
        using var directory = new TempDirectory();
        string text = TrainedModelFixture.SmallCorpus();
        string folder = directory.File("texts");
        Directory.CreateDirectory(Path.Combine(folder, "part2"));
        File.WriteAllText(Path.Combine(folder, "part1.txt"), text[..2000]);
        File.WriteAllText(Path.Combine(folder, "part2", "a.txt"), text[2000..4000]);
        File.WriteAllText(Path.Combine(folder, "part2", "b.txt"), text[4000..]);
        File.WriteAllText(Path.Combine(folder, "README.md"), "not read: not *.txt");
        string whole = directory.WriteText("whole.txt", text);

        CliResult fromFolder = Train("--input", folder, "--steps", "6", "--eval-every", "3", "--out", directory.File("folder.safetensors"));
        CliResult fromFile = Train("--input", whole, "--steps", "6", "--eval-every", "3", "--out", directory.File("file.safetensors"));

        Assert.True(fromFolder.ExitCode == 0, fromFolder.ToString());
        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.Contains("3 files (", fromFolder.Out, StringComparison.Ordinal);
        Assert.Equal(Weights(directory.File("file.safetensors")), Weights(directory.File("folder.safetensors")));
        CorpusFingerprint recorded = Checkpoint.ReadCorpusFingerprint(Checkpoint.Load(directory.File("folder.safetensors")))!;
        Assert.Equal(Checkpoint.ReadCorpusFingerprint(Checkpoint.Load(directory.File("file.safetensors")))!.Sha256, recorded.Sha256);
        Assert.Equal(["part1.txt", "part2/a.txt", "part2/b.txt"], recorded.Paths.Select(path => Path.GetRelativePath(folder, path).Replace('\\', '/')));
    }

    [Fact]
    public void Train_SeveralFilesAndGlob_ReadInTheGivenOrder()
    {
        using var directory = new TempDirectory();
        string text = TrainedModelFixture.SmallCorpus();
        string second = directory.WriteText("second.text", text[3000..]);
        string first = directory.WriteText("first.txt", text[..3000]);
        string folder = directory.File("more");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "x.text"), text[..500]);

        CliResult result = Train("--input", first, second, folder, "--glob", "*.text", "--steps", "2", "--out", directory.File("m.safetensors"));

        Assert.True(result.ExitCode == 0, result.ToString());
        CorpusFingerprint recorded = Checkpoint.ReadCorpusFingerprint(Checkpoint.Load(directory.File("m.safetensors")))!;
        Assert.Equal([first, second, Path.Combine(folder, "x.text")], recorded.Paths);
        Assert.Equal(text.Length + 500, recorded.Length);
    }

    [Fact]
    public void Resume_WithoutInput_ReadsTheRecordedTextAndRefusesAnother()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        Assert.Equal(0, Train("--input", corpus, "--steps", "4", "--eval-every", "2", "--out", directory.File("m.safetensors")).ExitCode);
        string latest = directory.File("m.last.safetensors");

        CliResult resumed = CliRunner.Run("train", "--resume", latest, "--steps", "6");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"on '{Path.GetFullPath(corpus)}'", resumed.Out, StringComparison.Ordinal);

        string changed = directory.WriteText("changed.txt", TrainedModelFixture.SmallCorpus().Replace("fox", "cat", StringComparison.Ordinal));
        CliResult refused = CliRunner.Run("train", "--resume", latest, "--input", changed, "--steps", "8");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("is not the text", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.TrimEnd('\n').Split('\n'));

        File.WriteAllText(corpus, File.ReadAllText(changed));   // the recorded file itself changed
        Assert.Equal(1, CliRunner.Run("train", "--resume", latest, "--steps", "8").ExitCode);

        CliResult forced = CliRunner.Run("train", "--resume", latest, "--input", changed, "--steps", "8", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("continuing on it because of --force", forced.Error, StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(changed), Checkpoint.ReadCorpusFingerprint(Checkpoint.Load(latest))!.Paths.Single());
    }

    [Fact]
    public void Train_ValidationFile_ValidatesOnItAndResumeFindsIt()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string validation = directory.WriteText("val.txt", "the cell state carries memory.\nthe quick brown fox.\n");

        CliResult result = Train("--input", corpus, "--val-file", validation, "--steps", "4", "--eval-every", "2", "--out", directory.File("m.safetensors"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"windows per epoch), validation on '{validation}'", result.Out, StringComparison.Ordinal);
        LoadedCheckpoint checkpoint = Checkpoint.Load(directory.File("m.last.safetensors"));
        Assert.Equal(Path.GetFullPath(validation), Checkpoint.ReadValidationFingerprint(checkpoint)!.Paths.Single());
        Assert.Equal(0, Checkpoint.ReadTrainingOptions(checkpoint)!.ValidationFraction);
        CliResult resumed = CliRunner.Run("train", "--resume", directory.File("m.last.safetensors"), "--steps", "6");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("validation on", resumed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void InitFrom_NewCharacters_RefusedWithoutExtendAndLearnedWithIt()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string basePath = directory.File("base.safetensors");
        Assert.Equal(0, Train("--input", corpus, "--steps", "4", "--eval-every", "2", "--out", basePath).ExitCode);
        string newText = directory.WriteText("new.txt", TrainedModelFixture.SmallCorpus().ToUpperInvariant() + "Zürich ß\n");

        CliResult refused = Tune("--init-from", basePath, "--input", newText, "--steps", "2", "--out", directory.File("tuned.safetensors"));
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("does not know: 'A' (U+0041)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("'ß' (U+00DF)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--extend-vocabulary", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.TrimEnd('\n').Split('\n'));

        CliResult tuned = Tune("--init-from", basePath, "--input", newText, "--extend-vocabulary", "--optimizer", "sgd", "--lr", "0.05",
            "--steps", "2", "--eval-every", "2", "--out", directory.File("tuned.safetensors"));
        Assert.True(tuned.ExitCode == 0, tuned.ToString());
        Assert.Contains("Fine-tuning", tuned.Out, StringComparison.Ordinal);
        LoadedCheckpoint result = Checkpoint.Load(directory.File("tuned.last.safetensors"));
        Vocabulary before = Checkpoint.Load(basePath).Vocabulary;
        Assert.True(before.Characters.All(result.Vocabulary.Contains));
        Assert.Contains(new System.Text.Rune('ß'), result.Vocabulary.Characters);
        Assert.Equal("Sgd", result.Document.Metadata["optimizer.kind"]);
        Assert.Equal("2", result.Document.Metadata["trainer.step"]);
    }

    [Fact]
    public void InitFrom_SameCharacters_StartsAFreshRunFromTheWeights()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string basePath = directory.File("base.safetensors");
        Assert.Equal(0, Train("--input", corpus, "--steps", "4", "--eval-every", "2", "--out", basePath).ExitCode);
        string subset = directory.WriteText("subset.txt", string.Concat(Enumerable.Repeat("the cell state carries memory from step to step.\n", 40)));

        CliResult tuned = Tune("--init-from", basePath, "--input", subset, "--hidden", "64", "--steps", "3", "--out", directory.File("t.safetensors"));

        Assert.True(tuned.ExitCode == 0, tuned.ToString());
        Assert.Contains("--hidden ignored: the model comes from --init-from", tuned.Error, StringComparison.Ordinal);
        LoadedCheckpoint result = Checkpoint.Load(directory.File("t.last.safetensors"));
        Assert.Equal(Checkpoint.Load(basePath).Vocabulary, result.Vocabulary);   // the checkpoint's vocabulary, not the subset's
        Assert.Equal(32, result.Model.HiddenSize);
        Assert.Equal("3", result.Document.Metadata["trainer.step"]);
    }

    [Theory]
    [InlineData(new[] { "--resume", "a", "--init-from", "b" }, "not both")]
    [InlineData(new[] { "--extend-vocabulary" }, "--extend-vocabulary needs --init-from")]
    [InlineData(new[] { "--force" }, "--force needs --resume")]
    public void Train_ContradictoryWorkflowFlags_UsageError(string[] flags, string expected)
    {
        CliResult result = Train([.. flags, "--steps", "1"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
