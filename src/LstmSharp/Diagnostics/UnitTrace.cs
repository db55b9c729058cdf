namespace LstmSharp.Diagnostics;

/// <summary>One unit's activation over the shown part of the text, for the cells-over-text view.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Signal">Which of its activations.</param>
/// <param name="Reason">Why it is shown: "chosen" or the feature it tracks best, with r.</param>
/// <param name="Values">(shown characters): the activation after reading each character.</param>
public sealed record UnitTrace(UnitId Unit, UnitSignal Signal, string Reason, IReadOnlyList<float> Values);
