using System.Buffers;
using System.Text;

namespace LstmSharp.Text;

/// <summary>
/// A training text encoded once as character ids, with its <see cref="Text.Vocabulary"/>. Files are read as strict
/// UTF-8 in two streaming passes (one to validate and collect the characters, one to encode), so memory is the
/// encoded corpus (4 bytes per character) plus small fixed tables, never a copy of the file as a string.
/// </summary>
public sealed class Corpus
{
    private const int ChunkSize = 1 << 16;
    private const int ScalarCount = 0x110000;

    private Corpus(Vocabulary vocabulary, int[] ids)
    {
        Vocabulary = vocabulary;
        Ids = ids;
    }

    /// <summary>The characters of the corpus.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>(N): the corpus as character ids.</summary>
    public int[] Ids { get; }

    /// <summary>N: the number of characters.</summary>
    public int Length => Ids.Length;

    /// <summary>Encodes a text, with a vocabulary built from it unless one is given.</summary>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">An existing vocabulary (a model's), or <see langword="null"/> to build one from the text.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="ArgumentException">The text is empty, or holds a character the given vocabulary lacks (named, with its position).</exception>
    public static Corpus FromText(string text, Vocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        vocabulary ??= Vocabulary.FromText(text);
        return new Corpus(vocabulary, vocabulary.Encode(text));
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
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The corpus file '{path}' does not exist.", path);
        }

        // Pass 1: validate, count characters and collect the distinct ones.
        var seen = new bool[ScalarCount];
        long count = 0;
        ReadScalars(path, replaceInvalidUtf8, value =>
        {
            seen[value] = true;
            count++;
        });
        if (count == 0)
        {
            throw new InvalidDataException($"The corpus file '{path}' is empty.");
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"The corpus file '{path}' holds {count} characters; at most {Array.MaxLength} fit in one corpus.");
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

        var ids = new int[count];
        int position = 0;
        ReadScalars(path, replaceInvalidUtf8, value =>
        {
            int id = idOf[value];
            if (id < 0)
            {
                throw new InvalidDataException(
                    $"The character {Vocabulary.Describe(value)} at character {position} of '{path}' is not in the model's vocabulary.");
            }

            ids[position++] = id;
        });
        return new Corpus(vocabulary, ids);
    }

    /// <summary>
    /// Splits the corpus into a training part (the first 1 − <paramref name="validationFraction"/>) and a validation
    /// part (the rest), as contiguous ranges, so validation text is never seen in training.
    /// </summary>
    /// <param name="validationFraction">The share held out, in [0, 1).</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is outside [0, 1).</exception>
    public (ReadOnlyMemory<int> Training, ReadOnlyMemory<int> Validation) Split(double validationFraction)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1).");
        }

        int trainingLength = Length - (int)(Length * validationFraction);
        return (Ids.AsMemory(0, trainingLength), Ids.AsMemory(trainingLength));
    }

    private static void ReadScalars(string path, bool replaceInvalid, Action<int> onScalar)
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
