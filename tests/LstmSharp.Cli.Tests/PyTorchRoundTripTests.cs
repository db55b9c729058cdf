using System.Globalization;
using System.Text.Json;
using LstmSharp.Generation;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// The path to PyTorch and back (interop/pytorch/continue_training.py, Debian's python3-torch): a model trained by
/// <c>lstmsharp train</c> continues training in PyTorch (under torchrun with two processes for the LSTM), comes back
/// through <c>lstmsharp import</c>, and LstmSharp scores the text as PyTorch did, to 1e-5 nats per character.
/// </summary>
public sealed class PyTorchRoundTripTests
{
    private const double Tolerance = 1e-5;

    [SkippableTheory]
    [InlineData("lstm", 2)]
    [InlineData("gru", 1)]
    [InlineData("rnn", 1)]
    public void ContinueInPyTorch_ImportBack_ScoresTheTextAsPyTorchDid(string cell, int processes)
    {
        string python = PythonTools.RequireTorchPython();
        using var directory = new TempDirectory();
        string text = directory.WriteText("text.txt", TrainedModelFixture.SmallCorpus());
        string checkpoint = directory.File("model.safetensors");
        CliResult trained = CliRunner.Run("train", "--input", text, "--cell", cell, "--hidden", "16", "--layers", "2", "--seq-length", "16", "--batch", "4",
            "--steps", "10", "--eval-every", "5", "--sample-length", "0", "--out", checkpoint);
        Assert.True(trained.ExitCode == 0, trained.ToString());

        string[] script =
        [
            PythonTools.Script, "--checkpoint", checkpoint, "--text", text, "--steps", "4", "--seq-length", "16", "--batch", "2",
            "--out", directory.File("torch.safetensors"), "--vocabulary-out", directory.File("vocab.json"), "--score-out", directory.File("score.json"),
        ];
        PythonTools.Run(python, processes > 1 ? [.. PythonTools.Torchrun(processes), .. script] : script, directory.Path);

        CliResult imported = CliRunner.Run("import", "--pytorch", directory.File("torch.safetensors"), "--vocabulary", directory.File("vocab.json"),
            "--cell", cell, "--out", directory.File("back.safetensors"));
        Assert.True(imported.ExitCode == 0, imported.ToString());

        LoadedCheckpoint back = Checkpoint.Load(directory.File("back.safetensors"));
        LoadedCheckpoint before = Checkpoint.Load(checkpoint);
        Assert.Equal(before.Vocabulary, back.Vocabulary);
        Assert.NotEqual(before.Model.Tensors[0].Values.ToArray(), back.Model.Tensors[0].Values.ToArray());   // PyTorch trained it

        using JsonDocument score = JsonDocument.Parse(File.ReadAllText(directory.File("score.json")));
        double pytorch = score.RootElement.GetProperty("nats_per_char").GetDouble();
        double lstmSharp = TextScorer.Score(back.Model, Corpus.FromFile(text, back.Vocabulary).Ids).NatsPerCharacter;
        Assert.True(Math.Abs(lstmSharp - pytorch) <= Tolerance,
            string.Create(CultureInfo.InvariantCulture, $"{cell}: LstmSharp {lstmSharp:R} vs PyTorch {pytorch:R} nats/char (|Δ| {Math.Abs(lstmSharp - pytorch):E2})"));
    }
}
