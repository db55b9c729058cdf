using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Serialization;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static (CharModel<float> Model, Vocabulary Vocabulary) Model(CellType cell, int layers)
    {
        Vocabulary vocabulary = Vocabulary.FromText("héllo wörld 😀\n");
        var model = new CharModel<float>(cell, vocabulary.Count, 6, layers);
        model.Initialize(Initialization.PyTorchUniform, 9);
        return (model, vocabulary);
    }

    [Theory]
    [InlineData(CellType.Lstm, 1)]
    [InlineData(CellType.Gru, 2)]
    [InlineData(CellType.Rnn, 3)]
    public void Load_SavedModel_SameTensorsVocabularyAndOutputs(CellType cell, int layers)
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(cell, layers);
        Checkpoint.Save(PathOf("model.safetensors"), model, vocabulary);

        LoadedCheckpoint loaded = Checkpoint.Load(PathOf("model.safetensors"));

        Assert.Equal(vocabulary, loaded.Vocabulary);
        Assert.Equal(cell, loaded.Model.CellType);
        Assert.Equal(model.Tensors.Select(tensor => tensor.Name), loaded.Model.Tensors.Select(tensor => tensor.Name));
        Assert.Equal(model.ParameterBuffers.SelectMany(buffer => buffer.Parameters), loaded.Model.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
        Assert.False(loaded.HasTrainerState);
        int[] ids = vocabulary.Encode("héllo 😀");
        float[] Logits(CharModel<float> m)
        {
            var logits = new float[ids.Length * m.VocabularySize];
            m.Predict(ids, ids.Length, 1, null, new ModelState<float>(m, 1), logits);
            return logits;
        }

        Assert.Equal(Logits(model), Logits(loaded.Model));
    }

    [Fact]
    public void Save_PyTorchStateDictNamesAndShapes()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Lstm, 2);
        Checkpoint.Save(PathOf("names.safetensors"), model, vocabulary);

        SafeTensorsDocument document = SafeTensors.Read(PathOf("names.safetensors"));
        int v = vocabulary.Count;

        Assert.Equal([24, v], document["rnn.weight_ih_l0"].Shape);
        Assert.Equal([24, 6], document["rnn.weight_hh_l0"].Shape);
        Assert.Equal([24, 6], document["rnn.weight_ih_l1"].Shape);
        Assert.Equal([24], document["rnn.bias_hh_l1"].Shape);
        Assert.Equal([v, 6], document["head.weight"].Shape);
        Assert.Equal([v], document["head.bias"].Shape);
        Assert.Equal("lstm", document.Metadata["model.cell"]);
        Assert.Equal("2", document.Metadata["model.num_layers"]);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsInvalidData()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Gru, 1);
        Checkpoint.Save(PathOf("whole.safetensors"), model, vocabulary);
        byte[] bytes = File.ReadAllBytes(PathOf("whole.safetensors"));

        foreach (int length in new[] { 0, 4, 8, 20, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(PathOf("cut.safetensors"), bytes[..length]);
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load(PathOf("cut.safetensors")));
        }
    }

    [Fact]
    public void Load_FlippedDataBit_ThrowsInvalidDataFromTheChecksum()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Lstm, 1);
        Checkpoint.Save(PathOf("flip.safetensors"), model, vocabulary);
        byte[] bytes = File.ReadAllBytes(PathOf("flip.safetensors"));
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(PathOf("flip.safetensors"), bytes);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(PathOf("flip.safetensors")));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MetadataContradictsTensors_ThrowsInvalidDataNamingTheTensor()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Lstm, 1);
        Checkpoint.Save(PathOf("ok.safetensors"), model, vocabulary);
        SafeTensorsDocument document = SafeTensors.Read(PathOf("ok.safetensors"));
        var metadata = document.Metadata.ToDictionary(pair => pair.Key, pair => pair.Value);
        metadata["model.hidden_size"] = "7";
        SafeTensors.Write(PathOf("bad.safetensors"), document.Tensors, metadata);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(PathOf("bad.safetensors")));
        Assert.Contains("rnn.weight_ih_l0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.cell", "transformer")]
    [InlineData("model.num_layers", "-1")]
    [InlineData("model.hidden_size", "99999999999")]
    [InlineData("model.vocabulary", "{\"characters\":[]}")]
    [InlineData("lstmsharp.format", "3")]
    public void Load_BadMetadata_ThrowsInvalidData(string key, string value)
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Rnn, 1);
        Checkpoint.Save(PathOf("ok.safetensors"), model, vocabulary);
        SafeTensorsDocument document = SafeTensors.Read(PathOf("ok.safetensors"));
        var metadata = document.Metadata.ToDictionary(pair => pair.Key, pair => pair.Value);
        metadata[key] = value;
        SafeTensors.Write(PathOf("bad.safetensors"), document.Tensors, metadata);

        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(PathOf("bad.safetensors")));
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(PathOf("absent.safetensors")));
    }
}
