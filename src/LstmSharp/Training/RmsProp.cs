using System.Numerics;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Training;

/// <summary>
/// RMSprop, PyTorch's <c>torch.optim.RMSprop</c> (ε added after the square root). With smoothing α, weight decay λ,
/// momentum μ and ε, each step effectively computes
/// <code>
/// g = ∇ + λθ
/// v = αv + (1 − α)g²
/// centered:  a = αa + (1 − α)g;  d = √(v − a²) + ε     otherwise d = √v + ε
/// μ &gt; 0:     b = μb + g/d;  θ = θ − γb                  otherwise θ = θ − γ·g/d
/// </code>
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _squareAverages;     // per buffer: v, PyTorch's square_avg
    private readonly T[][] _momentumBuffers;    // per buffer: b, PyTorch's momentum_buffer (only when μ > 0)
    private readonly T[][] _gradientAverages;   // per buffer: a, PyTorch's grad_avg (only when centered)

    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="alpha">α, PyTorch's <c>alpha</c>: the smoothing constant, in [0, 1).</param>
    /// <param name="epsilon">ε, PyTorch's <c>eps</c>, added to the root.</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient.</param>
    /// <param name="momentum">μ, PyTorch's <c>momentum</c>: 0 turns momentum off.</param>
    /// <param name="centered">Whether to normalize by the estimated variance rather than the raw second moment (PyTorch's <c>centered</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="alpha"/> is outside [0, 1), <paramref name="epsilon"/> is not positive and finite, or
    /// <paramref name="weightDecay"/> or <paramref name="momentum"/> is negative or not finite.
    /// </exception>
    public RmsProp(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(buffers, OptimizerKind.RmsProp, weightDecay)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(alpha);
        ThrowHelper.CheckPositive(epsilon);
        ThrowHelper.CheckNonNegative(momentum);
        Alpha = alpha;
        Epsilon = epsilon;
        Momentum = momentum;
        Centered = centered;
        _squareAverages = CreateStates("square_avg", T.Zero);
        _momentumBuffers = momentum > 0 ? CreateStates("momentum_buffer", T.Zero) : [];
        _gradientAverages = centered ? CreateStates("grad_avg", T.Zero) : [];
    }

    /// <summary>α, PyTorch's <c>alpha</c>.</summary>
    internal double Alpha { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    internal double Epsilon { get; }

    /// <summary>μ, PyTorch's <c>momentum</c>.</summary>
    internal double Momentum { get; }

    /// <summary>Whether this is centered RMSprop.</summary>
    internal bool Centered { get; }

    private protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        bool hasMomentum = Momentum > 0;
        for (int index = 0; index < buffers.Length; index++)
        {
            var rule = new Rule(
                T.CreateChecked(learningRate), T.CreateChecked(WeightDecay), T.CreateChecked(Alpha), T.CreateChecked(1 - Alpha),
                T.CreateChecked(Epsilon), T.CreateChecked(Momentum), WeightDecay != 0, hasMomentum, Centered,
                _squareAverages[index], hasMomentum ? _momentumBuffers[index] : [], Centered ? _gradientAverages[index] : []);
            ElementwiseUpdate.Apply<Rule, T>(rule, buffers[index].Parameters, buffers[index].Gradients);
        }
    }

    // One step for one buffer: v always, b only with momentum, a only when centered (empty otherwise).
    private readonly record struct Rule(
        T LearningRate, T WeightDecay, T Alpha, T OneMinusAlpha, T Epsilon, T Momentum,
        bool HasWeightDecay, bool HasMomentum, bool Centered,
        T[] SquareAverages, T[] MomentumBuffer, T[] GradientAverages) : IUpdateRule<T>
    {
        public void Invoke<TLanes>(ref T parameters, ref T gradients, nuint index) where TLanes : struct, ILanes<TLanes, T>
        {
            ref T square = ref MemoryMarshal.GetArrayDataReference(SquareAverages);
            TLanes alpha = TLanes.Create(Alpha), oneMinusAlpha = TLanes.Create(OneMinusAlpha);
            TLanes p = TLanes.Load(ref parameters, index);
            TLanes g = TLanes.Load(ref gradients, index);
            if (HasWeightDecay)
            {
                g += TLanes.Create(WeightDecay) * p;
            }

            TLanes v = alpha * TLanes.Load(ref square, index) + oneMinusAlpha * (g * g);
            TLanes.Store(v, ref square, index);
            if (Centered)
            {
                ref T average = ref MemoryMarshal.GetArrayDataReference(GradientAverages);
                TLanes a = alpha * TLanes.Load(ref average, index) + oneMinusAlpha * g;
                TLanes.Store(a, ref average, index);
                v -= a * a;
            }

            TLanes scaled = g / (TLanes.Sqrt(v) + TLanes.Create(Epsilon));
            if (HasMomentum)
            {
                ref T buffer = ref MemoryMarshal.GetArrayDataReference(MomentumBuffer);
                TLanes b = TLanes.Create(Momentum) * TLanes.Load(ref buffer, index) + scaled;
                TLanes.Store(b, ref buffer, index);
                scaled = b;
            }

            TLanes.Store(p - TLanes.Create(LearningRate) * scaled, ref parameters, index);
        }
    }
}
