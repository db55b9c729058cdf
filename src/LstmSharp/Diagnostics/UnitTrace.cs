namespace LstmSharp.Diagnostics;

/// <summary>One unit's activation over the shown part of the text, for the cells-over-text view.</summary>
public sealed class UnitTrace
{
    internal UnitTrace(int layer, int index, UnitSignal signal, string reason, float[] values)
    {
        Layer = layer;
        Index = index;
        Signal = signal;
        Reason = reason;
        Values = values;
    }

    /// <summary>The unit's layer.</summary>
    public int Layer { get; }

    /// <summary>The unit's index within the layer.</summary>
    public int Index { get; }

    /// <summary>Which of its activations.</summary>
    public UnitSignal Signal { get; }

    /// <summary>Why it is shown: "chosen" or the feature it tracks best, with r.</summary>
    public string Reason { get; }

    /// <summary>(shown characters): the activation after reading each character.</summary>
    public IReadOnlyList<float> Values { get; }
}
