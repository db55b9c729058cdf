using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace LstmSharp.Text;

/// <summary>
/// A training text encoded once as character ids, with its <see cref="Text.Vocabulary"/>. Files are read as strict
/// UTF-8 in two streaming passes (one to validate and collect the characters, one to encode), never as a string, and
/// the ids are held compactly (one byte each when V ≤ 256, two when V ≤ 65,536), so memory is
/// close to the encoded size: about N bytes for a byte-vocabulary text of N characters, plus small fixed tables.
/// </summary>
public sealed class Corpus
{
    private const int ChunkSize = 1 << 16;
    private const int ScalarCount = 0x110000;

    private readonly Array _compact;   // byte[], ushort[] or int[] by the vocabulary's size
    private int[]? _ids;                // the 4-byte form, made on first use of Ids

    private Corpus(Vocabulary vocabulary, Array compact, string sha256)
    {
        Vocabulary = vocabulary;
        _compact = compact;
        _ids = compact as int[];
        Sha256 = sha256;
    }

    /// <summary>Bytes per stored id: 1 when V ≤ 256, 2 when V ≤ 65,536, else 4.</summary>
    internal int BytesPerId => _compact switch
    {
        byte[] => 1,
        ushort[] => 2,
        _ => 4,
    };

    /// <summary>The id of the character at <paramref name="position"/>.</summary>
    /// <param name="position">0 ≤ position &lt; <see cref="Length"/>.</param>
    /// <returns>The id.</returns>
    public int this[int position] => _compact switch
    {
        byte[] bytes => bytes[position],
        ushort[] shorts => shorts[position],
        _ => ((int[])_compact)[position],
    };

    /// <summary>
    /// The SHA-256 of the text as read, in lowercase hex: of the files' bytes concatenated (what <c>cat FILES | sha256sum</c>
    /// prints), or of a string's UTF-8 encoding. A checkpoint records it to recognise its corpus.
    /// </summary>
    public string Sha256 { get; }

    /// <summary>The characters of the corpus.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>
    /// (N): the corpus as 4-byte character ids. Made from the compact form on first use and kept, so it costs 4N bytes
    /// more for a vocabulary of up to 65,536 characters: <see cref="Training.Trainer"/>'s <c>Train(Corpus)</c> overloads and
    /// the indexer read the compact form and never make it.
    /// </summary>
    public int[] Ids => _ids ??= Widen();

    /// <summary>N: the number of characters.</summary>
    public int Length => _compact.Length;

    /// <summary>The stored ids, when they are held as <typeparamref name="TId"/> (<see cref="BytesPerId"/> says which).</summary>
    internal ReadOnlyMemory<TId> CompactIds<TId>() where TId : unmanaged => (TId[])_compact;

    /// <summary>The length of the training part for <paramref name="validationFraction"/> (see <see cref="Split"/>).</summary>
    internal int TrainingLength(double validationFraction)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(validationFraction, "The validation fraction must be in [0, 1).");

