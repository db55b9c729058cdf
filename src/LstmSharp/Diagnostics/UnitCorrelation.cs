namespace LstmSharp.Diagnostics;

/// <summary>How well one unit's activation tracks a <see cref="TextFeature"/> over a text: the Pearson correlation.</summary>
public sealed class UnitCorrelation
{
    internal UnitCorrelation(int layer, int index, UnitSignal signal, double correlation)
    {
        Layer = layer;
        Index = index;
        Signal = signal;
        Correlation = correlation;
    }

    /// <summary>The unit's layer, 0 for the one that reads the characters.</summary>
    public int Layer { get; }

    /// <summary>The unit's index within the layer, in [0, H).</summary>
    public int Index { get; }

    /// <summary>Which of its activations.</summary>
    public UnitSignal Signal { get; }

    /// <summary>Pearson's r over every step of the text, in [−1, 1]; 0 when the activation never changes.</summary>
    public double Correlation { get; }
}
