using System.Numerics;
using System.Runtime.InteropServices;

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
        : base(buffers)
    {
        ThrowHelper.CheckNonNegative(momentum);
        ThrowHelper.CheckUnitInterval(dampening);
        ThrowHelper.CheckNonNegative(weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            ThrowHelper.ThrowOutOfRange(nameof(nesterov), nesterov, "Nesterov momentum needs a positive momentum and zero dampening.");
        }

        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _momentumBuffers = momentum != 0 ? CreateStates("momentum_buffer", T.Zero) : [];
    }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Sgd;

    /// <summary>μ, PyTorch's <c>momentum</c>.</summary>
    public double Momentum { get; }

    /// <summary>τ, PyTorch's <c>dampening</c>.</summary>
    public double Dampening { get; }

    /// <summary>λ, PyTorch's <c>weight_decay</c> (L2, added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        var scalars = new Scalars(
            T.CreateChecked(learningRate), T.CreateChecked(WeightDecay), T.CreateChecked(Momentum),
            T.CreateChecked(1 - Dampening), WeightDecay != 0, Momentum != 0, Nesterov, stepNumber == 1);
        for (int index = 0; index < buffers.Length; index++)
        {
            Apply(buffers[index].Parameters, buffers[index].Gradients, scalars.HasMomentum ? _momentumBuffers[index] : [], scalars);
        }
    }

    // θ (n), ∇ (n), b (n, or empty without momentum): one fused pass, Vector<T> body and scalar tail with the same arithmetic.
    private static void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> momentumBuffer, in Scalars s)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && parameters.Length >= Vector<T>.Count)
        {
            ref T theta = ref MemoryMarshal.GetReference(parameters);
            ref T grad = ref MemoryMarshal.GetReference(gradients);
            ref T buffer = ref MemoryMarshal.GetReference(momentumBuffer);
            var learningRate = new Vector<T>(s.LearningRate);
            var weightDecay = new Vector<T>(s.WeightDecay);
            var momentum = new Vector<T>(s.Momentum);
            var oneMinusDampening = new Vector<T>(s.OneMinusDampening);
            for (; index <= parameters.Length - Vector<T>.Count; index += Vector<T>.Count)
            {
                nuint offset = (nuint)index;
                Vector<T> p = Vector.LoadUnsafe(ref theta, offset);
                Vector<T> g = Vector.LoadUnsafe(ref grad, offset);
                if (s.HasWeightDecay)
                {
                    g += weightDecay * p;
                }

                if (s.HasMomentum)
                {
                    Vector<T> b = s.FirstStep ? g : momentum * Vector.LoadUnsafe(ref buffer, offset) + oneMinusDampening * g;
                    b.StoreUnsafe(ref buffer, offset);
                    g = s.Nesterov ? g + momentum * b : b;
                }

                (p - learningRate * g).StoreUnsafe(ref theta, offset);
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

            if (s.HasMomentum)
            {
                T b = s.FirstStep ? g : s.Momentum * momentumBuffer[index] + s.OneMinusDampening * g;
                momentumBuffer[index] = b;
                g = s.Nesterov ? g + s.Momentum * b : b;
            }

            parameters[index] = p - s.LearningRate * g;
        }
    }

    private readonly record struct Scalars(
        T LearningRate, T WeightDecay, T Momentum, T OneMinusDampening,
        bool HasWeightDecay, bool HasMomentum, bool Nesterov, bool FirstStep);
}
