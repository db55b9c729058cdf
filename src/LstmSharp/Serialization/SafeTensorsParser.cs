using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;

namespace LstmSharp.Serialization;

/// <summary>
/// Parses and validates a whole safetensors file. Every rule of the format is checked before the bytes are trusted,
/// and every failure is an <see cref="InvalidDataException"/>: the header length against the file and the cap, UTF-8,
/// JSON syntax and depth, field types, duplicate names, dtypes, shape products (overflow-checked) against offsets, and
/// offsets that tile the data section exactly, without gaps, overlaps or trailing bytes.
/// </summary>
internal static class SafeTensorsParser
{
    private const int PrefixLength = sizeof(ulong);
    private const int MaxDepth = 16;            // root → tensor → shape is 3 deep; unknown fields may nest a little
    private const int MaxQuotedLength = 64;     // how much of a hostile name or value an error message repeats

    private static readonly JsonReaderOptions s_options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static SafeTensorsDocument Parse(ReadOnlyMemory<byte> file)
    {
        ReadOnlySpan<byte> bytes = file.Span;
        if (bytes.Length < PrefixLength)
        {
            throw Invalid($"The file is {bytes.Length} bytes, shorter than the 8-byte header length every safetensors file starts with.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > SafeTensors.MaxHeaderLength)
        {
            throw Invalid($"The header length is {headerLength} bytes, over the {SafeTensors.MaxHeaderLength}-byte limit.");
        }

        int available = bytes.Length - PrefixLength;
        if (headerLength > (ulong)available)
        {
            throw Invalid($"The header length is {headerLength} bytes, but only {available} bytes follow it: the file is truncated or the length is corrupt.");
        }

        int dataStart = PrefixLength + (int)headerLength;
        (List<TensorEntry> entries, Dictionary<string, string> metadata, int checksumAt) = ParseHeader(bytes.Slice(PrefixLength, (int)headerLength));
        ReadOnlyMemory<byte> data = file.Slice(dataStart);
        SafeTensor[] tensors = Layout(entries, data);
        SafeTensorsChecksum checksum = VerifyChecksums(metadata, bytes, checksumAt < 0 ? -1 : PrefixLength + checksumAt, data.Span);
        return new SafeTensorsDocument(tensors, metadata.AsReadOnly(), checksum);
    }

    /// <summary>The header's tensors and metadata, and where the whole-file checksum's digits start in it (−1 when it has none).</summary>
    private static (List<TensorEntry> Entries, Dictionary<string, string> Metadata, int ChecksumAt) ParseHeader(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty || header[0] != (byte)'{')
        {
            throw Invalid("The header does not start with '{', so it is not a safetensors JSON header.");
        }

        if (!Utf8.IsValid(header))
        {
            throw Invalid("The header is not valid UTF-8.");
        }

        try
        {
            var reader = new Utf8JsonReader(header, s_options);
            var entries = new List<TensorEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            int checksumAt = -1;
            Next(ref reader);
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (name == SafeTensors.MetadataKey)
                {
                    if (metadata is not null)
                    {
                        throw Invalid($"The header has two '{SafeTensors.MetadataKey}' entries.");
                    }

                    metadata = ReadMetadata(ref reader, out checksumAt);
                }
                else
                {
                    if (!names.Add(name))
                    {
                        throw Invalid($"The header names tensor {Quote(name)} twice.");
                    }

                    entries.Add(ReadTensor(ref reader, name));
                }
            }

            if (reader.Read())
            {
                throw Invalid("The header has content after its JSON object.");
            }

            return (entries, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal), checksumAt);
        }
        catch (JsonException exception)
        {
            throw Invalid($"The header is not valid JSON: {exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // GetString on an escaped lone surrogate, which is valid JSON but not a valid string.
            throw Invalid($"The header holds a string that cannot be decoded: {exception.Message}", exception);
        }
    }

    private static Dictionary<string, string> ReadMetadata(ref Utf8JsonReader reader, out int checksumAt)
    {
        checksumAt = -1;
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid($"'{SafeTensors.MetadataKey}' is not a JSON object of strings.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return metadata;
            }

            string key = reader.GetString()!;
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Invalid($"Metadata value {Quote(key)} is a JSON {reader.TokenType}, but metadata values must be strings.");
            }

