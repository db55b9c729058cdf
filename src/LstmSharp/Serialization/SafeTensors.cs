namespace LstmSharp.Serialization;

/// <summary>
/// Reads and writes the safetensors format that PyTorch users load with <c>safetensors.torch.load_file</c>:
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON naming each tensor's dtype, shape and
/// <c>data_offsets</c> (plus an optional <c>__metadata__</c> map of strings), then the tensors' bytes, row-major,
/// little-endian, back to back.
/// </summary>
/// <remarks>
/// Writes replace the target file atomically and store two SHA-256s in the metadata: one of the whole file under
/// <see cref="FileSha256Key"/> (so a change to any byte, metadata included, is caught) and one of the data under
/// <see cref="DataSha256Key"/> (so a mismatch can say whether the header or the tensors are damaged). Reads check
/// every structural rule of the format before trusting it, verify the checksums present, and turn any corrupt,
/// truncated or hostile input into an <see cref="InvalidDataException"/> that says what is wrong.
/// </remarks>
internal static class SafeTensors
{
    /// <summary>The reserved header key of the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The metadata key under which the writer stores the lowercase hex SHA-256 of the whole data section (every byte
    /// after the header). The reader verifies it when present.
    /// </summary>
    public const string DataSha256Key = "lstmsharp.data_sha256";

    /// <summary>
    /// The metadata key under which the writer stores the lowercase hex SHA-256 of the whole file: the length prefix,
    /// the header (all metadata, the tensor table and the padding) and the data, with this value's own 64 digits read
    /// as '0'. The reader verifies it when present.
    /// </summary>
    public const string FileSha256Key = "lstmsharp.sha256";

    /// <summary>The largest header accepted, in bytes: 100,000,000, the reference implementation's limit.</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically: the bytes go to a uniquely named temporary
    /// file in the same directory, are flushed to disk, and then the temporary file replaces <paramref name="path"/>. If
    /// anything fails, the temporary file is deleted and any previous file at <paramref name="path"/> is left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors, with distinct names. They are stored largest element size first, then by ordinal name, so every tensor is naturally aligned.</param>
    /// <param name="metadata">Optional string metadata. <see cref="FileSha256Key"/> and <see cref="DataSha256Key"/> are always set by the writer, replacing any values given.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="tensors"/> is null, or holds a null.</exception>
    /// <exception cref="ArgumentException">Two tensors share a name, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    /// <exception cref="IOException">The file system failed; the previous file is intact.</exception>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        EncodedFile file = EncodedFile.Create(tensors, metadata);
        AtomicFile.Write(path, file.WriteTo);
    }

    /// <summary>Writes <paramref name="tensors"/> in safetensors format to <paramref name="stream"/> at its current position (not atomic).</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="tensors">The tensors, with distinct names; stored largest element size first, then by ordinal name.</param>
    /// <param name="metadata">Optional string metadata; <see cref="FileSha256Key"/> and <see cref="DataSha256Key"/> are always set by the writer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="tensors"/> is null, or holds a null.</exception>
    /// <exception cref="ArgumentException">Two tensors share a name, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    public static void Write(Stream stream, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EncodedFile.Create(tensors, metadata).WriteTo(stream);
    }

    /// <summary>Encodes <paramref name="tensors"/> as the bytes of a safetensors file.</summary>
    /// <param name="tensors">The tensors, with distinct names; stored largest element size first, then by ordinal name.</param>
    /// <param name="metadata">Optional string metadata; <see cref="FileSha256Key"/> and <see cref="DataSha256Key"/> are always set by the writer.</param>
    /// <returns>The whole file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/> is null or holds a null.</exception>
    /// <exception cref="ArgumentException">Two tensors share a name, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    public static byte[] Serialize(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        EncodedFile file = EncodedFile.Create(tensors, metadata);
        using var stream = new MemoryStream(checked((int)file.Length));
        file.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The metadata and tensors.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, not safetensors, over 2 GiB, uses a dtype other than F32/F64/I32/I64, or fails its checksum.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream);
    }

    /// <summary>Reads and validates a safetensors file from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">The source.</param>
    /// <returns>The metadata and tensors.</returns>
    /// <exception cref="InvalidDataException">The bytes are corrupt, truncated, not safetensors, over 2 GiB, use an unsupported dtype, or fail their checksum.</exception>
    public static SafeTensorsDocument Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return SafeTensorsParser.Parse(copy.ToArray());
        }

        long remaining = stream.Length - stream.Position;
        if (remaining > Array.MaxLength)
        {
            throw new InvalidDataException($"The file has {remaining} bytes; LstmSharp reads safetensors files of at most {Array.MaxLength} bytes.");
        }

        // Sized by the bytes actually present, never by what the header claims.
        byte[] bytes = new byte[remaining];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("The file ended before its reported length was read.", exception);
        }

        return SafeTensorsParser.Parse(bytes);
    }

    /// <summary>Reads and validates a safetensors file held in memory. The tensors view <paramref name="bytes"/> without copying, so leave it unchanged afterwards.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>The metadata and tensors.</returns>
    /// <exception cref="InvalidDataException">The bytes are corrupt, truncated, not safetensors, use an unsupported dtype, or fail their checksum.</exception>
    public static SafeTensorsDocument Read(ReadOnlyMemory<byte> bytes) => SafeTensorsParser.Parse(bytes);
}
