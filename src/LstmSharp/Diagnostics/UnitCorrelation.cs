namespace LstmSharp.Diagnostics;

/// <summary>How well one unit's activation tracks a <see cref="TextFeature"/> over a text: the Pearson correlation.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Signal">Which of its activations.</param>
/// <param name="Correlation">Pearson's r over every step of the text, in [−1, 1]; 0 when the activation never changes.</param>
public sealed record UnitCorrelation(UnitId Unit, UnitSignal Signal, double Correlation);
