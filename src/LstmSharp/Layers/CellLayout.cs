namespace LstmSharp.Layers;

/// <summary>
/// Where each tensor of one recurrent layer lies in its flat parameter buffer. The same layout describes the
/// parameters, their gradients and any optimizer moments. Gates are stacked in PyTorch's order
/// (LSTM i, f, g, o; GRU r, z, n), so the tensors move to and from <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c> unchanged.
/// </summary>
/// <param name="CellType">The kind of cell.</param>
/// <param name="InputSize">I: features per input step (the vocabulary size for one-hot input).</param>
/// <param name="HiddenSize">H: the size of the hidden state.</param>
internal readonly record struct CellLayout(CellType CellType, int InputSize, int HiddenSize)
{
    /// <summary>G: the number of gate blocks (4 for LSTM, 3 for GRU, 1 for RNN).</summary>
    public int GateCount => CellType switch
    {
        CellType.Lstm => 4,
        CellType.Gru => 3,
        _ => 1,
    };

    /// <summary>G·H: the width of the stacked gate pre-activations.</summary>
    public int GateSize => GateCount * HiddenSize;

    /// <summary>Offset of <c>weight_ih_l{k}</c>, shape (G·H, I).</summary>
    #pragma warning disable CA1822 // an instance member, like its siblings, so callers read every offset the same way
    public int WeightIhOffset => 0;
#pragma warning restore CA1822

    /// <summary>Offset of <c>weight_hh_l{k}</c>, shape (G·H, H).</summary>
    public int WeightHhOffset => GateSize * InputSize;

    /// <summary>Offset of <c>bias_ih_l{k}</c>, shape (G·H).</summary>
    public int BiasIhOffset => WeightHhOffset + GateSize * HiddenSize;

    /// <summary>Offset of <c>bias_hh_l{k}</c>, shape (G·H).</summary>
    public int BiasHhOffset => BiasIhOffset + GateSize;

    /// <summary>The total number of parameters in the layer.</summary>
    public int Count => BiasHhOffset + GateSize;

    /// <summary>Whether the cell carries a second state (the LSTM's cell state c).</summary>
    public bool HasCellState => CellType == CellType.Lstm;
}
