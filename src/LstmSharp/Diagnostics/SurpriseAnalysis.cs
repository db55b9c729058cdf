namespace LstmSharp.Diagnostics;

/// <summary>Where a model is surprised by a text: −log p of every character, predicted from all before it.</summary>
/// <param name="Losses">(N): −log p(character p | characters before p) in nats; entry 0 is NaN (the first character is not predicted).</param>
/// <param name="TotalNats">The sum of the losses of characters 1 … N − 1.</param>
/// <param name="TopPredictions">(shown characters): for shown character k (text position ShownStart + k ≥ 1), the model's best guesses for it, best first; empty for position 0.</param>
/// <param name="Worst">The characters with the largest loss, largest first.</param>
/// <param name="ByClass">The loss per character class, the largest share first.</param>
public sealed record SurpriseAnalysis(IReadOnlyList<double> Losses, double TotalNats, IReadOnlyList<IReadOnlyList<Prediction>> TopPredictions,
    IReadOnlyList<SurprisingCharacter> Worst, IReadOnlyList<CharacterClassLoss> ByClass)
{
    /// <summary>The number of predicted characters (N − 1).</summary>
    public long Characters => Math.Max(0, Losses.Count - 1);

    /// <summary>The mean loss in nats per predicted character.</summary>
    public double NatsPerCharacter => Characters == 0 ? double.NaN : TotalNats / Characters;
}
