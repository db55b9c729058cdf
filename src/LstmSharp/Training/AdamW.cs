using System.Numerics;

namespace LstmSharp.Training;

/// <summary>
/// AdamW, PyTorch's <c>torch.optim.AdamW</c>: <see cref="Adam{T}"/> with decoupled weight decay, which shrinks the
/// parameters directly and never enters the moments. With β₁, β₂, ε and weight decay λ, step t effectively computes
/// <code>
/// θ = θ − γλθ
/// m = β₁m + (1 − β₁)∇
/// v = β₂v + (1 − β₂)∇²
/// θ = θ − γ · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// </code>
/// It is exactly <c>new Adam&lt;T&gt;(buffers, …, decoupledWeightDecay: true)</c> (one update rule serves both), kept as
/// a type because that is the name PyTorch users reach for, with PyTorch's AdamW default λ = 0.01.
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="beta1">β₁, the first of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="beta2">β₂, the second of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="epsilon">ε, PyTorch's <c>eps</c>, added to the bias-corrected root.</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: the decoupled decay, applied as θ·(1 − γλ) before the Adam update.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="beta1"/> or <paramref name="beta2"/> is outside [0, 1), <paramref name="epsilon"/> is not positive
    /// and finite, or <paramref name="weightDecay"/> is negative or not finite.
    /// </exception>
    public AdamW(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
        : base(buffers, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay: true)
    {
    }
}
