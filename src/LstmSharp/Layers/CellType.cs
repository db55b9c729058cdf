namespace LstmSharp.Layers;

/// <summary>The recurrent cell kinds, with PyTorch's semantics (<c>nn.LSTM</c>, <c>nn.GRU</c>, <c>nn.RNN</c> with tanh).</summary>
public enum CellType
{
    /// <summary>Long short-term memory: four gates stacked i, f, g, o, and a cell state c.</summary>
    Lstm,

    /// <summary>Gated recurrent unit: three gates stacked r, z, n.</summary>
    Gru,

    /// <summary>Vanilla (Elman) recurrent network with a tanh non-linearity.</summary>
    Rnn,
}
