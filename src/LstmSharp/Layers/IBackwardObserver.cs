using System.Numerics;

namespace LstmSharp.Layers;

/// <summary>
/// Sees the state gradients of every step of a cell's backward pass, in reverse time order, as they are computed.
/// Used by the gradient-flow diagnostics; a cell without an observer does no extra work.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IBackwardObserver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Called once per step t = T … 1 (index <paramref name="stepIndex"/> = T − 1 … 0).</summary>
    /// <param name="cell">The cell running backward.</param>
    /// <param name="stepIndex">The step index in [0, T).</param>
    /// <param name="dHidden">(B, H): dL/dh_t in total: the gradient from above plus the part carried back from step t + 1.</param>
    /// <param name="dHiddenCarried">(B, H): only the part of dL/dh_t carried back from step t + 1 through W_hh (and z for the GRU).</param>
    /// <param name="dCell">(B, H): dL/dc_t in total for an LSTM (carried part plus the part through h_t); empty for other cells.</param>
    /// <param name="dCellCarried">(B, H): only the part of dL/dc_t carried back from step t + 1 through the forget gate; empty for other cells.</param>
    void OnBackwardStep(RecurrentCell<T> cell, int stepIndex, ReadOnlySpan<T> dHidden, ReadOnlySpan<T> dHiddenCarried, ReadOnlySpan<T> dCell, ReadOnlySpan<T> dCellCarried);
}