        return Length - (int)(Length * validationFraction);
    }

    private int[] Widen()
    {
        var ids = new int[Length];
        for (int position = 0; position < ids.Length; position++)
        {
            ids[position] = this[position];
        }

        return ids;
    }

    /// <summary>An id array of the compact width for <paramref name="vocabularySize"/> characters.</summary>
    private static Array Allocate(int vocabularySize, long length) => vocabularySize switch
    {
        <= 256 => new byte[length],
        <= 65536 => new ushort[length],
        _ => new int[length],
    };

    private static void Store(Array ids, int position, int id)
    {
        switch (ids)
        {
            case byte[] bytes:
                bytes[position] = (byte)id;
                break;
            case ushort[] shorts:
                shorts[position] = (ushort)id;
                break;
            default:
                ((int[])ids)[position] = id;
                break;
        }
    }

    /// <summary>Encodes a text, with a vocabulary built from it unless one is given.</summary>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">An existing vocabulary (a model's), or <see langword="null"/> to build one from the text.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="ArgumentException">The text is empty, or holds a character the given vocabulary lacks (named, with its position).</exception>
    public static Corpus FromText(string text, Vocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        vocabulary ??= Vocabulary.FromText(text);
        int[] encoded = vocabulary.Encode(text);
        Array ids = Allocate(vocabulary.Count, encoded.Length);
        for (int position = 0; position < encoded.Length; position++)
        {
            Store(ids, position, encoded[position]);
        }

        return new Corpus(vocabulary, ids, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
    }

    /// <summary>
    /// Reads a UTF-8 text file exactly as it is: a leading byte-order mark is skipped, line endings are kept (CRLF is
    /// two characters), and nothing is normalised.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="vocabulary">An existing vocabulary (a model's), or <see langword="null"/> to build one from the file.</param>
    /// <param name="replaceInvalidUtf8">
    /// Decode each invalid UTF-8 sequence as U+FFFD instead of rejecting the file. Off by default, because a file that
    /// is not UTF-8 is usually not text at all.
    /// </param>
    /// <returns>The corpus.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is empty, is not UTF-8 text (invalid UTF-8 or a NUL byte, reported with its byte offset), or holds a
    /// character the given vocabulary lacks.
    /// </exception>
    public static Corpus FromFile(string path, Vocabulary? vocabulary = null, bool replaceInvalidUtf8 = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFiles([path], vocabulary, replaceInvalidUtf8);
    }

    /// <summary>
    /// Reads several UTF-8 text files as one text, their characters in the order given and nothing between them (the
    /// corpus equals the files' concatenation, except that each file's own byte-order mark is skipped).
    /// </summary>
    /// <param name="paths">The files, in order.</param>
    /// <param name="vocabulary">An existing vocabulary (a model's), or <see langword="null"/> to build one from the files.</param>
    /// <param name="replaceInvalidUtf8">Decode each invalid UTF-8 sequence as U+FFFD instead of rejecting the file.</param>
    /// <returns>The corpus; <see cref="Sha256"/> is the hash of the files' bytes concatenated.</returns>
    /// <exception cref="ArgumentException"><paramref name="paths"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The files hold no character, a file is not UTF-8 text (reported with its byte offset), or holds a character the
    /// given vocabulary lacks.
    /// </exception>
    public static Corpus FromFiles(IReadOnlyList<string> paths, Vocabulary? vocabulary = null, bool replaceInvalidUtf8 = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            ThrowHelper.ThrowArgument("No corpus file was given.", nameof(paths));
        }

        foreach (string path in paths)
        {
            ArgumentException.ThrowIfNullOrEmpty(path, nameof(paths));
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The corpus file '{path}' does not exist.", path);
            }
        }

        string name = paths.Count == 1 ? $"The corpus file '{paths[0]}'" : $"The {paths.Count} corpus files";

        // Pass 1: validate, count characters, collect the distinct ones and hash the bytes.
        var seen = new bool[ScalarCount];
        long count = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string path in paths)
        {
            ReadScalars(path, replaceInvalidUtf8, value =>
            {
                seen[value] = true;
                count++;
            }, hash);
        }

        if (count == 0)
        {
            throw new InvalidDataException($"{name} {(paths.Count == 1 ? "is" : "are")} empty.");
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"{name} hold {count} characters; at most {Array.MaxLength} fit in one corpus.");
        }

        if (vocabulary is null)
        {
            var characters = new List<Rune>();
            for (int value = 0; value < ScalarCount; value++)
            {
                if (seen[value])
                {
                    characters.Add(new Rune(value));
                }
            }

            vocabulary = Vocabulary.FromCharacters(characters);
        }

        // Pass 2: encode through a scalar → id table.
        var idOf = new int[ScalarCount];
        idOf.AsSpan().Fill(vocabulary.UnknownId ?? -1);
        for (int id = 0; id < vocabulary.Count; id++)
        {
            idOf[vocabulary[id].Value] = id;
        }

        // Straight into the compact form: no 4-byte copy of the corpus ever exists.
        Array ids = Allocate(vocabulary.Count, count);
        int position = 0;
        foreach (string path in paths)
        {
            int start = position;
            ReadScalars(path, replaceInvalidUtf8, value =>
            {
                int id = idOf[value];
                if (id < 0)
                {
                    throw new InvalidDataException(
                        $"The character {ThrowHelper.DescribeCharacter(value)} at character {position - start} of '{path}' is not in the model's vocabulary.");
                }

                Store(ids, position++, id);
            }, null);
        }

        return new Corpus(vocabulary, ids, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>
    /// The same text encoded with another vocabulary, for training a model whose vocabulary is given (a checkpoint's,
    /// or one extended for fine-tuning). Characters that <paramref name="vocabulary"/> lacks map to its unknown
    /// character when it has one.
    /// </summary>
    /// <param name="vocabulary">The vocabulary to encode with.</param>
    /// <returns>A new corpus over <paramref name="vocabulary"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="vocabulary"/> lacks characters of the text and has no unknown character; all of them are named.</exception>
    public Corpus WithVocabulary(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var map = new int[Vocabulary.Count];
        var lacking = new List<string>();
        for (int id = 0; id < map.Length; id++)
        {
            if (!vocabulary.TryGetId(Vocabulary[id], out map[id]))
            {
                if (vocabulary.UnknownId is { } unknown)
                {
                    map[id] = unknown;
                }
                else
                {
                    lacking.Add(ThrowHelper.DescribeCharacter(Vocabulary[id].Value));
                }
            }
        }

        if (lacking.Count > 0)
        {
            ThrowHelper.ThrowArgument($"The vocabulary lacks {lacking.Count} character(s) of the text: {string.Join(", ", lacking)}.", nameof(vocabulary));
        }

        Array ids = Allocate(vocabulary.Count, Length);
        for (int position = 0; position < Length; position++)
        {
            Store(ids, position, map[this[position]]);
        }

        return new Corpus(vocabulary, ids, Sha256);
    }

    /// <summary>
    /// Splits the corpus into a training part (the first 1 − <paramref name="validationFraction"/>) and a validation
    /// part (the rest), as contiguous ranges, so validation text is never seen in training.
    /// </summary>
    /// <param name="validationFraction">The share held out, in [0, 1).</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is outside [0, 1).</exception>
    /// <remarks>The parts are views of <see cref="Ids"/> (the 4-byte form); <c>Trainer.Train(Corpus)</c> splits the compact form itself.</remarks>
    public (ReadOnlyMemory<int> Training, ReadOnlyMemory<int> Validation) Split(double validationFraction)
    {
        int trainingLength = TrainingLength(validationFraction);
        return (Ids.AsMemory(0, trainingLength), Ids.AsMemory(trainingLength));
    }

    private static void ReadScalars(string path, bool replaceInvalid, Action<int> onScalar, IncrementalHash? hash)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long consumedBefore = 0;   // file offset of buffer[0]
            int pending = 0;           // bytes carried over from the last chunk (an incomplete sequence)
            bool first = true;
            while (true)
            {
                int read = stream.Read(buffer, pending, ChunkSize - pending);
                hash?.AppendData(buffer, pending, read);
                int available = pending + read;
                bool atEnd = read == 0;
                int offset = 0;
                if (first && available >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    offset = 3;
                }

                first = first && available < 3 && !atEnd;
                while (offset < available)
                {
                    OperationStatus status = Rune.DecodeFromUtf8(buffer.AsSpan(offset, available - offset), out Rune rune, out int consumed);
                    if (status == OperationStatus.NeedMoreData && !atEnd)
                    {
                        break;
                    }

                    if (status != OperationStatus.Done && !replaceInvalid)
                    {
                        throw new InvalidDataException($"'{path}' is not UTF-8 text: invalid byte 0x{buffer[offset]:X2} at byte offset {consumedBefore + offset}.");
                    }

                    // With replacement, DecodeFromUtf8 has already set rune to U+FFFD and consumed the invalid sequence.

                    if (rune.Value == 0)
                    {
                        throw new InvalidDataException($"'{path}' is not text: a NUL byte at byte offset {consumedBefore + offset}.");
                    }

                    onScalar(rune.Value);
                    offset += consumed;
                }

                if (atEnd)
                {
                    return;
                }

                pending = available - offset;
                buffer.AsSpan(offset, pending).CopyTo(buffer);
                consumedBefore += offset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