            if (key == SafeTensors.FileSha256Key)
            {
                // Verified against the raw bytes, so the digits must be exactly as the writer wrote them.
                if (reader.ValueIsEscaped || !FileChecksum.IsWellFormed(reader.ValueSpan))
                {
                    throw Invalid($"The header's checksum '{SafeTensors.FileSha256Key}' is not 64 lowercase hex digits: the header is corrupt.");
                }

                checksumAt = checked((int)reader.TokenStartIndex + 1);   // after the opening quote
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid($"Metadata key {Quote(key)} appears twice.");
            }
        }
    }

    private static TensorEntry ReadTensor(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid($"The entry of tensor {Quote(name)} is a JSON {reader.TokenType}, not an object.");
        }

        string? dtypeName = null;
        int[]? shape = null;
        (ulong Begin, ulong End)? offsets = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    RejectDuplicate(dtypeName is not null, name, field);
                    Next(ref reader);
                    dtypeName = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw Invalid($"The dtype of tensor {Quote(name)} is a JSON {reader.TokenType}, not a string.");
                    break;
                case "shape":
                    RejectDuplicate(shape is not null, name, field);
                    shape = ReadShape(ref reader, name);
                    break;
                case "data_offsets":
                    RejectDuplicate(offsets is not null, name, field);
                    offsets = ReadOffsets(ref reader, name);
                    break;
                default:
                    reader.Skip();   // the reference reader ignores unknown fields too
                    break;
            }
        }

        if (dtypeName is null || shape is null || offsets is null)
        {
            string missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Invalid($"Tensor {Quote(name)} has no '{missing}'.");
        }

        if (!DTypeInfo.TryParse(dtypeName, out SafeTensorDType dtype))
        {
            throw Invalid(DTypeInfo.IsOtherSpecDType(dtypeName)
                ? $"Tensor {Quote(name)} has dtype {dtypeName}, which LstmSharp does not read (it reads F32, F64, I32 and I64)."
                : $"Tensor {Quote(name)} has unknown dtype {Quote(dtypeName)}.");
        }

        return new TensorEntry(name, dtype, shape, offsets.Value.Begin, offsets.Value.End);
    }

    private static int[] ReadShape(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid($"The shape of tensor {Quote(name)} is a JSON {reader.TokenType}, not an array.");
        }

        var shape = new List<int>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return [.. shape];
            }

            ulong dimension = ReadUnsigned(ref reader, $"A dimension of tensor {Quote(name)}");
            if (dimension > int.MaxValue)
            {
                throw Invalid($"Tensor {Quote(name)} has dimension {dimension}, over the supported {int.MaxValue}.");
            }

            shape.Add((int)dimension);
        }
    }

    private static (ulong Begin, ulong End) ReadOffsets(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid($"The data_offsets of tensor {Quote(name)} are a JSON {reader.TokenType}, not an array.");
        }

        Next(ref reader);
        ulong begin = ReadUnsigned(ref reader, $"The begin offset of tensor {Quote(name)}");
        Next(ref reader);
        ulong end = ReadUnsigned(ref reader, $"The end offset of tensor {Quote(name)}");
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw Invalid($"The data_offsets of tensor {Quote(name)} have more than two entries.");
        }

        return (begin, end);
    }

    private static ulong ReadUnsigned(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
        {
            throw Invalid($"{what} is not a non-negative integer (found a JSON {reader.TokenType}).");
        }

        return value;
    }

    /// <summary>Checks each tensor's offsets against its dtype and shape, and that the tensors tile the data section exactly.</summary>
    private static SafeTensor[] Layout(List<TensorEntry> entries, ReadOnlyMemory<byte> data)
    {
        ulong dataLength = (ulong)data.Length;
        foreach (TensorEntry entry in entries)
        {
            if (entry.Begin > entry.End)
            {
                throw Invalid($"Tensor {Quote(entry.Name)} has data_offsets [{entry.Begin}, {entry.End}] that end before they begin.");
            }

            if (entry.End > dataLength)
            {
                throw Invalid($"Tensor {Quote(entry.Name)} has data_offsets [{entry.Begin}, {entry.End}] past the end of the {dataLength}-byte data section: the file is truncated or the header is corrupt.");
            }

            ulong expected = ByteLength(entry);
            if (entry.End - entry.Begin != expected)
            {
                throw Invalid($"Tensor {Quote(entry.Name)} is {DTypeInfo.Name(entry.DType)} [{string.Join(", ", entry.Shape)}], {expected} bytes, but its data_offsets [{entry.Begin}, {entry.End}] span {entry.End - entry.Begin}.");
            }
        }

        TensorEntry[] sorted = [.. entries.OrderBy(entry => entry.Begin).ThenBy(entry => entry.End)];
        var tensors = new SafeTensor[sorted.Length];
        ulong position = 0;
        for (int index = 0; index < sorted.Length; index++)
        {
            TensorEntry entry = sorted[index];
            if (entry.Begin != position)
            {
                throw Invalid(entry.Begin > position
                    ? $"The data section has a gap of {entry.Begin - position} bytes before tensor {Quote(entry.Name)}; tensors must lie back to back."
                    : $"Tensor {Quote(entry.Name)} at [{entry.Begin}, {entry.End}] overlaps the tensor before it, which ends at {position}.");
            }

            int length = (int)(entry.End - entry.Begin);
            int count = length / DTypeInfo.Size(entry.DType);
            tensors[index] = new SafeTensor(entry.Name, entry.DType, entry.Shape, count, data.Slice((int)entry.Begin, length));
            position = entry.End;
        }

        if (position != dataLength)
        {
            throw Invalid($"The data section has {dataLength - position} trailing bytes after the last tensor, which ends at {position}.");
        }

        return tensors;
    }

    /// <summary>Product of the shape times the element size, overflow-checked.</summary>
    private static ulong ByteLength(TensorEntry entry)
    {
        ulong product = (ulong)DTypeInfo.Size(entry.DType);
        foreach (int dimension in entry.Shape)
        {
            if (dimension != 0 && product > ulong.MaxValue / (ulong)dimension)
            {
                throw Invalid($"The shape [{string.Join(", ", entry.Shape)}] of tensor {Quote(entry.Name)} overflows 64 bits.");
            }

            product *= (ulong)dimension;
        }

        return product;
    }

    /// <summary>
    /// Checks the data checksum and then the whole-file one, when present: a data mismatch names the tensor bytes, a
    /// file mismatch with intact data names the header.
    /// </summary>
    private static SafeTensorsChecksum VerifyChecksums(Dictionary<string, string> metadata, ReadOnlySpan<byte> file, int fileChecksumAt, ReadOnlySpan<byte> data)
    {
        bool hasData = metadata.TryGetValue(SafeTensors.DataSha256Key, out string? storedData);
        if (hasData)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(data));
            if (!string.Equals(storedData, actual, StringComparison.Ordinal))
            {
                throw Invalid($"The tensor data fails its checksum: its SHA-256 is {actual}, but the header's '{SafeTensors.DataSha256Key}' is {Quote(storedData!)}, so the tensor bytes (or the header's record of them) are corrupt.");
            }
        }

        if (fileChecksumAt < 0)
        {
            return hasData ? SafeTensorsChecksum.DataOnly : SafeTensorsChecksum.None;
        }

        string stored = metadata[SafeTensors.FileSha256Key];
        string computed = FileChecksum.Compute(file, fileChecksumAt);
        if (!string.Equals(stored, computed, StringComparison.Ordinal))
        {
            throw Invalid(hasData
                ? $"The header fails the whole-file checksum: the file's SHA-256 is {computed}, but the header's '{SafeTensors.FileSha256Key}' is {stored}, and the tensor data matches its own checksum, so the header (its metadata, tensor table or length) is corrupt."
                : $"The file fails its checksum: its SHA-256 is {computed}, but the header's '{SafeTensors.FileSha256Key}' is {stored}, so the file is corrupt.");
        }

        return SafeTensorsChecksum.WholeFile;
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Invalid("The header ends in the middle of its JSON object.");
        }
    }

    private static void RejectDuplicate(bool seen, string name, string field)
    {
        if (seen)
        {
            throw Invalid($"Tensor {Quote(name)} has '{field}' twice.");
        }
    }

    private static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? $"'{text}'" : $"'{text[..MaxQuotedLength]}…' ({text.Length} characters)";

    private static InvalidDataException Invalid(string message, Exception? inner = null) => new(message, inner);

    private readonly record struct TensorEntry(string Name, SafeTensorDType DType, int[] Shape, ulong Begin, ulong End);
}
