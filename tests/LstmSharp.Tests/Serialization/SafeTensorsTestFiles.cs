using System.Buffers.Binary;
using System.Text;
using LstmSharp.Serialization;

namespace LstmSharp.Tests.Serialization;

/// <summary>Builds safetensors files by hand and by the writer, and loads them the way the fuzz tests demand.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>An 8-byte little-endian length, the header text as UTF-8, then the data: the layout straight from the spec.</summary>
    public static byte[] Build(string header, ReadOnlySpan<byte> data, ulong? headerLength = null)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        return Build(headerBytes, data, headerLength);
    }

    /// <summary>As <see cref="Build(string, ReadOnlySpan{byte}, ulong?)"/> from raw header bytes (which may be invalid UTF-8).</summary>
    public static byte[] Build(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong? headerLength = null)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)header.Length);
        header.CopyTo(file.AsSpan(8));
        data.CopyTo(file.AsSpan(8 + header.Length));
        return file;
    }

    /// <summary>One tensor of each dtype, with awkward values: NaN, signed zeros, infinities, subnormals, extremes.</summary>
    public static SafeTensor[] SampleTensors() =>
    [
        SafeTensor.Create<float>("rnn.weight_ih_l0", [2, 3], [1.5f, -0.0f, float.NaN, float.PositiveInfinity, float.Epsilon, float.MaxValue]),
        SafeTensor.Create<double>("head.bias", [3], [Math.PI, double.NegativeInfinity, -double.Epsilon]),
        SafeTensor.Create<long>("stream.positions", [2, 2], [0L, long.MaxValue, long.MinValue, -7L]),
        SafeTensor.Create<int>("vocabulary.ids", [4], [int.MinValue, -1, 0, int.MaxValue]),
    ];

    /// <summary>A small file from the writer: four tensors, metadata, checksum.</summary>
    public static byte[] WrittenSample() =>
        SafeTensors.Serialize(SampleTensors(), new Dictionary<string, string> { ["format"] = "pt", ["lstmsharp.cell"] = "lstm" });

    /// <summary>
    /// Reads <paramref name="file"/>; a success is checked for internal consistency and every tensor's data is read out.
    /// Returns whether it loaded. Any exception other than <see cref="InvalidDataException"/> escapes and fails the test.
    /// </summary>
    public static bool LoadsOrThrowsInvalidData(byte[] file)
    {
        SafeTensorsDocument document;
        try
        {
            document = SafeTensors.Read(file);
        }
        catch (InvalidDataException exception)
        {
            if (string.IsNullOrWhiteSpace(exception.Message))
            {
                throw new InvalidOperationException("An InvalidDataException must say what is wrong.", exception);
            }

            return false;
        }

        foreach (SafeTensor tensor in document.Tensors)
        {
            long product = tensor.Shape.Aggregate(1L, (count, dimension) => count * dimension);
            int size = tensor.DType is SafeTensorDType.F64 or SafeTensorDType.I64 ? 8 : 4;
            if (product != tensor.Count || tensor.Data.Length != tensor.Count * size || document[tensor.Name] != tensor)
            {
                throw new InvalidOperationException($"Inconsistent tensor {tensor} after a successful load.");
            }

            switch (tensor.DType)
            {
                case SafeTensorDType.F32 or SafeTensorDType.F64:
                    _ = tensor.ConvertToArray<float>();
                    _ = tensor.ConvertToArray<double>();
                    break;
                case SafeTensorDType.I32:
                    _ = tensor.ToArray<int>();
                    break;
                default:
                    _ = tensor.ToArray<long>();
                    break;
            }
        }

        return true;
    }
}
