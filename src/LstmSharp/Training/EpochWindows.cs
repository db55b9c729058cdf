namespace LstmSharp.Training;

/// <summary>How many truncated-BPTT windows make one epoch. Either way the read position advances by T per window.</summary>
public enum EpochWindows
{
    /// <summary>Every whole window of each stream: ⌊L / T⌋ for streams of L = ⌊(N − 1) / B⌋ characters (char-rnn).</summary>
    AllWindows,

    /// <summary>
    /// The article's count, ⌊S / (T + 1)⌋ windows for streams of S = ⌊N / B⌋ characters (769 for N = 20,000, T = 25,
    /// B = 1, where <see cref="AllWindows"/> gives 799): its loop counted windows of T + 1 characters but moved by T.
    /// </summary>
    ArticleCount,
}
