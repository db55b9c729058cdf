namespace LstmSharp.Diagnostics;

/// <summary>
/// How often each unit of one gate of one layer was saturated over a text, as in Karpathy, Johnson and Fei-Fei (2015):
/// left-saturated below 0.1 and right-saturated above 0.9 for a σ gate, below −0.8 and above 0.8 for a tanh one
/// (LSTM g, GRU n: the same points of its range).
/// </summary>
public sealed class GateSaturation
{
    internal GateSaturation(int layer, string gate, double[] leftFraction, double[] rightFraction)
    {
        Layer = layer;
        Gate = gate;
        LeftFraction = leftFraction;
        RightFraction = rightFraction;
    }

    /// <summary>The layer.</summary>
    public int Layer { get; }

    /// <summary>The gate's name: LSTM i, f, g, o; GRU r, z, n.</summary>
    public string Gate { get; }

    /// <summary>(H): per unit, the fraction of steps with a value below the low threshold.</summary>
    public IReadOnlyList<double> LeftFraction { get; }

    /// <summary>(H): per unit, the fraction of steps with a value above the high threshold.</summary>
    public IReadOnlyList<double> RightFraction { get; }

    /// <summary>Whether <paramref name="gate"/> is a tanh gate (LSTM g, GRU n), whose thresholds are ±0.8, not 0.1 and 0.9.</summary>
    internal static bool IsTanh(string gate) => gate is "g" or "n";
}
