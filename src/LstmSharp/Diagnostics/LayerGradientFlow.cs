namespace LstmSharp.Diagnostics;

/// <summary>The state gradients of one recurrent layer over a window.</summary>
public sealed class LayerGradientFlow
{
    internal LayerGradientFlow(StateGradientSeries hidden, StateGradientSeries hiddenCarried, StateGradientSeries? cell, StateGradientSeries? cellCarried)
    {
        Hidden = hidden;
        HiddenCarried = hiddenCarried;
        Cell = cell;
        CellCarried = cellCarried;
    }

    /// <summary>dL/dh_t in total: the gradient from above (the head or the next layer) plus the part carried back from step t + 1.</summary>
    public StateGradientSeries Hidden { get; }

    /// <summary>Only the part of dL/dh_t carried back from step t + 1 (through W_hh, and z for the GRU); zero at the last step unless a gradient enters from beyond the window.</summary>
    public StateGradientSeries HiddenCarried { get; }

    /// <summary>dL/dc_t in total for an LSTM; <see langword="null"/> for other cells.</summary>
    public StateGradientSeries? Cell { get; }

    /// <summary>Only the part of dL/dc_t carried back from step t + 1 through the forget gate, for an LSTM; <see langword="null"/> otherwise.</summary>
    public StateGradientSeries? CellCarried { get; }
}
