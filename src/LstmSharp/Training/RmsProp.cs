using System.Numerics;
using System.Runtime.InteropServices;

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
        : base(buffers)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(alpha);
        ThrowHelper.CheckPositive(epsilon);
        ThrowHelper.CheckNonNegative(weightDecay);
        ThrowHelper.CheckNonNegative(momentum);
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _squareAverages = CreateStates("square_avg", T.Zero);
        _momentumBuffers = momentum > 0 ? CreateStates("momentum_buffer", T.Zero) : [];
        _gradientAverages = centered ? CreateStates("grad_avg", T.Zero) : [];
    }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.RmsProp;

    /// <summary>α, PyTorch's <c>alpha</c>.</summary>
    public double Alpha { get; }

    /// <summary>ε, PyTorch's <c>eps</c>.</summary>
    public double Epsilon { get; }

    /// <summary>λ, PyTorch's <c>weight_decay</c> (L2, added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>μ, PyTorch's <c>momentum</c>.</summary>
    public double Momentum { get; }

    /// <summary>Whether this is centered RMSprop.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override void Update(double learningRate, long stepNumber)
    {
        ReadOnlySpan<(T[] Parameters, T[] Gradients)> buffers = Buffers;
        var scalars = new Scalars(
            T.CreateChecked(learningRate), T.CreateChecked(WeightDecay), T.CreateChecked(Alpha), T.CreateChecked(1 - Alpha),
            T.CreateChecked(Epsilon), T.CreateChecked(Momentum), WeightDecay != 0, Momentum > 0, Centered);
        for (int index = 0; index < buffers.Length; index++)
        {
            Apply(buffers[index].Parameters, buffers[index].Gradients, _squareAverages[index],
                scalars.HasMomentum ? _momentumBuffers[index] : [], scalars.Centered ? _gradientAverages[index] : [], scalars);
        }
    }

    // θ, ∇, v (n each); b, a (n, or empty when unused): one fused pass, Vector<T> body and scalar tail with the same arithmetic.
    private static void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAverages,
        Span<T> momentumBuffer, Span<T> gradientAverages, in Scalars s)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && parameters.Length >= Vector<T>.Count)
        {
            ref T theta = ref MemoryMarshal.GetReference(parameters);
            ref T grad = ref MemoryMarshal.GetReference(gradients);
            ref T square = ref MemoryMarshal.GetReference(squareAverages);
            ref T buffer = ref MemoryMarshal.GetReference(momentumBuffer);
            ref T average = ref MemoryMarshal.GetReference(gradientAverages);
            var learningRate = new Vector<T>(s.LearningRate);
            var weightDecay = new Vector<T>(s.WeightDecay);
            var alpha = new Vector<T>(s.Alpha);
            var oneMinusAlpha = new Vector<T>(s.OneMinusAlpha);
            var epsilon = new Vector<T>(s.Epsilon);
            var momentum = new Vector<T>(s.Momentum);
            for (; index <= parameters.Length - Vector<T>.Count; index += Vector<T>.Count)
            {
                nuint offset = (nuint)index;
                Vector<T> p = Vector.LoadUnsafe(ref theta, offset);
                Vector<T> g = Vector.LoadUnsafe(ref grad, offset);
                if (s.HasWeightDecay)
                {
                    g += weightDecay * p;
                }

                Vector<T> v = alpha * Vector.LoadUnsafe(ref square, offset) + oneMinusAlpha * (g * g);
                v.StoreUnsafe(ref square, offset);
                if (s.Centered)
                {
                    Vector<T> a = alpha * Vector.LoadUnsafe(ref average, offset) + oneMinusAlpha * g;
                    a.StoreUnsafe(ref average, offset);
                    v -= a * a;
                }

                Vector<T> scaled = g / (Vector.SquareRoot(v) + epsilon);
                if (s.HasMomentum)
                {
                    Vector<T> b = momentum * Vector.LoadUnsafe(ref buffer, offset) + scaled;
                    b.StoreUnsafe(ref buffer, offset);
                    scaled = b;
                }

                (p - learningRate * scaled).StoreUnsafe(ref theta, offset);
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

            T v = s.Alpha * squareAverages[index] + s.OneMinusAlpha * (g * g);
            squareAverages[index] = v;
            if (s.Centered)
            {
                T a = s.Alpha * gradientAverages[index] + s.OneMinusAlpha * g;
                gradientAverages[index] = a;
                v -= a * a;
            }

            T scaled = g / (T.Sqrt(v) + s.Epsilon);
            if (s.HasMomentum)
            {
                T b = s.Momentum * momentumBuffer[index] + scaled;
                momentumBuffer[index] = b;
                scaled = b;
            }

            parameters[index] = p - s.LearningRate * scaled;
        }
    }

    private readonly record struct Scalars(
        T LearningRate, T WeightDecay, T Alpha, T OneMinusAlpha, T Epsilon, T Momentum,
        bool HasWeightDecay, bool HasMomentum, bool Centered);
}
