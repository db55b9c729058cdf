using System.Numerics;
using System.Runtime.InteropServices;

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
/// With <see cref="EpsilonPlacement"/> = <see cref="Training.EpsilonPlacement.InsideRoot"/> the last line is the
/// article's θ = θ − γ̃ · g / √(sum + ε).
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
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRateDecay"/>, <paramref name="weightDecay"/> or <paramref name="initialAccumulatorValue"/> is
    /// negative or not finite, or <paramref name="epsilon"/> is not positive and finite.
    /// </exception>
    public Adagrad(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double learningRateDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10)
        : base(buffers)
    {
        ThrowHelper.CheckNonNegative(learningRateDecay);
        ThrowHelper.CheckNonNegative(weightDecay);
        ThrowHelper.CheckNonNegative(initialAccumulatorValue);
        ThrowHelper.CheckPositive(epsilon);
        LearningRateDecay = learningRateDecay;
        WeightDecay = weightDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
        _sums = CreateStates("sum", T.CreateChecked(initialAccumulatorValue));
    }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adagrad;

    /// <summary>η, PyTorch's <c>lr_decay</c>.</summary>
    public double LearningRateDecay { get; }

    /// <summary>λ, PyTorch's <c>weight_decay</c> (L2, added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>τ, PyTorch's <c>initial_accumulator_value</c>.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    public double Epsilon { get; }

    /// <summary>Where ε is added: outside the root (PyTorch, the default) or inside it (the article).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not defined.</exception>
    public EpsilonPlacement EpsilonPlacement
    {
        get;
        init => field = Enum.IsDefined(value) ? value : ThrowHelper.ThrowOutOfRange<EpsilonPlacement>(nameof(value), value, "Unknown ε placement.");
    }

    /// <inheritdoc/>
    protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        double decayedRate = learningRate / (1 + (stepNumber - 1) * LearningRateDecay);
        var scalars = new Scalars(T.CreateChecked(decayedRate), T.CreateChecked(WeightDecay), T.CreateChecked(Epsilon), WeightDecay != 0,
            EpsilonPlacement == EpsilonPlacement.InsideRoot);
        for (int index = 0; index < buffers.Length; index++)
        {
            Apply(buffers[index].Parameters, buffers[index].Gradients, _sums[index], scalars);
        }
    }

    // θ (n), ∇ (n), sum (n): one fused pass, Vector<T> body and scalar tail with the same arithmetic.
    private static void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> sums, in Scalars s)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && parameters.Length >= Vector<T>.Count)
        {
            ref T theta = ref MemoryMarshal.GetReference(parameters);
            ref T grad = ref MemoryMarshal.GetReference(gradients);
            ref T sum = ref MemoryMarshal.GetReference(sums);
            var learningRate = new Vector<T>(s.LearningRate);
            var weightDecay = new Vector<T>(s.WeightDecay);
            var epsilon = new Vector<T>(s.Epsilon);
            for (; index <= parameters.Length - Vector<T>.Count; index += Vector<T>.Count)
            {
                nuint offset = (nuint)index;
                Vector<T> p = Vector.LoadUnsafe(ref theta, offset);
                Vector<T> g = Vector.LoadUnsafe(ref grad, offset);
                if (s.HasWeightDecay)
                {
                    g += weightDecay * p;
                }

                Vector<T> total = Vector.LoadUnsafe(ref sum, offset) + g * g;
                total.StoreUnsafe(ref sum, offset);
                Vector<T> denominator = s.EpsilonInsideRoot ? Vector.SquareRoot(total + epsilon) : Vector.SquareRoot(total) + epsilon;
                (p - learningRate * (g / denominator)).StoreUnsafe(ref theta, offset);
            }
        }

        for (; index < parameters.Length; index++)
        {
            T p = parameters[index];
            T g = gradients[index];
            if (s.HasWeightDecay)
            {
                g += s.WeightDecay * p;
            }

            T total = sums[index] + g * g;
            sums[index] = total;
            T denominator = s.EpsilonInsideRoot ? T.Sqrt(total + s.Epsilon) : T.Sqrt(total) + s.Epsilon;
            parameters[index] = p - s.LearningRate * (g / denominator);
        }
    }

    private readonly record struct Scalars(T LearningRate, T WeightDecay, T Epsilon, bool HasWeightDecay, bool EpsilonInsideRoot);
}
