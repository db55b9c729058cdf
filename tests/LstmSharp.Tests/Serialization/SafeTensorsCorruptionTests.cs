using System.Buffers.Binary;
using System.Text;
using LstmSharp.Serialization;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>Every corrupt, truncated or hostile file is an <see cref="InvalidDataException"/> that says what is wrong.</summary>
public sealed class SafeTensorsCorruptionTests
{
    private static readonly byte[] s_eightZeros = new byte[8];

    [Fact]
    public void Read_TruncatedAtEveryByte_ThrowsInvalidData()
    {
        byte[] file = SafeTensorsTestFiles.WrittenSample();

        for (int length = 0; length < file.Length; length++)
        {
            InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file.AsMemory(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        }
    }

    [Fact]
    public void Read_TruncatedFileOnDisk_ThrowsInvalidData()
    {
        byte[] file = SafeTensorsTestFiles.WrittenSample();
        using var directory = new TempDirectory();
        string path = directory.File("cut.safetensors");
        File.WriteAllBytes(path, file[..^1]);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));

        Assert.Contains("past the end", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingByte_ThrowsInvalidData()
    {
        byte[] file = [.. SafeTensorsTestFiles.WrittenSample(), 0];

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));

        Assert.Contains("trailing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlippedDataBit_FailsChecksum()
    {
        byte[] file = SafeTensorsTestFiles.WrittenSample();
        file[^3] ^= 0x10;

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));

        Assert.Contains("SHA-256", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ulong.MaxValue, "limit")]
    [InlineData(100_000_001UL, "limit")]
    [InlineData(99_999_999UL, "only")]
    [InlineData(0UL, "does not start")]
    public void Read_HostileHeaderLength_ThrowsBeforeAllocating(ulong headerLength, string expected)
    {
        byte[] file = SafeTensorsTestFiles.Build("{}", [], headerLength);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"X32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unknown dtype")]
    [InlineData("{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", "does not read")]
    [InlineData("{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", "not a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", "twice")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "twice")]
    [InlineData("{\"__metadata__\":{},\"__metadata__\":{},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "two")]
    [InlineData("{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "appears twice")]
    [InlineData("{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "must be strings")]
    [InlineData("{\"__metadata__\":{\"k\":null},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "must be strings")]
    [InlineData("{\"__metadata__\":[\"k\"],\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "not a JSON object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", "not an array")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,8]}}", "over the supported")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647,0],\"data_offsets\":[0,8]}}", "overflows")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "span 8")]
    [InlineData("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", "span 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "past the end")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[18446744073709551615,8]}}", "end before they begin")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", "more than two")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "overlaps")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "trailing")]
    [InlineData("{}", "trailing")]
    [InlineData("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "no 'dtype'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", "no 'shape'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", "no 'data_offsets'")]
    [InlineData("{\"a\":\"F32\"}", "not an object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}}", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}{}", "not valid JSON")]
    [InlineData("{/*c*/\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "not valid JSON")]
    [InlineData("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "cannot be decoded")]
    [InlineData("[{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}]", "does not start")]
    [InlineData(" {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "does not start")]
    [InlineData("\uFEFF{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "does not start")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}}", "not valid JSON")]
    public void Read_HostileHeader_ThrowsInvalidDataSayingWhy(string header, string expected)
    {
        byte[] file = SafeTensorsTestFiles.Build(header, s_eightZeros);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderNotUtf8_ThrowsInvalidData()
    {
        byte[] header = [.. "{\"a"u8, 0xFF, 0xFE, .. "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"u8];

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(SafeTensorsTestFiles.Build(header, s_eightZeros)));

        Assert.Contains("UTF-8", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeTensorName_MessageQuotesOnlyItsStart()
    {
        string name = new('n', 100_000);
        byte[] file = SafeTensorsTestFiles.Build("{\"" + name + "\":{\"dtype\":\"Q\",\"shape\":[2],\"data_offsets\":[0,8]}}", s_eightZeros);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));

        Assert.True(exception.Message.Length < 300, exception.Message);
    }

    [Fact]
    public void Read_ChecksumNotHex_ThrowsInvalidData()
    {
        string header = "{\"__metadata__\":{\"" + SafeTensors.DataSha256Key + "\":\"zz\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(SafeTensorsTestFiles.Build(header, s_eightZeros)));
    }

    [Theory]
    [InlineData("{\"a\":{\"data_offsets\":[0,8],\"shape\":[2],\"dtype\":\"F32\"}}")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"future\":{\"x\":[1,2]}}}")]
    [InlineData("{\"__metadata__\":{},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}        ")]
    [InlineData("{ \"a\" : { \"dtype\" : \"F32\" , \"shape\" : [ 2 ] , \"data_offsets\" : [ 0 , 8 ] } }\n")]
    [InlineData("{\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}")]
    public void Read_UnusualButValidHeader_Loads(string header)
    {
        SafeTensorsDocument document = SafeTensors.Read(SafeTensorsTestFiles.Build(header, s_eightZeros));

        Assert.Equal(8, document.Tensors.Sum(tensor => tensor.Data.Length));
    }

    [Fact]
    public void Read_HeaderLengthFieldIsLittleEndian_BigEndianLengthRejected()
    {
        byte[] file = SafeTensorsTestFiles.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", s_eightZeros);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        BinaryPrimitives.WriteUInt64BigEndian(file, length);

        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"), (int)length);
    }
}
