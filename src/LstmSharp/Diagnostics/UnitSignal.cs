namespace LstmSharp.Diagnostics;

/// <summary>Which activation of a unit is read: the LSTM's squashed cell state or any cell's hidden state.</summary>
public enum UnitSignal
{
    /// <summary>tanh(c_t), in (−1, 1): the LSTM's memory as the output gate sees it (the signal of Karpathy et al.'s cell pictures).</summary>
    TanhCell,

    /// <summary>h_t, the layer's output.</summary>
    Hidden,
}
