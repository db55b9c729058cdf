using System.Numerics;
using System.Numerics.Tensors;

namespace LstmSharp.Kernels;

/// <summary>
/// Row-major matrix multiply-accumulate in the three forms training needs. TensorPrimitives has no matrix
/// multiply, so this is ours. Every form adds into the destination; callers clear it first when they want a plain product.
/// </summary>
internal static class Gemm
{
    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[i, p] · b[p, j]</c>: C (m, n) += A (m, k) · B (k, n).</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, m * k, b.Length, k * n, c.Length, m * n);
        for (int i = 0; i < m; i++)
        {
            Span<T> cRow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[i * k + p], cRow, cRow);
            }
        }
    }

    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[p, i] · b[p, j]</c>: C (m, n) += Aᵀ · B with A (k, m) and B (k, n).</summary>
    public static void MultiplyTransposedAAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, k * m, b.Length, k * n, c.Length, m * n);
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<T> bRow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                Span<T> cRow = c.Slice(i * n, n);
                TensorPrimitives.MultiplyAdd(bRow, a[p * m + i], cRow, cRow);
            }
        }
    }

    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[i, p] · b[j, p]</c>: C (m, n) += A · Bᵀ with A (m, k) and B (n, k).</summary>
    public static void MultiplyTransposedBAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, m * k, b.Length, n * k, c.Length, m * n);
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                c[i * n + j] += TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
            }
        }
    }

    private static void CheckShapes(int aLength, int aExpected, int bLength, int bExpected, int cLength, int cExpected)
    {
        if (aLength < aExpected || bLength < bExpected || cLength < cExpected)
        {
            ThrowHelper.ThrowShapeMismatch();
        }
    }
}
