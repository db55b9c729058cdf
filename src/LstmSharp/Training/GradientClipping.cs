using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LstmSharp.Training;

/// <summary>
/// Gradient clipping over a model's gradient buffers, with the semantics of PyTorch's
/// <c>torch.nn.utils.clip_grad_norm_</c> (L2 norm) and <c>clip_grad_value_</c>. The norm is accumulated in double
/// for every element type, in a fixed order, so it is the same on every run.
/// </summary>
public static class GradientClipping
{
    // PyTorch's clip_grad_norm_ adds this to the norm before dividing, so a clipped norm lands just under maxNorm.
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Scales every gradient by <c>maxNorm / (total + 1e-6)</c> when the global L2 norm <c>total = √(Σ g²)</c> over all
    /// gradient buffers exceeds <paramref name="maxNorm"/>; leaves them untouched otherwise.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffers">The parameter and gradient buffers (only the gradients are read and written).</param>
    /// <param name="maxNorm">The largest global norm to allow, PyTorch's <c>max_norm</c>.</param>
    /// <returns>
    /// The global norm before clipping. NaN or infinity in any gradient makes it NaN or infinity, so a caller can detect
    /// divergence; a NaN norm leaves the gradients as they are.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its gradient arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers, double maxNorm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.CheckPositive(maxNorm);
        double total = GlobalNorm(buffers);
        if (total > maxNorm)
        {
            T scale = T.CreateChecked(maxNorm / (total + NormEpsilon));
            for (int index = 0; index < buffers.Count; index++)
            {
                T[] gradients = buffers[index].Gradients;
                TensorPrimitives.Multiply(gradients, scale, gradients);
            }
        }

        return total;
    }

    /// <summary>Effectively computes <c>√(Σ g²)</c> over every gradient of every buffer, accumulating in double. Changes nothing.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffers">The parameter and gradient buffers (only the gradients are read).</param>
    /// <returns>The global L2 norm: NaN if any gradient is NaN, otherwise infinity if any is infinite.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its gradient arrays is <see langword="null"/>.</exception>
    public static double GlobalNorm<T>(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(buffers);
        double sum = 0;
        for (int index = 0; index < buffers.Count; index++)
        {
            T[] gradients = buffers[index].Gradients ?? ThrowHelper.ThrowNull<T[]>(nameof(buffers), $"Buffer pair {index} has null gradients.");
            sum += SumOfSquares<T>(gradients);
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Effectively computes <c>g = clamp(g, −clipValue, clipValue)</c> for every gradient, PyTorch's <c>clip_grad_value_</c>. NaN stays NaN.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffers">The parameter and gradient buffers (only the gradients are written).</param>
    /// <param name="clipValue">The largest magnitude to allow, PyTorch's <c>clip_value</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its gradient arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not positive and finite.</exception>
    public static void ClipByValue<T>(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers, double clipValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ThrowHelper.CheckPositive(clipValue);
        T max = T.CreateChecked(clipValue);
        for (int index = 0; index < buffers.Count; index++)
        {
            T[] gradients = buffers[index].Gradients ?? ThrowHelper.ThrowNull<T[]>(nameof(buffers), $"Buffer pair {index} has null gradients.");
            TensorPrimitives.Clamp<T>(gradients, -max, max, gradients);
        }
    }

    // Σ x² in double. float squares are exact in double, so the float path only rounds in the additions.
    private static double SumOfSquares<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return SumOfSquares(MemoryMarshal.Cast<T, float>(values));
        }

        if (typeof(T) == typeof(double))
        {
            return SumOfSquares(MemoryMarshal.Cast<T, double>(values));
        }

        return AddSquares(values, 0);
    }

    // The scalar chain sum + x₀² + x₁² + … in order: the tail of both vector paths, and all of any other element type.
    private static double AddSquares<T>(ReadOnlySpan<T> values, double sum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T value in values)
        {
            double x = double.CreateChecked(value);
            sum += x * x;
        }

        return sum;
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        int index = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ref float source = ref MemoryMarshal.GetReference(values);
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;   // two accumulators: the widened halves
            for (; index <= values.Length - Vector<float>.Count; index += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)index), out Vector<double> first, out Vector<double> second);
                low += first * first;
                high += second * second;
            }

            sum = Vector.Sum(low + high);
        }

        return AddSquares(values[index..], sum);
    }

    private static double SumOfSquares(ReadOnlySpan<double> values)
    {
        int index = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            ref double source = ref MemoryMarshal.GetReference(values);
            Vector<double> accumulator = Vector<double>.Zero;
            for (; index <= values.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                Vector<double> x = Vector.LoadUnsafe(ref source, (nuint)index);
                accumulator += x * x;
            }

            sum = Vector.Sum(accumulator);
        }

        return AddSquares(values[index..], sum);
    }
}
