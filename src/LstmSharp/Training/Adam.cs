using System.Numerics;

namespace LstmSharp.Training;

/// <summary>
/// Adam, PyTorch's <c>torch.optim.Adam</c>, with weight decay as an L2 penalty added to the gradient (not decoupled; see
/// <see cref="AdamW{T}"/>). With β₁, β₂, ε and weight decay λ, step t effectively computes
/// <code>
/// g = ∇ + λθ
/// m = β₁m + (1 − β₁)g
/// v = β₂v + (1 − β₂)g²
/// θ = θ − γ · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// </code>
/// The implementation evaluates the last line as PyTorch does: <c>θ − (γ/(1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)</c>.
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public sealed class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _expAvg;     // per buffer: m, PyTorch's exp_avg
    private readonly T[][] _expAvgSq;   // per buffer: v, PyTorch's exp_avg_sq

    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="beta1">β₁, the first of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="beta2">β₂, the second of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="epsilon">ε, PyTorch's <c>eps</c>, added to the bias-corrected root.</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="beta1"/> or <paramref name="beta2"/> is outside [0, 1), <paramref name="epsilon"/> is not positive
    /// and finite, or <paramref name="weightDecay"/> is negative or not finite.
    /// </exception>
    public Adam(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(buffers)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(beta1);
        ThrowHelper.CheckUnitIntervalHalfOpen(beta2);
        ThrowHelper.CheckPositive(epsilon);
        ThrowHelper.CheckNonNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _expAvg = CreateStates("exp_avg", T.Zero);
        _expAvgSq = CreateStates("exp_avg_sq", T.Zero);
    }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adam;

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    public double Epsilon { get; }

    /// <summary>λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        var scalars = AdamKernel.Scalars<T>.For(learningRate, stepNumber, Beta1, Beta2, Epsilon, WeightDecay, decoupled: false);
        for (int index = 0; index < buffers.Length; index++)
        {
            AdamKernel.Apply(buffers[index].Parameters, buffers[index].Gradients, _expAvg[index], _expAvgSq[index], scalars);
        }
    }
}
