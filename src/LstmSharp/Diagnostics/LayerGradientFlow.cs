namespace LstmSharp.Diagnostics;

/// <summary>The state gradients of one recurrent layer over a window.</summary>
/// <param name="LayerIndex">k: the layer, bottom first.</param>
/// <param name="Hidden">dL/dh_t in total: the gradient from above (the head or the next layer) plus the part carried back from step t + 1.</param>
/// <param name="HiddenCarried">Only the part of dL/dh_t carried back from step t + 1 (through W_hh, and z for the GRU); zero at the last step unless a gradient enters from beyond the window.</param>
/// <param name="Cell">dL/dc_t in total for an LSTM; <see langword="null"/> for other cells.</param>
/// <param name="CellCarried">Only the part of dL/dc_t carried back from step t + 1 through the forget gate, for an LSTM; <see langword="null"/> otherwise.</param>
public sealed record LayerGradientFlow(int LayerIndex, StateGradientSeries Hidden, StateGradientSeries HiddenCarried,
    StateGradientSeries? Cell, StateGradientSeries? CellCarried);
