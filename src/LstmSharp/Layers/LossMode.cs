namespace LstmSharp.Layers;

/// <summary>Which steps of a window carry loss.</summary>
public enum LossMode
{
    /// <summary>Every step predicts the next character (char-rnn); the loss is the mean over all T·B predictions.</summary>
    EveryStep,

    /// <summary>
    /// Only the last step predicts (as in the article): the head, and so dW_y, sees only the final step; the loss is the
    /// mean over the B streams.
    /// </summary>
    LastStep,
}
