using System.Numerics;
using LstmSharp.Layers;

namespace LstmSharp.Model;

/// <summary>The recurrent state of every layer of a <see cref="CharModel{T}"/> for B streams (or its gradient).</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ModelState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero state shaped for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public ModelState(CharModel<T> model, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        BatchSize = batchSize;
        Layers = [.. model.Layers.Select(layer => new CellState<T>(layer.Layout, batchSize))];
    }

    /// <summary>B: the number of streams.</summary>
    public int BatchSize { get; }

    /// <summary>L: the number of layers.</summary>
    public int LayerCount => Layers.Count;

    /// <summary>One state per layer, bottom first: the cells' plumbing.</summary>
    internal IReadOnlyList<CellState<T>> Layers { get; }

    /// <summary>h of layer <paramref name="layer"/>, shape (B, H): PyTorch's <c>h_n[layer]</c> (or <c>h_0[layer]</c>), to read or write.</summary>
    /// <param name="layer">The layer, 0 at the bottom.</param>
    /// <returns>The layer's hidden state.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public Span<T> Hidden(int layer) => Layer(layer).Hidden;

    /// <summary>c of layer <paramref name="layer"/>, shape (B, H), for an LSTM: PyTorch's <c>c_n[layer]</c>; empty for other cells.</summary>
    /// <param name="layer">The layer, 0 at the bottom.</param>
    /// <returns>The layer's cell state.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public Span<T> Cell(int layer) => Layer(layer).Cell;

    private CellState<T> Layer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, Layers.Count);
        return Layers[layer];
    }

    /// <summary>Sets every element to zero.</summary>
    public void Clear()
    {
        // An indexed loop: foreach over the interface would box an enumerator on every call (a training loop clears per epoch).
        for (int layer = 0; layer < Layers.Count; layer++)
        {
            Layers[layer].Clear();
        }
    }

    /// <summary>Copies another state of the same shape into this one.</summary>
    /// <param name="source">The state to copy.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(ModelState<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Layers.Count != Layers.Count)
        {
            ThrowHelper.ThrowArgument("The source state has a different number of layers.", nameof(source));
        }

        for (int layer = 0; layer < Layers.Count; layer++)
        {
            Layers[layer].CopyFrom(source.Layers[layer]);
        }
    }
}
