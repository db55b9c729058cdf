namespace LstmSharp.Diagnostics;

/// <summary>Where a model is surprised by a text: −log p of every character, predicted from all before it.</summary>
public sealed class SurpriseAnalysis
{
    internal SurpriseAnalysis(double[] losses, double totalNats, IReadOnlyList<Prediction>[] topPredictions, SurprisingCharacter[] worst, CharacterClassLoss[] byClass)
    {
        Losses = losses;
        TotalNats = totalNats;
        TopPredictions = topPredictions;
        Worst = worst;
        ByClass = byClass;
    }

    /// <summary>(N): −log p(character p | characters before p) in nats; entry 0 is NaN (the first character is not predicted).</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The sum of the losses of characters 1 … N − 1.</summary>
    public double TotalNats { get; }

    /// <summary>The mean loss in nats per predicted character (N − 1 of them), as <see cref="Generation.TextScore.NatsPerCharacter"/>.</summary>
    public double NatsPerCharacter => TotalNats / (Losses.Count - 1);

    /// <summary>(shown characters): for shown character k (text position ShownStart + k ≥ 1), the model's best guesses for it, best first; empty for position 0.</summary>
    public IReadOnlyList<IReadOnlyList<Prediction>> TopPredictions { get; }

    /// <summary>The characters with the largest loss, largest first.</summary>
    public IReadOnlyList<SurprisingCharacter> Worst { get; }

    /// <summary>The loss per character class, the largest share first.</summary>
    public IReadOnlyList<CharacterClassLoss> ByClass { get; }
}
