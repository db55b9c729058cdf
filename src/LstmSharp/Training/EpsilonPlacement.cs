namespace LstmSharp.Training;

/// <summary>Where an adaptive optimizer adds ε to its running sum of squared gradients.</summary>
public enum EpsilonPlacement
{
    /// <summary>Outside the root, θ −= γ·g / (√sum + ε): PyTorch's rule and the default.</summary>
    OutsideRoot,

    /// <summary>Inside the root, θ −= γ·g / √(sum + ε): the article's (and min-char-rnn's) Adagrad.</summary>
    InsideRoot,
}
