using System.Numerics;

namespace LstmSharp.Layers;

/// <summary>
/// Sees the activations of every step of a cell's forward pass, in time order, once the window has run: the gate values,
/// the cell state and the hidden state. Used by the explain diagnostics (gate saturation, cells over text); a cell
/// without an observer does no extra work (one null check per window), and an observer changes no result.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IForwardObserver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Called once per step t = 1 … T (index <paramref name="stepIndex"/> = 0 … T − 1) after the cell's forward pass over a window.</summary>
    /// <param name="cell">The cell that ran forward; its <see cref="RecurrentCell{T}.SequenceLength"/> and <see cref="RecurrentCell{T}.BatchSize"/> describe the window.</param>
    /// <param name="stepIndex">The step index in [0, T).</param>
    /// <param name="gates">
    /// (B, G·H): the gate activations of the step per stream, blocks in PyTorch's order: LSTM i, f, g, o (σ, σ, tanh, σ);
    /// GRU r, z, n (σ, σ, tanh). Empty for the vanilla RNN, which has no gates.
    /// </param>
    /// <param name="cellState">(B, H): c_t for an LSTM; empty for other cells.</param>
    /// <param name="hidden">(B, H): h_t, the layer's output.</param>
    void OnForwardStep(RecurrentCell<T> cell, int stepIndex, ReadOnlySpan<T> gates, ReadOnlySpan<T> cellState, ReadOnlySpan<T> hidden);
}
