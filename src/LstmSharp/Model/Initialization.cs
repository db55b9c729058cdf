namespace LstmSharp.Model;

/// <summary>How a model's parameters are drawn before training.</summary>
public enum Initialization
{
    /// <summary>
    /// PyTorch's default: every recurrent tensor from U(−1/√H, 1/√H); the head's weight and bias from
    /// U(−1/√in, 1/√in), as <c>nn.Linear</c> does.
    /// </summary>
    PyTorchUniform,

    /// <summary>
    /// The article's choice: every weight and bias from N(0, 0.01²), that is 0.01 · randn. Where PyTorch's layout has
    /// two bias vectors per layer, b_ih is drawn and b_hh is zero, so each gate's bias has the article's variance.
    /// </summary>
    ArticleNormal,

    /// <summary>min-char-rnn's choice: weights from N(0, 0.01²); every bias zero.</summary>
    MinCharRnnNormal,
}
