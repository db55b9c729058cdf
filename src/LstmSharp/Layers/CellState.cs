using System.Numerics;

namespace LstmSharp.Layers;

/// <summary>
/// The recurrent state of one layer for B streams: the hidden state h (B, H) and, for an LSTM, the cell state
/// c (B, H). The same type carries state gradients (dh, dc) in backward passes.
/// </summary>
/// <typeparam name="T">The element type (<see cref="float"/> or <see cref="double"/>).</typeparam>
internal sealed class CellState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero state.</summary>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="hasCellState">Whether to hold an LSTM cell state c as well as h.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public CellState(int batchSize, int hiddenSize, bool hasCellState)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        BatchSize = batchSize;
        HiddenSize = hiddenSize;
        Hidden = new T[batchSize * hiddenSize];
        Cell = hasCellState ? new T[batchSize * hiddenSize] : [];
    }

    /// <summary>Creates a zero state shaped for a layer.</summary>
    /// <param name="layout">The layer's layout.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    public CellState(CellLayout layout, int batchSize)
        : this(batchSize, layout.HiddenSize, layout.HasCellState)
    {
    }

    /// <summary>B: the number of streams.</summary>
    public int BatchSize { get; }

    /// <summary>H: the hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>h, shape (B, H), stream-major (PyTorch's <c>h_n</c> for one layer).</summary>
    public T[] Hidden { get; }

    /// <summary>c, shape (B, H) for an LSTM (PyTorch's <c>c_n</c> for one layer); empty for other cells.</summary>
    public T[] Cell { get; }

    /// <summary>h of <paramref name="state"/>, or an empty span (zeros as a source, "not wanted" as a destination) for none.</summary>
    public static Span<T> HiddenOf(CellState<T>? state) => state is null ? default : state.Hidden;

    /// <summary>c of <paramref name="state"/> (empty for cells without one), or an empty span for none.</summary>
    public static Span<T> CellOf(CellState<T>? state) => state is null ? default : state.Cell;

    /// <summary>Sets every element to zero.</summary>
    public void Clear()
    {
        Array.Clear(Hidden);
        Array.Clear(Cell);
    }

    /// <summary>Copies another state of the same shape into this one.</summary>
    /// <param name="source">The state to copy.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(CellState<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Hidden.Length != Hidden.Length || source.Cell.Length != Cell.Length)
        {
            ThrowHelper.ThrowArgument("The source state has a different shape.", nameof(source));
        }

        source.Hidden.CopyTo(Hidden, 0);
        source.Cell.CopyTo(Cell, 0);
    }
}
