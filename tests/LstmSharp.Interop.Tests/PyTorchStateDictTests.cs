using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Interop.Tests;

/// <summary>A state dict as PyTorch writes it (names and shapes only, no LstmSharp metadata) → import → the same outputs.</summary>
public sealed class PyTorchStateDictTests
{
    private static readonly Vocabulary s_vocabulary = Vocabulary.FromText("the quick brown fox");

    public static TheoryData<CellType, int> CellsAndLayers()
    {
        var data = new TheoryData<CellType, int>();
        foreach (CellType cell in Enum.GetValues<CellType>())
        {
            for (int layers = 1; layers <= 3; layers++)
            {
                data.Add(cell, layers);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CellsAndLayers))]
    public void Load_F32StateDict_PredictMatchesOriginal(CellType cell, int layers)
    {
        CharModel<float> original = NewModel<float>(cell, layers, seed: (ulong)(layers * 7 + (int)cell));
        CharModel<float> loaded = PyTorchStateDict.Load<float>(SafeTensors.Read(Serialize<float>(original)), s_vocabulary);

        Assert.Equal(cell, loaded.CellType);
        Assert.Equal(layers, loaded.Layers.Count);
        Assert.Equal(original.HiddenSize, loaded.HiddenSize);
        Assert.Equal(Predict(original), Predict(loaded));   // bit for bit: the same parameters, the same code
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Load_F64StateDict_LoadsIntoDoubleExactlyAndIntoFloatRounded(CellType cell)
    {
        CharModel<double> original = NewModel<double>(cell, 2, seed: 5);
        byte[] file = Serialize<double>(original);

        CharModel<double> asDouble = PyTorchStateDict.Load<double>(SafeTensors.Read(file), s_vocabulary);
        CharModel<float> asFloat = PyTorchStateDict.Load<float>(SafeTensors.Read(file), s_vocabulary);
        for (int index = 0; index < original.Tensors.Count; index++)
        {
            double[] values = original.Tensors[index].Values.ToArray();
            Assert.Equal(values, asDouble.Tensors[index].Values.ToArray());
            Assert.Equal(values.Select(value => (float)value), asFloat.Tensors[index].Values.ToArray());
        }
    }

    [Fact]
    public void Load_FileAsSafetensorsTorchWritesIt_Loads()
    {
        // Built by hand, without LstmSharp's writer: PyTorch's {"format": "pt"} metadata, no checksum, keys in state-dict order.
        CharModel<float> original = NewModel<float>(CellType.Lstm, 2, seed: 11);
        string directory = Directory.CreateTempSubdirectory("lstmsharp-torch-").FullName;
        try
        {
            string path = Path.Combine(directory, "char_rnn.safetensors");
            File.WriteAllBytes(path, HandWrittenSafeTensors(original.Tensors.Select(tensor => (tensor.Name, tensor.Shape, tensor.Values.ToArray()))));
            CharModel<float> loaded = PyTorchStateDict.Load<float>(path, s_vocabulary);
            Assert.Equal(Predict(original), Predict(loaded));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_CheckpointWithoutTrainer_Loads()
    {
        CharModel<float> original = NewModel<float>(CellType.Gru, 2, seed: 13);
        string directory = Directory.CreateTempSubdirectory("lstmsharp-torch-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            Checkpoint.Save(path, original, s_vocabulary);
            Assert.Equal(Predict(original), Predict(PyTorchStateDict.Load<float>(path, s_vocabulary)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_OtherModuleNames_LoadsWithPrefixes()
    {
        CharModel<float> original = NewModel<float>(CellType.Rnn, 1, seed: 17);
        SafeTensor[] renamed = [.. Tensors(original).Select(tensor => Rename(tensor, tensor.Name.Replace("rnn.", "lstm.", StringComparison.Ordinal).Replace("head.", "fc.", StringComparison.Ordinal)))];
        CharModel<float> loaded = PyTorchStateDict.Load<float>(SafeTensors.Read(SafeTensors.Serialize(renamed)), s_vocabulary, "lstm.", "fc.");
        Assert.Equal(Predict(original), Predict(loaded));
    }

    [Fact]
    public void Load_MissingTensor_ThrowsInvalidData()
    {
        SafeTensor[] tensors = [.. Tensors(NewModel<float>(CellType.Lstm, 2, 1)).Where(tensor => tensor.Name != "rnn.bias_hh_l1")];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("missing 'rnn.bias_hh_l1'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRecurrentLayer_ThrowsInvalidData()
    {
        SafeTensor[] tensors = [.. Tensors(NewModel<float>(CellType.Lstm, 1, 1)).Where(tensor => tensor.Name.StartsWith("head.", StringComparison.Ordinal))];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("rnn.weight_ih_l0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BidirectionalExtraTensor_ThrowsInvalidData()
    {
        CharModel<float> model = NewModel<float>(CellType.Gru, 1, 1);
        SafeTensor[] tensors = [.. Tensors(model), Rename(Tensors(model).First(), "rnn.weight_ih_l0_reverse"), SafeTensor.Create<float>("embedding.weight", [1], [0f])];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("embedding.weight, rnn.weight_ih_l0_reverse", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MisShapedHead_ThrowsInvalidData()
    {
        SafeTensor[] tensors = [.. Tensors(NewModel<float>(CellType.Rnn, 1, 1)).Select(tensor =>
            tensor.Name == "head.bias" ? SafeTensor.Create<float>("head.bias", [3], [1f, 2f, 3f]) : tensor)];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("'head.bias' has shape (3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VocabularyOfAnotherSize_ThrowsInvalidData()
    {
        SafeTensor[] tensors = Tensors(NewModel<float>(CellType.Lstm, 1, 1));
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() =>
            PyTorchStateDict.Load<float>(SafeTensors.Read(SafeTensors.Serialize(tensors)), Vocabulary.FromText("abc")));
        Assert.Contains("'rnn.weight_ih_l0'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoGateBlocks_ThrowsInvalidData()
    {
        int vocabularySize = s_vocabulary.Count;
        SafeTensor[] tensors =
        [
            SafeTensor.Create<float>("rnn.weight_ih_l0", [8, vocabularySize], new float[8 * vocabularySize]),
            SafeTensor.Create<float>("rnn.weight_hh_l0", [8, 4], new float[32]),
        ];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("2 gate blocks", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IntegerTensor_ThrowsInvalidData()
    {
        SafeTensor[] tensors = [.. Tensors(NewModel<float>(CellType.Rnn, 1, 1)).Select(tensor =>
            tensor.Name == "rnn.bias_ih_l0" ? SafeTensor.Create<int>(tensor.Name, [.. tensor.Shape], new int[tensor.Count]) : tensor)];
        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => Load(tensors));
        Assert.Contains("'rnn.bias_ih_l0' is I32", exception.Message, StringComparison.Ordinal);
    }

    private static CharModel<float> Load(SafeTensor[] tensors) =>
        PyTorchStateDict.Load<float>(SafeTensors.Read(SafeTensors.Serialize(tensors)), s_vocabulary);

    private static CharModel<T> NewModel<T>(CellType cell, int layers, ulong seed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var model = new CharModel<T>(cell, s_vocabulary.Count, 6, layers);
        RandomModels.Fill(model, seed);
        return model;
    }

    private static SafeTensor[] Tensors<T>(CharModel<T> model) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        [.. model.Tensors.Select(tensor => SafeTensor.Create<T>(tensor.Name, [.. tensor.Shape], tensor.Values))];

    private static byte[] Serialize<T>(CharModel<T> model) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        SafeTensors.Serialize(Tensors(model));

    private static SafeTensor Rename(SafeTensor tensor, string name) =>
        tensor.DType == SafeTensorDType.F64
            ? SafeTensor.Create<double>(name, [.. tensor.Shape], tensor.ToArray<double>())
            : SafeTensor.Create<float>(name, [.. tensor.Shape], tensor.ToArray<float>());

    private static float[] Predict(CharModel<float> model)
    {
        int[] ids = s_vocabulary.Encode("the fox");
        var logits = new float[ids.Length * model.VocabularySize];
        model.Predict(ids, ids.Length, 1, null, new ModelState<float>(model, 1), logits);
        return logits;
    }

    private static byte[] HandWrittenSafeTensors(IEnumerable<(string Name, IReadOnlyList<int> Shape, float[] Values)> tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new List<byte>();
        foreach ((string name, IReadOnlyList<int> shape, float[] values) in tensors)
        {
            header.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + 4 * values.Length}]}}");
            foreach (float value in values)
            {
                byte[] bytes = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
                data.AddRange(bytes);
            }
        }

        header.Append('}');
        while (header.Length % 8 != 0)
        {
            header.Append(' ');   // safetensors.torch pads the header with spaces to 8 bytes
        }

        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        byte[] file = new byte[8 + headerBytes.Length + data.Count];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        data.CopyTo(file, 8 + headerBytes.Length);
        return file;
    }
}
