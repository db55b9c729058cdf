using LstmSharp.Text;

namespace LstmSharp.Serialization;

/// <summary>
/// What a checkpoint records about the text it was trained on, so that a resume can find it again and refuse another
/// one: its length in characters, the SHA-256 of its bytes (<see cref="Corpus.Sha256"/>) and the files it was read
/// from, in order (none for text that came from memory, such as the CLI's built-in corpus).
/// </summary>
public sealed class CorpusFingerprint
{
    internal CorpusFingerprint(long length, string sha256, IReadOnlyList<string> paths)
    {
        Length = length;
        Sha256 = sha256;
        Paths = paths;
    }

    /// <summary>The fingerprint of a corpus read from <paramref name="paths"/> (full paths are recorded).</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="paths">The files it was read from, in order; empty for text from memory.</param>
    /// <returns>The fingerprint.</returns>
    public static CorpusFingerprint Of(Corpus corpus, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(paths);
        return new CorpusFingerprint(corpus.Length, corpus.Sha256, [.. paths.Select(Path.GetFullPath)]);
    }

    /// <summary>Whether <paramref name="corpus"/> is this text: the same length and SHA-256 (the paths may differ).</summary>
    /// <param name="corpus">The corpus.</param>
    /// <returns><see langword="true"/> for the same text.</returns>
    public bool Matches(Corpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return corpus.Length == Length && string.Equals(corpus.Sha256, Sha256, StringComparison.Ordinal);
    }

    /// <summary>N: characters.</summary>
    public long Length { get; }

    /// <summary>The SHA-256 of the text's bytes, in lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>The files, as full paths, in reading order; empty when the text came from memory.</summary>
    public IReadOnlyList<string> Paths { get; }
}
