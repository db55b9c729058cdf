using LstmSharp.Interop;
using LstmSharp.Model;
using LstmSharp.Serialization;

namespace LstmSharp.Cli.Tests;

/// <summary><c>lstmsharp info</c>, <c>export --onnx</c> and <c>import --pytorch</c> on a model trained through the CLI.</summary>
public sealed class InfoExportImportTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Info_TrainedCheckpoint_ShowsArchitectureVocabularyProgressOptionsAndCorpus()
    {
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        CorpusFingerprint corpus = Checkpoint.ReadCorpusFingerprint(checkpoint)!;

        CliResult result = CliRunner.Run("info", "--model", trained.ModelPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(FormattableString.Invariant($"model       1-layer LSTM, hidden 32, {checkpoint.Model.ParameterCount:N0} parameters"), result.Out, StringComparison.Ordinal);
        Assert.Contains($"vocabulary  {checkpoint.Vocabulary.Count} characters: \"\\n ", result.Out, StringComparison.Ordinal);
        Assert.Contains("progress    step 30, epoch", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"best        validation \d\.\d{4} nats/char", result.Out);
        Assert.Contains("optimizer   Adam lr 0.003, betas (0.9, 0.999)", result.Out, StringComparison.Ordinal);
        Assert.Contains("\"seq_length\":16", result.Out, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"corpus      {corpus.Length:N0} characters, SHA-256 {corpus.Sha256}, from '{Path.GetFullPath(trained.CorpusPath)}'"), result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Info_ImportedModelWithoutTrainer_SaysSo()
    {
        using var directory = new TempDirectory();
        string path = directory.File("plain.safetensors");
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        Checkpoint.Save(path, checkpoint.Model, checkpoint.Vocabulary);

        CliResult result = CliRunner.Run("info", "--model", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("training    none recorded", result.Out, StringComparison.Ordinal);
        Assert.Contains("corpus      not recorded", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_Onnx_WritesTheLibrarysModel()
    {
        using var directory = new TempDirectory();
        string onnx = directory.File("model.onnx");

        CliResult result = CliRunner.Run("export", "--model", trained.ModelPath, "--onnx", onnx);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ONNX opset 17", result.Out, StringComparison.Ordinal);
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        Assert.Equal(OnnxExporter.ToBytes(checkpoint.Model, checkpoint.Vocabulary), File.ReadAllBytes(onnx));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Import_StateDictAndVocabulary_RoundTripsEveryTensor(bool vocabularyAsJson)
    {
        using var directory = new TempDirectory();
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        string stateDict = directory.File("state.safetensors");
        // What PyTorch's safetensors.torch.save_file(model.state_dict()) writes: the tensors alone, no LstmSharp metadata.
        SafeTensors.Write(stateDict, checkpoint.Model.Tensors.Select(tensor => SafeTensor.Create<float>(tensor.Name, [.. tensor.Shape], tensor.Values)));
        string vocabulary = vocabularyAsJson
            ? directory.WriteText("vocab.json", checkpoint.Vocabulary.ToJson())
            : directory.WriteText("vocab.txt", string.Concat(checkpoint.Vocabulary.Characters.Reverse()));
        string imported = directory.File("imported.safetensors");

        CliResult result = CliRunner.Run("import", "--pytorch", stateDict, "--vocabulary", vocabulary, "--cell", "lstm", "--out", imported);

        Assert.True(result.ExitCode == 0, result.ToString());
        LoadedCheckpoint back = Checkpoint.Load(imported);
        Assert.Equal(checkpoint.Vocabulary, back.Vocabulary);
        foreach ((ModelTensor<float> expected, ModelTensor<float> actual) in checkpoint.Model.Tensors.Zip(back.Model.Tensors))
        {
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Values.ToArray(), actual.Values.ToArray());
        }

        CliResult sample = CliRunner.Run("sample", "--model", imported, "--length", "20", "--seed", "3");
        Assert.Equal(CliRunner.Run("sample", "--model", trained.ModelPath, "--length", "20", "--seed", "3").Out, sample.Out);
    }

    [Fact]
    public void Import_StateDictWithoutChecksum_SaysOnlyItsStructureWasChecked()
    {
        using var directory = new TempDirectory();
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        byte[] bytes = SafeTensors.Serialize(checkpoint.Model.Tensors.Select(tensor => SafeTensor.Create<float>(tensor.Name, [.. tensor.Shape], tensor.Values)));
        // As PyTorch writes it: no checksum (both keys renamed in place, same length, so the layout holds).
        foreach (string key in new[] { SafeTensors.FileSha256Key, SafeTensors.DataSha256Key })
        {
            int at = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("\"" + key + "\""));
            bytes[at + 1] = (byte)'x';
        }

        string stateDict = directory.WriteBytes("state.safetensors", bytes);
        Assert.Equal(SafeTensorsChecksum.None, SafeTensors.Read(stateDict).Checksum);
        string vocabulary = directory.WriteText("vocab.json", checkpoint.Vocabulary.ToJson());

        CliResult result = CliRunner.Run("import", "--pytorch", stateDict, "--vocabulary", vocabulary, "--cell", "lstm", "--out", directory.File("imported.safetensors"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("carries no checksum", result.Error, StringComparison.Ordinal);
        Assert.Contains("only its structure was checked", result.Error, StringComparison.Ordinal);
        Assert.Equal(SafeTensorsChecksum.WholeFile, Checkpoint.Load(directory.File("imported.safetensors")).Document.Checksum);
    }

    [Fact]
    public void Import_WrongCellOrVocabulary_OneLineError()
    {
        using var directory = new TempDirectory();
        LoadedCheckpoint checkpoint = Checkpoint.Load(trained.ModelPath);
        string stateDict = directory.File("state.safetensors");
        SafeTensors.Write(stateDict, checkpoint.Model.Tensors.Select(tensor => SafeTensor.Create<float>(tensor.Name, [.. tensor.Shape], tensor.Values)));
        string vocabulary = directory.WriteText("vocab.json", checkpoint.Vocabulary.ToJson());

        CliResult wrongCell = CliRunner.Run("import", "--pytorch", stateDict, "--vocabulary", vocabulary, "--cell", "gru", "--out", directory.File("x.safetensors"));
        CliResult wrongSize = CliRunner.Run("import", "--pytorch", stateDict, "--vocabulary", directory.WriteText("small.txt", "abc"), "--cell", "lstm", "--out", directory.File("y.safetensors"));

        Assert.True(wrongCell.ExitCode == 1, wrongCell.ToString());
        Assert.Contains("holds cell type 'lstm' (by its tensors' shapes), but --cell says 'gru'", wrongCell.Error, StringComparison.Ordinal);
        Assert.True(wrongSize.ExitCode == 1, wrongSize.ToString());
        Assert.Contains("V = 3", wrongSize.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("x.safetensors")));
    }
}
