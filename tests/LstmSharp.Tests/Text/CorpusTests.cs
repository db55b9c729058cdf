using System.Text;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Text;

public sealed class CorpusTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-corpus-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void FromFile_Missing_ThrowsFileNotFoundNamingIt()
    {
        string path = Path.Combine(_directory, "absent.txt");
        var error = Assert.Throws<FileNotFoundException>(() => Corpus.FromFile(path));
        Assert.Contains("absent.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_Empty_ThrowsInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write([])));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_OnlyAByteOrderMark_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write([0xEF, 0xBB, 0xBF])));
    }

    [Fact]
    public void FromFile_NulByte_ThrowsWithTheByteOffset()
    {
        var error = Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write([.. "abc"u8, 0, .. "d"u8])));
        Assert.Contains("byte offset 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_InvalidUtf8_ThrowsWithTheByteOffset()
    {
        var error = Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write([.. "héllo"u8, 0xC3, 0x28])));
        Assert.Contains("byte offset 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_InvalidUtf8WithReplacementAsked_DecodesAsReplacementCharacter()
    {
        Corpus corpus = Corpus.FromFile(Write([.. "ab"u8, 0xFF, .. "c"u8]), replaceInvalidUtf8: true);

        Assert.Equal("ab\uFFFDc", corpus.Vocabulary.Decode(corpus.Ids));
    }

    [Fact]
    public void FromFile_InvalidSequenceAcrossTheReadBuffer_ReportsTheRightOffset()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)'a', (1 << 16) - 1), 0xE2, 0x28, 0xA1];
        var error = Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write(bytes)));
        Assert.Contains($"byte offset {(1 << 16) - 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_ByteOrderMarkAndCrLf_SkipsTheMarkAndKeepsTheLineEndings()
    {
        Corpus corpus = Corpus.FromFile(Write([0xEF, 0xBB, 0xBF, .. "a\r\nb"u8]));

        Assert.Equal("a\r\nb", corpus.Vocabulary.Decode(corpus.Ids));
    }

    [Fact]
    public void FromFile_MultiByteCharactersAcrossTheReadBuffer_DecodeWhole()
    {
        string text = string.Concat(Enumerable.Repeat("añ😀", 30000));
        Corpus corpus = Corpus.FromFile(Write(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(text, corpus.Vocabulary.Decode(corpus.Ids));
        Assert.Equal(3, corpus.Vocabulary.Count);
    }

    [Fact]
    public void FromFile_UnknownCharacterForTheModel_ThrowsNamingItAndItsPosition()
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc");
        var error = Assert.Throws<InvalidDataException>(() => Corpus.FromFile(Write("abcabx"u8.ToArray()), vocabulary));
        Assert.Contains("'x' (U+0078) at character 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_LargeFile_AllocatesTheEncodedCorpusNotCopiesOfIt()
    {
        // 24 MB of text of 28 distinct characters: the ids take 1 byte a character; the fixed tables (seen, id per scalar) take ~5.6 MB.
        const int length = 24 << 20;
        string path = Path.Combine(_directory, "large.txt");
        using (var stream = File.Create(path))
        {
            byte[] line = "the quick brown fox jumps over the lazy dog\n"u8.ToArray();
            for (int written = 0; written < length; written += line.Length)
            {
                stream.Write(line, 0, Math.Min(line.Length, length - written));
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        Corpus corpus = Corpus.FromFile(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(length, corpus.Length);
        Assert.Equal(1, corpus.BytesPerId);
        Assert.InRange(allocated, 1L * length, 1L * length + (8 << 20));
    }

    [Fact]
    public void Split_HoldsOutTheEndWithoutCopying()
    {
        Corpus corpus = Corpus.FromText("abcdefghij");
        (ReadOnlyMemory<int> training, ReadOnlyMemory<int> validation) = corpus.Split(0.2);

        Assert.Equal(8, training.Length);
        Assert.Equal(2, validation.Length);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(validation, out ArraySegment<int> segment) && segment.Array == corpus.Ids);
        Assert.Throws<ArgumentOutOfRangeException>(() => corpus.Split(1.0));
    }
}
