using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

/// <summary>
/// bfloat16: the top 16 bits of an IEEE float (sign, the 8 exponent bits, 7 of the 23 mantissa bits), so it keeps
/// float's range with 8 significant bits. Weights are stored so for memory-bound inference and widened back to float
/// in registers, exactly (a shift), before float multiply-adds with float accumulation.
/// </summary>
/// <remarks>
/// Widening is a zero-extension and a 16-bit shift on every width, not AVX512-BF16's <c>VDPBF16PS</c>: .NET 10 exposes no
/// BF16 intrinsics, and <c>VDPBF16PS</c> would also round the activations to bfloat16 and pair products before adding,
/// while here only the weights lose precision and every dot product is the same chain of fused multiply-adds as the
/// float kernels' (<see cref="UnitSlicedWeights{T}.ForwardSingle"/>, the head's dot products). So the bfloat16 path gives
/// the very bits that the float path gives on a model whose weights were rounded to bfloat16, which the tests check.
/// </remarks>
internal static unsafe class BFloat16
{
    /// <summary>Rounds <paramref name="value"/> to the nearest bfloat16, ties to even; NaN stays a (quiet) NaN, overflow gives ±∞.</summary>
    /// <param name="value">The float.</param>
    /// <returns>The bfloat16 bits.</returns>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);   // keep the sign and payload's top, force the quiet bit
        }

        // Adding 0x7FFF rounds the dropped half up when it is above a half; the kept LSB breaks a tie towards even.
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>The float with the same value as bfloat16 <paramref name="bits"/> (exact).</summary>
    /// <param name="bits">The bfloat16 bits.</param>
    /// <returns>The float.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Rounds every element of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Round(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        for (int index = 0; index < source.Length; index++)
        {
            destination[index] = Round(source[index]);
        }
    }

    /// <summary>
    /// <c>y[row] += Σ_p widen(w[row, p]) · x[p]</c> for rows [<paramref name="first"/>, <paramref name="end"/>) of a
    /// row-major (·, <paramref name="k"/>) bfloat16 matrix: per row the chain of the float kernels' dot product.
    /// </summary>
    public static void DotRows(ushort* w, int k, float* x, int first, int end, float* y)
    {
        if (!SimdWidth.IsVectorized<float>())
        {
            for (int row = first; row < end; row++)
            {
                y[row] += DotTail(w + (nint)row * k, x, 0, k, 0f);
            }
        }
        else if (SimdWidth.Is512)
        {
            DotRows<Simd512<float>, Vector512<float>>(w, k, x, first, end, y);
        }
        else if (SimdWidth.Is256)
        {
            DotRows<Simd256<float>, Vector256<float>>(w, k, x, first, end, y);
        }
        else
        {
            DotRows<Simd128<float>, Vector128<float>>(w, k, x, first, end, y);
        }
    }

    /// <summary>Four rows at a time (four independent chains, x loaded once), then the rest one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows<TOps, TVector>(ushort* w, int k, float* x, int first, int end, float* y)
        where TOps : ISimdWidth<TVector, float>
        where TVector : struct
    {
        int n = TOps.Count, vectorEnd = k - k % n;
        int row = first;
        for (; row + 4 <= end; row += 4)
        {
            ushort* w0 = w + (nint)row * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            TVector s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < vectorEnd; p += n)
            {
                TVector xv = TOps.Load(x + p);
                s0 = TOps.MultiplyAdd(LoadWidened<TVector>(w0 + p), xv, s0);
                s1 = TOps.MultiplyAdd(LoadWidened<TVector>(w1 + p), xv, s1);
                s2 = TOps.MultiplyAdd(LoadWidened<TVector>(w2 + p), xv, s2);
                s3 = TOps.MultiplyAdd(LoadWidened<TVector>(w3 + p), xv, s3);
            }

            // The sums first and the tail inlined, so that no accumulator lives across a call (see UnitSlicedWeights.DotRows).
            float sum0 = TOps.Sum(s0), sum1 = TOps.Sum(s1), sum2 = TOps.Sum(s2), sum3 = TOps.Sum(s3);
            y[row] += DotTail(w0, x, vectorEnd, k, sum0);
            y[row + 1] += DotTail(w1, x, vectorEnd, k, sum1);
            y[row + 2] += DotTail(w2, x, vectorEnd, k, sum2);
            y[row + 3] += DotTail(w3, x, vectorEnd, k, sum3);
        }

        for (; row < end; row++)
        {
            ushort* w0 = w + (nint)row * k;
            TVector s0 = default;
            for (int p = 0; p < vectorEnd; p += n)
            {
                s0 = TOps.MultiplyAdd(LoadWidened<TVector>(w0 + p), TOps.Load(x + p), s0);
            }

            y[row] += DotTail(w0, x, vectorEnd, k, TOps.Sum(s0));
        }
    }

    /// <summary>One vector of bfloat16 widened to float: zero-extend each 16-bit lane to 32 bits, then shift it to the top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadWidened<TVector>(ushort* source) where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<float> value = Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load(source).ToVector512Unsafe()), 16).AsSingle();
            return Unsafe.As<Vector512<float>, TVector>(ref value);
        }

        if (typeof(TVector) == typeof(Vector256<float>))
        {
            Vector256<float> value = Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load(source).ToVector256Unsafe()), 16).AsSingle();
            return Unsafe.As<Vector256<float>, TVector>(ref value);
        }

        Vector128<float> narrow = Vector128.ShiftLeft(Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)source).AsUInt16()), 16).AsSingle();
        return Unsafe.As<Vector128<float>, TVector>(ref narrow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotTail(ushort* w, float* x, int start, int end, float sum)
    {
        for (int p = start; p < end; p++)
        {
            sum = SimdWidth.MultiplyAdd(Widen(w[p]), x[p], sum);
        }

        return sum;
    }
}
