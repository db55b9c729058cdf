namespace LstmSharp.Diagnostics;

/// <summary>
/// How often each unit of one gate of one layer was saturated over a text, as in Karpathy, Johnson and Fei-Fei (2015):
/// left-saturated below <see cref="LowThreshold"/>, right-saturated above <see cref="HighThreshold"/>.
/// </summary>
/// <param name="Layer">The layer.</param>
/// <param name="Gate">The gate's name: LSTM i, f, g, o; GRU r, z, n.</param>
/// <param name="LowThreshold">0.1 for a σ gate; −0.8 for a tanh one (g, n), the same point of its range.</param>
/// <param name="HighThreshold">0.9 for a σ gate; 0.8 for a tanh one.</param>
/// <param name="LeftFraction">(H): per unit, the fraction of steps with a value below <paramref name="LowThreshold"/>.</param>
/// <param name="RightFraction">(H): per unit, the fraction of steps with a value above <paramref name="HighThreshold"/>.</param>
public sealed record GateSaturation(int Layer, string Gate, double LowThreshold, double HighThreshold,
    IReadOnlyList<double> LeftFraction, IReadOnlyList<double> RightFraction);
