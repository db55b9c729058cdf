namespace LstmSharp.Generation;

/// <summary>How well a model predicts a text: every character after the first, predicted from all before it.</summary>
/// <param name="Characters">The number of predicted characters (the text's length minus one).</param>
/// <param name="LogProbability">The total natural-log probability of the predicted characters (≤ 0).</param>
public sealed record TextScore(long Characters, double LogProbability)
{
    /// <summary>The mean loss in nats per character.</summary>
    public double NatsPerCharacter => Characters == 0 ? double.NaN : -LogProbability / Characters;

    /// <summary>The mean loss in bits per character.</summary>
    public double BitsPerCharacter => NatsPerCharacter / Math.Log(2);

    /// <summary>The per-character perplexity, e^(nats per character).</summary>
    public double Perplexity => Math.Exp(NatsPerCharacter);
}
