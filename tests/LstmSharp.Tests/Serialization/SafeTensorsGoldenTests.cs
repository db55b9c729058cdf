using System.Buffers.Binary;
using System.Text;
using LstmSharp.Serialization;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>Byte-exact files built by hand from the specification: 8-byte little-endian N, N bytes of JSON, then the data.</summary>
public sealed class SafeTensorsGoldenTests
{
    // SHA-256 of the 8 data bytes 00 00 80 3F 00 00 00 40 (float32 1.0, 2.0), computed independently with Python's hashlib.
    private const string OneTwoSha256 = "b9c80b5adeca450753a16950c3cc655d271f7bef7a485bc83f112b72fef21d37";

    // SHA-256 of each whole file below with the lstmsharp.sha256 value's 64 digits read as '0', also from hashlib.
    private const string OneTwoFileSha256 = "bf227baec1ac2a5f0bc96055b01613a6ff510eeddfa8216796772deb2341e193";
    private const string F64AndF32FileSha256 = "2e9193139d7302860afc839d33af0b16c10b700f88db3f29e22129706d068df6";

    [Fact]
    public void Serialize_OneF32Tensor_MatchesHandBuiltBytes()
    {
        // 248 bytes of JSON (0xF8), 8-aligned already; the whole-file checksum comes first.
        const string Json = "{\"__metadata__\":{\"lstmsharp.sha256\":\"" + OneTwoFileSha256 + "\",\"lstmsharp.data_sha256\":\"" + OneTwoSha256 + "\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] expected =
        [
            0xF8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            .. Encoding.ASCII.GetBytes(Json),
            0x00, 0x00, 0x80, 0x3F,   // 1.0f
            0x00, 0x00, 0x00, 0x40,   // 2.0f
        ];

        byte[] actual = SafeTensors.Serialize([SafeTensor.Create<float>("a", [2], [1.0f, 2.0f])]);

        Assert.Equal(248, Json.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Serialize_F64AndF32_PutsEightByteElementsFirst()
    {
        // "b" (F64) precedes "a" (F32) as in the reference writer, so both are aligned; 302 bytes, padded with 2 spaces to 304.
        const string Json = "{\"__metadata__\":{\"lstmsharp.sha256\":\"" + F64AndF32FileSha256 + "\",\"lstmsharp.data_sha256\":\"181449f5a274edc7db77232c266842e4a2734f58fb4eff83dd23f7a30ca366d1\"},"
            + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        byte[] expected =
        [
            0x30, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            .. Encoding.ASCII.GetBytes(Json + "  "),
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,   // 1.0
            0x00, 0x00, 0x00, 0x40,                           // 2.0f
        ];

        byte[] actual = SafeTensors.Serialize([SafeTensor.Create<float>("a", [1], [2.0f]), SafeTensor.Create<double>("b", [1], [1.0])]);

        Assert.Equal(302, Json.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Read_ReferenceDocumentationExample_ReturnsI32Zeros()
    {
        // The example file of the reference implementation's documentation: N = 0x3C = 60, a 2×2 I32 tensor, 16 zero bytes.
        byte[] file =
        [
            0x3C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            .. "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8,
            .. new byte[16],
        ];

        SafeTensorsDocument document = SafeTensors.Read(file);

        SafeTensor tensor = Assert.Single(document.Tensors);
        Assert.Equal("test", tensor.Name);
        Assert.Equal(SafeTensorDType.I32, tensor.DType);
        Assert.Equal([2, 2], tensor.Shape);
        Assert.Equal(new int[4], tensor.ToArray<int>());
        Assert.Empty(document.Metadata);
        Assert.False(document.IsChecksumVerified);
    }

    [Fact]
    public void Read_HandBuiltF32File_ReturnsOneAndTwo()
    {
        byte[] file =
        [
            0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // N = 56
            .. "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  "u8,
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40,
        ];

        SafeTensorsDocument document = SafeTensors.Read(file);

        Assert.Equal([1.0f, 2.0f], document["a"].ToArray<float>());
        Assert.Equal([1.0, 2.0], document["a"].ConvertToArray<double>());
    }

    [Fact]
    public void Read_WriterOutput_HeaderStartsWithBraceAndDataIsEightAligned()
    {
        byte[] file = SafeTensorsTestFiles.WrittenSample();
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);

        Assert.Equal((byte)'{', file[8]);
        Assert.Equal(0UL, headerLength % 8);
        Assert.True(SafeTensors.Read(file).IsChecksumVerified);
    }
}
