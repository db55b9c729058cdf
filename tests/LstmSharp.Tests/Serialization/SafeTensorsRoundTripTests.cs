using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>Write → read gives back the same names, dtypes, shapes, bits and metadata.</summary>
public sealed class SafeTensorsRoundTripTests
{
    private static readonly Dictionary<string, string> s_metadata = new()
    {
        ["format"] = "pt",
        ["lstmsharp.cell"] = "lstm",
        ["note"] = "ünïcödé \"quoted\" <tag> & + \\ \n",
    };

    [Fact]
    public void Write_AllDTypesWithMetadata_ReadsBackBitExact()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        SafeTensor[] tensors = SafeTensorsTestFiles.SampleTensors();

        SafeTensors.Write(path, tensors, s_metadata);
        SafeTensorsDocument document = SafeTensors.Read(path);

        AssertSameTensors(tensors, document);
        foreach ((string key, string value) in s_metadata)
        {
            Assert.Equal(value, document.Metadata[key]);
        }

        Assert.Equal(64, document.Metadata[SafeTensors.DataSha256Key].Length);
        Assert.Equal(64, document.Metadata[SafeTensors.FileSha256Key].Length);
        Assert.Equal(s_metadata.Count + 2, document.Metadata.Count);
        Assert.Equal(SafeTensorsChecksum.WholeFile, document.Checksum);
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void Write_ToStream_ReadsBackFromStream()
    {
        SafeTensor[] tensors = SafeTensorsTestFiles.SampleTensors();
        using var stream = new MemoryStream();
        stream.WriteByte(0xEE);   // the stream overloads start at the current position

        SafeTensors.Write(stream, tensors, s_metadata);
        stream.Position = 1;
        SafeTensorsDocument document = SafeTensors.Read(stream);

        AssertSameTensors(tensors, document);
        Assert.Equal(SafeTensors.Serialize(tensors, s_metadata), stream.ToArray()[1..]);
    }

    [Fact]
    public void Read_NonSeekableStream_ReadsWholeFile()
    {
        SafeTensor[] tensors = SafeTensorsTestFiles.SampleTensors();
        using var stream = new ForwardOnlyStream(SafeTensors.Serialize(tensors));

        AssertSameTensors(tensors, SafeTensors.Read(stream));
    }

