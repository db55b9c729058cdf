namespace LstmSharp.Diagnostics;

/// <summary>Which scalar of the prediction <see cref="Connectivity"/> differentiates.</summary>
public enum ConnectivityMeasure
{
    /// <summary>The cross-entropy loss of the target character, −log p(target).</summary>
    Loss,

    /// <summary>The target character's logit (before the softmax).</summary>
    TargetLogit,
}
