using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LstmSharp.Serialization;

/// <summary>A safetensors file ready to write: the padded JSON header and the tensors in data order.</summary>
internal sealed class EncodedFile
{
    private delegate void ByteSink(ReadOnlySpan<byte> bytes);

    private const int Alignment = 8;

    private readonly byte[] _header;         // (N): JSON, space-padded so that 8 + N is a multiple of 8
    private readonly SafeTensor[] _tensors;  // data order
    private readonly long _dataLength;

    private EncodedFile(byte[] header, SafeTensor[] tensors, long dataLength)
    {
        _header = header;
        _tensors = tensors;
        _dataLength = dataLength;
    }

    /// <summary>The length of the whole file in bytes.</summary>
    public long Length => sizeof(ulong) + _header.Length + _dataLength;

    /// <summary>Validates the tensors and metadata, orders the tensors and builds the header with offsets and checksum.</summary>
    public static EncodedFile Create(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensor[] ordered = [.. tensors];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensor? tensor in ordered)
        {
            if (tensor is null)
            {
                ThrowHelper.ThrowNull(nameof(tensors), "The tensors include a null.");
            }

            if (!names.Add(tensor.Name))
            {
                ThrowHelper.ThrowArgument($"Two tensors are named '{tensor.Name}'.", nameof(tensors));
            }
        }

        // Largest elements first, as the reference writer does: with an 8-aligned data start, every tensor is then aligned.
        ordered = [.. ordered.OrderByDescending(tensor => DTypeInfo.Size(tensor.DType)).ThenBy(tensor => tensor.Name, StringComparer.Ordinal)];

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long dataLength = 0;
        foreach (SafeTensor tensor in ordered)
        {
            hash.AppendData(tensor.Data.Span);
            dataLength = checked(dataLength + tensor.Data.Length);
        }

        var allMetadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach ((string key, string value) in metadata)
            {
                if (value is null)
                {
                    ThrowHelper.ThrowNull(nameof(metadata), $"Metadata key '{key}' has a null value.");
                }

                allMetadata[key] = value;
            }
        }

        allMetadata[SafeTensors.DataSha256Key] = Convert.ToHexStringLower(hash.GetHashAndReset());
        allMetadata.Remove(SafeTensors.FileSha256Key);   // written first, by EncodeHeader, as a placeholder
        (byte[] header, int checksumAt) = EncodeHeader(ordered, allMetadata);
        if (header.Length > SafeTensors.MaxHeaderLength)
        {
            ThrowHelper.ThrowArgument($"The header would be {header.Length} bytes, over the {SafeTensors.MaxHeaderLength}-byte limit readers enforce.", nameof(metadata));
        }

        // The whole-file checksum: the bytes WriteTo emits, the checksum's own digits still zeros, then put in place.
        var file = new EncodedFile(header, ordered, dataLength);
        file.Emit(hash.AppendData);
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash.GetHashAndReset()), header.AsSpan(checksumAt, FileChecksum.HexLength));
        return file;
    }

    /// <summary>Writes the length prefix, the header and the data.</summary>
    public void WriteTo(Stream stream)
    {
        Emit(stream.Write);
        stream.Flush();
    }

    /// <summary>Hands the file's bytes, in order, to <paramref name="sink"/>.</summary>
    private void Emit(ByteSink sink)
    {
        Span<byte> prefix = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)_header.Length);
        sink(prefix);
        sink(_header);
        foreach (SafeTensor tensor in _tensors)
        {
            sink(tensor.Data.Span);
        }
    }

    /// <summary>The padded header, and where in it the whole-file checksum's placeholder digits start.</summary>
    private static (byte[] Header, int ChecksumAt) EncodeHeader(SafeTensor[] ordered, SortedDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        int checksumAt;
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(SafeTensors.MetadataKey);
            writer.WritePropertyName(SafeTensors.FileSha256Key);
            writer.Flush();
            checksumAt = buffer.WrittenCount + 1;   // after the value's opening quote
            writer.WriteStringValue(FileChecksum.Placeholder);
            foreach ((string key, string value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            long offset = 0;
            foreach (SafeTensor tensor in ordered)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", DTypeInfo.Name(tensor.DType));
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Data.Length;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + Alignment - 1) / Alignment * Alignment;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return (header, checksumAt);
    }
}
