namespace LstmSharp.Diagnostics;

/// <summary>The loss on the characters of one class (lower-case letters, digits, brackets, …).</summary>
public sealed class CharacterClassLoss
{
    internal CharacterClassLoss(string characterClass, long count, double meanNats, double shareOfLoss)
    {
        Class = characterClass;
        Count = count;
        MeanNats = meanNats;
        ShareOfLoss = shareOfLoss;
    }

    /// <summary>The class's name.</summary>
    public string Class { get; }

    /// <summary>How many predicted characters belong to it.</summary>
    public long Count { get; }

    /// <summary>Their mean −log p in nats.</summary>
    public double MeanNats { get; }

    /// <summary>Their share of the text's total loss, in [0, 1].</summary>
    public double ShareOfLoss { get; }
}
