namespace LstmSharp.Generation;

/// <summary>How well a model predicts a text: every character after the first, predicted from all before it (<see cref="TextScorer"/>).</summary>
public sealed class TextScore
{
    internal TextScore(long characters, double logProbability)
    {
        Characters = characters;
        LogProbability = logProbability;
    }

    /// <summary>The number of predicted characters (the text's length minus one).</summary>
    public long Characters { get; }

    /// <summary>The total natural-log probability of the predicted characters (≤ 0).</summary>
    public double LogProbability { get; }

    /// <summary>The mean loss in nats per character.</summary>
    public double NatsPerCharacter => Characters == 0 ? double.NaN : -LogProbability / Characters;

    /// <summary>The mean loss in bits per character.</summary>
    public double BitsPerCharacter => NatsPerCharacter / Math.Log(2);

    /// <summary>The per-character perplexity, e^(nats per character).</summary>
    public double Perplexity => Math.Exp(NatsPerCharacter);
}
