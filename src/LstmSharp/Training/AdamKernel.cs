using System.Numerics;
using System.Runtime.InteropServices;

namespace LstmSharp.Training;

/// <summary>The update shared by <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>, in PyTorch's arithmetic order.</summary>
internal static class AdamKernel
{
    /// <summary>The per-step scalars, derived in double and then rounded to <typeparamref name="T"/>.</summary>
    internal readonly record struct Scalars<T>(
        T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T StepSize, T BiasCorrection2Sqrt, T Epsilon,
        T L2WeightDecay, T DecoupledDecayFactor, bool HasL2WeightDecay, bool HasDecoupledWeightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Derives step <paramref name="step"/>'s scalars: the bias corrections in double, as PyTorch does in Python floats.</summary>
        public static Scalars<T> For(double learningRate, long step, double beta1, double beta2, double epsilon,
            double weightDecay, bool decoupled)
        {
            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            return new Scalars<T>(
                T.CreateChecked(beta1), T.CreateChecked(1 - beta1), T.CreateChecked(beta2), T.CreateChecked(1 - beta2),
                T.CreateChecked(learningRate / biasCorrection1), T.CreateChecked(Math.Sqrt(biasCorrection2)), T.CreateChecked(epsilon),
                T.CreateChecked(weightDecay), T.CreateChecked(1 - learningRate * weightDecay),
                !decoupled && weightDecay != 0, decoupled && weightDecay != 0);
        }
    }

    /// <summary>
    /// Effectively computes, per element: <c>θ = θ·(1 − γλ)</c> (decoupled only), <c>g = ∇ + λθ</c> (L2 only),
    /// <c>m = β₁m + (1 − β₁)g</c>, <c>v = β₂v + (1 − β₂)g²</c>, <c>θ = θ − (γ/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε)</c>.
    /// </summary>
    /// <param name="parameters">(n): θ, updated in place.</param>
    /// <param name="gradients">(n): ∇, read only.</param>
    /// <param name="expAvg">(n): m, PyTorch's <c>exp_avg</c>, updated in place.</param>
    /// <param name="expAvgSq">(n): v, PyTorch's <c>exp_avg_sq</c>, updated in place.</param>
    /// <param name="s">The step's scalars.</param>
    public static void Apply<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq, in Scalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && parameters.Length >= Vector<T>.Count)
        {
            ref T theta = ref MemoryMarshal.GetReference(parameters);
            ref T grad = ref MemoryMarshal.GetReference(gradients);
            ref T first = ref MemoryMarshal.GetReference(expAvg);
            ref T second = ref MemoryMarshal.GetReference(expAvgSq);
            var beta1 = new Vector<T>(s.Beta1);
            var oneMinusBeta1 = new Vector<T>(s.OneMinusBeta1);
            var beta2 = new Vector<T>(s.Beta2);
            var oneMinusBeta2 = new Vector<T>(s.OneMinusBeta2);
            var stepSize = new Vector<T>(s.StepSize);
            var biasCorrection2Sqrt = new Vector<T>(s.BiasCorrection2Sqrt);
            var epsilon = new Vector<T>(s.Epsilon);
            var weightDecay = new Vector<T>(s.L2WeightDecay);
            var decayFactor = new Vector<T>(s.DecoupledDecayFactor);
            for (; index <= parameters.Length - Vector<T>.Count; index += Vector<T>.Count)
            {
                nuint offset = (nuint)index;
                Vector<T> p = Vector.LoadUnsafe(ref theta, offset);
                Vector<T> g = Vector.LoadUnsafe(ref grad, offset);
                if (s.HasDecoupledWeightDecay)
                {
                    p *= decayFactor;
                }

                if (s.HasL2WeightDecay)
                {
                    g += weightDecay * p;
                }

                Vector<T> m = beta1 * Vector.LoadUnsafe(ref first, offset) + oneMinusBeta1 * g;
                Vector<T> v = beta2 * Vector.LoadUnsafe(ref second, offset) + oneMinusBeta2 * (g * g);
                m.StoreUnsafe(ref first, offset);
                v.StoreUnsafe(ref second, offset);
                Vector<T> denominator = Vector.SquareRoot(v) / biasCorrection2Sqrt + epsilon;
                (p - stepSize * (m / denominator)).StoreUnsafe(ref theta, offset);
            }
        }

        for (; index < parameters.Length; index++)
        {
            T p = parameters[index];
            T g = gradients[index];
            if (s.HasDecoupledWeightDecay)
            {
                p *= s.DecoupledDecayFactor;
            }

            if (s.HasL2WeightDecay)
            {
                g += s.L2WeightDecay * p;
            }

            T m = s.Beta1 * expAvg[index] + s.OneMinusBeta1 * g;
            T v = s.Beta2 * expAvgSq[index] + s.OneMinusBeta2 * (g * g);
            expAvg[index] = m;
            expAvgSq[index] = v;
            T denominator = T.Sqrt(v) / s.BiasCorrection2Sqrt + s.Epsilon;
            parameters[index] = p - s.StepSize * (m / denominator);
        }
    }
}