    [Fact]
    public void Write_ReadDocumentWrittenAgain_SameBytes()
    {
        byte[] first = SafeTensorsTestFiles.WrittenSample();
        SafeTensorsDocument document = SafeTensors.Read(first);

        byte[] second = SafeTensors.Serialize(document.Tensors, document.Metadata);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Write_NoTensors_ReadsBackEmptyWithChecksum()
    {
        SafeTensorsDocument document = SafeTensors.Read(SafeTensors.Serialize([]));

        Assert.Empty(document.Tensors);
        Assert.True(document.IsChecksumVerified);
    }

    [Fact]
    public void Write_ScalarAndZeroSizedTensors_ReadBack()
    {
        SafeTensor[] tensors =
        [
            SafeTensor.Create<double>("scalar", [], [42.0]),
            SafeTensor.Create<float>("empty", [0, 3], []),
            SafeTensor.Create<long>("none", [5, 0], []),
        ];

        SafeTensorsDocument document = SafeTensors.Read(SafeTensors.Serialize(tensors));

        AssertSameTensors(tensors, document);
        Assert.Empty(document["scalar"].Shape);
        Assert.Equal(1, document["scalar"].Count);
        Assert.Equal(0, document["empty"].Count);
    }

    [Fact]
    public void ConvertToArray_F32AndF64_ConvertsExplicitly()
    {
        SafeTensorsDocument document = SafeTensors.Read(SafeTensors.Serialize(
        [
            SafeTensor.Create<float>("single", [2], [0.1f, -3.5f]),
            SafeTensor.Create<double>("double", [2], [0.1, 1e300]),
        ]));

        Assert.Equal([(double)0.1f, -3.5], document["single"].ConvertToArray<double>());
        Assert.Equal([0.1f, float.PositiveInfinity], document["double"].ConvertToArray<float>());
        Assert.Equal([0.1f, -3.5f], document["single"].ConvertToArray<float>());
        Assert.Throws<InvalidOperationException>(() => document["single"].ToArray<double>());
        Assert.Throws<InvalidOperationException>(() => document["double"].ToArray<float>());
    }

    [Fact]
    public void ConvertTo_IntegerTensor_ThrowsInvalidOperation()
    {
        SafeTensor tensor = SafeTensor.Create<long>("positions", [2], [1L, 2L]);

        Assert.Throws<InvalidOperationException>(() => tensor.ConvertToArray<double>());
        Assert.Throws<InvalidOperationException>(() => tensor.ToArray<int>());
        Assert.Equal([1L, 2L], tensor.ToArray<long>());
    }

    [Fact]
    public void ConvertTo_WrongDestinationLength_ThrowsArgument()
    {
        SafeTensor tensor = SafeTensor.Create<float>("a", [2], [1f, 2f]);

        Assert.Throws<ArgumentException>(() => tensor.ConvertTo(new double[3]));
    }

    [Fact]
    public void Create_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>("a", [2, 2], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>("a", [-1], []));
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>(SafeTensors.MetadataKey, [1], [1f]));
        Assert.Throws<ArgumentException>(() => SafeTensor.Create<float>("a", [65536, 65536], [1f]));
        Assert.Throws<NotSupportedException>(() => SafeTensor.Create<short>("a", [1], [(short)1]));
        Assert.Throws<ArgumentNullException>(() => SafeTensor.Create<float>(null!, [1], [1f]));
    }

    [Fact]
    public void Write_DuplicateNames_ThrowsArgument()
    {
        SafeTensor a = SafeTensor.Create<float>("a", [1], [1f]);

        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([a, SafeTensor.Create<double>("a", [1], [1.0])]));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Serialize([a, null!]));
    }

    [Fact]
    public void Write_SuppliedChecksumKey_IsReplacedByTheRealOne()
    {
        var metadata = new Dictionary<string, string> { [SafeTensors.DataSha256Key] = "not a hash", [SafeTensors.FileSha256Key] = "nor this" };

        SafeTensorsDocument document = SafeTensors.Read(SafeTensors.Serialize([SafeTensor.Create<float>("a", [1], [1f])], metadata));

        Assert.Equal(SafeTensorsChecksum.WholeFile, document.Checksum);
        Assert.NotEqual("not a hash", document.Metadata[SafeTensors.DataSha256Key]);
        Assert.NotEqual("nor this", document.Metadata[SafeTensors.FileSha256Key]);
    }

    [Fact]
    public void Indexer_UnknownName_ThrowsKeyNotFound()
    {
        SafeTensorsDocument document = SafeTensors.Read(SafeTensorsTestFiles.WrittenSample());

        Assert.Throws<KeyNotFoundException>(() => document["missing"]);
        Assert.False(document.TryGetTensor("missing", out _));
        Assert.True(document.TryGetTensor("head.bias", out SafeTensor? tensor));
        Assert.Equal(SafeTensorDType.F64, tensor.DType);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Write_CharModelTensors_LoadIntoDoubleModelUnchanged(CellType cell)
    {
        var model = new CharModel<float>(cell, vocabularySize: 5, hiddenSize: 4, layerCount: 2);
        model.Initialize(Initialization.PyTorchUniform, seed: 11);
        using var directory = new TempDirectory();
        string path = directory.File("char.safetensors");

        SafeTensors.Write(path, model.Tensors.Select(tensor => SafeTensor.Create<float>(tensor.Name, [.. tensor.Shape], tensor.Values)));
        SafeTensorsDocument document = SafeTensors.Read(path);
        var loaded = new CharModel<double>(cell, vocabularySize: 5, hiddenSize: 4, layerCount: 2);
        foreach (ModelTensor<double> tensor in loaded.Tensors)
        {
            Assert.Equal(tensor.Shape, document[tensor.Name].Shape);
            document[tensor.Name].ConvertTo(tensor.Values);
        }

        Assert.Contains(document.Tensors, tensor => tensor.Name == "rnn.weight_ih_l0");
        Assert.Contains(document.Tensors, tensor => tensor.Name == "head.bias");
        for (int index = 0; index < model.Tensors.Count; index++)
        {
            double[] expected = [.. model.Tensors[index].Values.ToArray().Select(value => (double)value)];
            Assert.Equal(expected, loaded.Tensors[index].Values.ToArray());
        }
    }

    [Property(Arbitrary = [typeof(RandomTensorSets)], MaxTest = 300)]
    public void Serialize_RandomTensors_ReadBackBitExact(TensorSet set)
    {
        SafeTensor[] tensors = set.Tensors;
        var metadata = new Dictionary<string, string> { ["count"] = tensors.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        SafeTensorsDocument document = SafeTensors.Read(SafeTensors.Serialize(tensors, metadata));

        AssertSameTensors(tensors, document);
        Assert.Equal(metadata["count"], document.Metadata["count"]);
    }

    private static void AssertSameTensors(SafeTensor[] expected, SafeTensorsDocument document)
    {
        Assert.Equal(expected.Length, document.Tensors.Count);
        foreach (SafeTensor tensor in expected)
        {
            SafeTensor actual = document[tensor.Name];
            Assert.Equal(tensor.DType, actual.DType);
            Assert.Equal(tensor.Shape, actual.Shape);
            Assert.Equal(tensor.Count, actual.Count);
            Assert.Equal(tensor.Data.ToArray(), actual.Data.ToArray());   // bit-exact, NaN payloads and signed zeros included
        }
    }

    /// <summary>A stream that can only be read forwards, like a network or pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }
}

/// <summary>A generated set of tensors (the safetensors types are internal: a public test method takes this wrapper).</summary>
public sealed class TensorSet
{
    internal TensorSet(SafeTensor[] tensors) => Tensors = tensors;

    internal SafeTensor[] Tensors { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Tensors.Select(tensor => tensor.ToString()));
}

/// <summary>FsCheck generators of random tensor sets: 0–5 tensors of random dtype, rank 0–3, dimensions 0–4, raw random bits.</summary>
public static class RandomTensorSets
{
    /// <summary>Distinct names, any dtype, any bit patterns (so NaNs and infinities occur).</summary>
    public static Arbitrary<TensorSet> Sets() =>
        (from count in Gen.Choose(0, 5)
         from tensors in Gen.CollectToArray(Enumerable.Range(0, count), index => Tensor("t" + index + "_ü.weight"))
         select new TensorSet(tensors))
        .ToArbitrary();

    private static Gen<SafeTensor> Tensor(string name) =>
        from dtype in Gen.Elements(SafeTensorDType.F32, SafeTensorDType.F64, SafeTensorDType.I32, SafeTensorDType.I64)
        from shape in Gen.Choose(0, 3).SelectMany(rank => Gen.ArrayOf(Gen.Choose(0, 4), rank))
        from seed in Gen.Choose(0, int.MaxValue)
        select Build(name, dtype, shape, seed);

    private static SafeTensor Build(string name, SafeTensorDType dtype, int[] shape, int seed)
    {
        var random = new Random(seed);
        int count = shape.Aggregate(1, (product, dimension) => product * dimension);
        long[] bits = [.. Enumerable.Range(0, count).Select(_ => random.NextInt64(long.MinValue, long.MaxValue))];
        return dtype switch
        {
            SafeTensorDType.F32 => SafeTensor.Create<float>(name, shape, [.. bits.Select(value => BitConverter.Int32BitsToSingle((int)value))]),
            SafeTensorDType.F64 => SafeTensor.Create<double>(name, shape, [.. bits.Select(BitConverter.Int64BitsToDouble)]),
            SafeTensorDType.I32 => SafeTensor.Create<int>(name, shape, [.. bits.Select(value => (int)value)]),
            _ => SafeTensor.Create<long>(name, shape, bits),
        };
    }
}
