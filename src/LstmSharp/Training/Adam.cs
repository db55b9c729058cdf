using System.Numerics;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Training;

/// <summary>
/// Adam, PyTorch's <c>torch.optim.Adam</c>. With β₁, β₂, ε and weight decay λ, step t effectively computes
/// <code>
/// g = ∇ + λθ                      (L2, the default)      or   θ = θ − γλθ,  g = ∇   (decoupled: AdamW)
/// m = β₁m + (1 − β₁)g
/// v = β₂v + (1 − β₂)g²
/// θ = θ − γ · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// </code>
/// The implementation evaluates the last line as PyTorch does: <c>θ − (γ/(1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)</c>.
/// With <c>decoupledWeightDecay</c> (PyTorch's <c>decoupled_weight_decay</c>) this is AdamW, which
/// <see cref="AdamW{T}"/> names.
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _expAvg;     // per buffer: m, PyTorch's exp_avg
    private readonly T[][] _expAvgSq;   // per buffer: v, PyTorch's exp_avg_sq

    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="beta1">β₁, the first of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="beta2">β₂, the second of PyTorch's <c>betas</c>, in [0, 1).</param>
    /// <param name="epsilon">ε, PyTorch's <c>eps</c>, added to the bias-corrected root.</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient, or with
    /// <paramref name="decoupledWeightDecay"/> the shrink θ·(1 − γλ) before the Adam update.</param>
    /// <param name="decoupledWeightDecay">
    /// PyTorch's <c>decoupled_weight_decay</c>: decay θ directly instead of adding λθ to the gradient, so the decay never
    /// enters the moments (Loshchilov and Hutter's AdamW, which <see cref="AdamW{T}"/> names).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="beta1"/> or <paramref name="beta2"/> is outside [0, 1), <paramref name="epsilon"/> is not positive
    /// and finite, or <paramref name="weightDecay"/> is negative or not finite.
    /// </exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0022:Constructor make noninheritable base class inheritable",
        Justification = "Adam is open only so that AdamW can name it; Optimizer<T> has no protected members, so a user's subclass can change nothing.")]
    public Adam(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool decoupledWeightDecay = false)
        : base(buffers, decoupledWeightDecay ? OptimizerKind.AdamW : OptimizerKind.Adam, weightDecay)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(beta1);
        ThrowHelper.CheckUnitIntervalHalfOpen(beta2);
        ThrowHelper.CheckPositive(epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        DecoupledWeightDecay = decoupledWeightDecay;
        _expAvg = CreateStates("exp_avg", T.Zero);
        _expAvgSq = CreateStates("exp_avg_sq", T.Zero);
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    internal double Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    internal double Beta2 { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    internal double Epsilon { get; }

    /// <summary>Whether <see cref="Optimizer{T}.WeightDecay"/> is decoupled (AdamW) rather than an L2 penalty in the gradient.</summary>
    internal bool DecoupledWeightDecay { get; }

    private protected sealed override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        // The bias corrections in double, as PyTorch computes them in Python floats, then rounded to T.
        double biasCorrection1 = 1 - Math.Pow(Beta1, stepNumber);
        double biasCorrection2 = 1 - Math.Pow(Beta2, stepNumber);
        for (int index = 0; index < buffers.Length; index++)
        {
            var rule = new Rule(
                T.CreateChecked(Beta1), T.CreateChecked(1 - Beta1), T.CreateChecked(Beta2), T.CreateChecked(1 - Beta2),
                T.CreateChecked(learningRate / biasCorrection1), T.CreateChecked(Math.Sqrt(biasCorrection2)), T.CreateChecked(Epsilon),
                T.CreateChecked(WeightDecay), T.CreateChecked(1 - learningRate * WeightDecay),
                !DecoupledWeightDecay && WeightDecay != 0, DecoupledWeightDecay && WeightDecay != 0, _expAvg[index], _expAvgSq[index]);
            ElementwiseUpdate.Apply<Rule, T>(rule, buffers[index].Parameters, buffers[index].Gradients);
        }
    }

    // One step for one buffer; StepSize = γ/(1 − β₁ᵗ), DecoupledDecayFactor = 1 − γλ.
    private readonly record struct Rule(
        T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T StepSize, T BiasCorrection2Sqrt, T Epsilon,
        T L2WeightDecay, T DecoupledDecayFactor, bool HasL2WeightDecay, bool HasDecoupledWeightDecay,
        T[] ExpAvg, T[] ExpAvgSq) : IUpdateRule<T>
    {
        public void Invoke<TLanes>(ref T parameters, ref T gradients, nuint index) where TLanes : struct, ILanes<TLanes, T>
        {
            ref T first = ref MemoryMarshal.GetArrayDataReference(ExpAvg);
            ref T second = ref MemoryMarshal.GetArrayDataReference(ExpAvgSq);
            TLanes p = TLanes.Load(ref parameters, index);
            TLanes g = TLanes.Load(ref gradients, index);
            if (HasDecoupledWeightDecay)
            {
                p *= TLanes.Create(DecoupledDecayFactor);
            }

            if (HasL2WeightDecay)
            {
                g += TLanes.Create(L2WeightDecay) * p;
            }

            TLanes m = TLanes.Create(Beta1) * TLanes.Load(ref first, index) + TLanes.Create(OneMinusBeta1) * g;
            TLanes v = TLanes.Create(Beta2) * TLanes.Load(ref second, index) + TLanes.Create(OneMinusBeta2) * (g * g);
            TLanes.Store(m, ref first, index);
            TLanes.Store(v, ref second, index);
            TLanes denominator = TLanes.Sqrt(v) / TLanes.Create(BiasCorrection2Sqrt) + TLanes.Create(Epsilon);
            TLanes.Store(p - TLanes.Create(StepSize) * (m / denominator), ref parameters, index);
        }
    }
}
