using System.Numerics;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Training;

/// <summary>
/// Adagrad, PyTorch's <c>torch.optim.Adagrad</c>. With learning-rate decay η, weight decay λ, initial accumulator
/// value τ (the sum starts at τ) and ε, step t effectively computes
/// <code>
/// γ̃ = γ / (1 + (t − 1)η)
/// g = ∇ + λθ
/// sum = sum + g²
/// θ = θ − γ̃ · g / (√sum + ε)
/// </code>
/// With ε placed <see cref="EpsilonPlacement.InsideRoot"/> the last line is the article's θ = θ − γ̃ · g / √(sum + ε).
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public sealed class Adagrad<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _sums;   // per buffer: PyTorch's state_sum, named "sum"

    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="learningRateDecay">η, PyTorch's <c>lr_decay</c>.</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">τ, PyTorch's <c>initial_accumulator_value</c>: where every sum starts.</param>
    /// <param name="epsilon">ε, PyTorch's <c>eps</c>, added to the root of the sum.</param>
    /// <param name="epsilonPlacement">Where ε is added: outside the root (PyTorch, the default) or inside it (the article).</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRateDecay"/>, <paramref name="weightDecay"/> or <paramref name="initialAccumulatorValue"/> is
    /// negative or not finite, <paramref name="epsilon"/> is not positive and finite, or <paramref name="epsilonPlacement"/> is not defined.
    /// </exception>
    public Adagrad(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double learningRateDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10,
        EpsilonPlacement epsilonPlacement = EpsilonPlacement.OutsideRoot)
        : base(buffers, OptimizerKind.Adagrad, weightDecay)
    {
        ThrowHelper.CheckNonNegative(learningRateDecay);
        ThrowHelper.CheckNonNegative(initialAccumulatorValue);
        ThrowHelper.CheckPositive(epsilon);
        ThrowHelper.CheckDefined(epsilonPlacement, "Unknown ε placement.");
        LearningRateDecay = learningRateDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
        EpsilonPlacement = epsilonPlacement;
        _sums = CreateStates("sum", T.CreateChecked(initialAccumulatorValue));
    }

    /// <summary>η, PyTorch's <c>lr_decay</c>.</summary>
    internal double LearningRateDecay { get; }

    /// <summary>τ, PyTorch's <c>initial_accumulator_value</c>.</summary>
    internal double InitialAccumulatorValue { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    internal double Epsilon { get; }

    /// <summary>Where ε is added: outside the root (PyTorch) or inside it (the article).</summary>
    internal EpsilonPlacement EpsilonPlacement { get; }

    private protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        double decayedRate = learningRate / (1 + (stepNumber - 1) * LearningRateDecay);
        for (int index = 0; index < buffers.Length; index++)
        {
            var rule = new Rule(T.CreateChecked(decayedRate), T.CreateChecked(WeightDecay), T.CreateChecked(Epsilon), WeightDecay != 0,
                EpsilonPlacement == EpsilonPlacement.InsideRoot, _sums[index]);
            ElementwiseUpdate.Apply<Rule, T>(rule, buffers[index].Parameters, buffers[index].Gradients);
        }
    }

    // One step for one buffer, with γ already decayed.
    private readonly record struct Rule(T LearningRate, T WeightDecay, T Epsilon, bool HasWeightDecay, bool EpsilonInsideRoot, T[] Sums)
        : IUpdateRule<T>
    {
        public void Invoke<TLanes>(ref T parameters, ref T gradients, nuint index) where TLanes : struct, ILanes<TLanes, T>
        {
            ref T sums = ref MemoryMarshal.GetArrayDataReference(Sums);
            TLanes p = TLanes.Load(ref parameters, index);
            TLanes g = TLanes.Load(ref gradients, index);
            if (HasWeightDecay)
            {
                g += TLanes.Create(WeightDecay) * p;
            }

            TLanes total = TLanes.Load(ref sums, index) + g * g;
            TLanes.Store(total, ref sums, index);
            TLanes epsilon = TLanes.Create(Epsilon);
            TLanes denominator = EpsilonInsideRoot ? TLanes.Sqrt(total + epsilon) : TLanes.Sqrt(total) + epsilon;
            TLanes.Store(p - TLanes.Create(LearningRate) * (g / denominator), ref parameters, index);
        }
    }
}
