using System.Numerics;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, PyTorch's <c>torch.optim.SGD</c>. With weight decay λ,
/// momentum μ and dampening τ, step t effectively computes
/// <code>
/// g = ∇ + λθ
/// b = (t == 1) ? g : μb + (1 − τ)g          (when μ ≠ 0)
/// g = nesterov ? g + μb : b                 (when μ ≠ 0)
/// θ = θ − γg
/// </code>
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _momentumBuffers;   // per buffer: b, PyTorch's momentum_buffer (absent when μ = 0)

    /// <summary>Binds to <paramref name="buffers"/> with PyTorch's defaults (plain SGD).</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers.</param>
    /// <param name="momentum">μ, PyTorch's <c>momentum</c>: 0 turns momentum off.</param>
    /// <param name="dampening">τ, PyTorch's <c>dampening</c>, in [0, 1].</param>
    /// <param name="weightDecay">λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (PyTorch's <c>nesterov</c>); needs μ &gt; 0 and τ = 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="momentum"/> or <paramref name="weightDecay"/> is negative or not finite, <paramref name="dampening"/>
    /// is outside [0, 1], or <paramref name="nesterov"/> is set without momentum or with dampening.
    /// </exception>
    public Sgd(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers,
        double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(buffers, OptimizerKind.Sgd, weightDecay)
    {
        ThrowHelper.CheckNonNegative(momentum);
        ThrowHelper.CheckUnitInterval(dampening);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(nesterov), nesterov, "Nesterov momentum needs a positive momentum and zero dampening.");
        }

        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        _momentumBuffers = momentum != 0 ? CreateStates("momentum_buffer", T.Zero) : [];
    }

    /// <summary>μ, PyTorch's <c>momentum</c>.</summary>
    internal double Momentum { get; }

    /// <summary>τ, PyTorch's <c>dampening</c>.</summary>
    internal double Dampening { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    internal bool Nesterov { get; }

    private protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        for (int index = 0; index < buffers.Length; index++)
        {
            var rule = new Rule(
                T.CreateChecked(learningRate), T.CreateChecked(WeightDecay), T.CreateChecked(Momentum), T.CreateChecked(1 - Dampening),
                WeightDecay != 0, Momentum != 0, Nesterov, stepNumber == 1, Momentum != 0 ? _momentumBuffers[index] : []);
            ElementwiseUpdate.Apply<Rule, T>(rule, buffers[index].Parameters, buffers[index].Gradients);
        }
    }

    // One step for one buffer; b (the buffer's momentum_buffer) is empty without momentum.
    private readonly record struct Rule(
        T LearningRate, T WeightDecay, T Momentum, T OneMinusDampening,
        bool HasWeightDecay, bool HasMomentum, bool Nesterov, bool FirstStep, T[] MomentumBuffer) : IUpdateRule<T>
    {
        public void Invoke<TLanes>(ref T parameters, ref T gradients, nuint index) where TLanes : struct, ILanes<TLanes, T>
        {
            TLanes p = TLanes.Load(ref parameters, index);
            TLanes g = TLanes.Load(ref gradients, index);
            if (HasWeightDecay)
            {
                g += TLanes.Create(WeightDecay) * p;
            }

            if (HasMomentum)
            {
                ref T buffer = ref MemoryMarshal.GetArrayDataReference(MomentumBuffer);
                TLanes b = FirstStep ? g : TLanes.Create(Momentum) * TLanes.Load(ref buffer, index) + TLanes.Create(OneMinusDampening) * g;
                TLanes.Store(b, ref buffer, index);
                g = Nesterov ? g + TLanes.Create(Momentum) * b : b;
            }

            TLanes.Store(p - TLanes.Create(LearningRate) * g, ref parameters, index);
        }
    }
}
