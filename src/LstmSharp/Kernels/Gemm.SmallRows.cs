using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

// The small-row paths: row axpys for A·B and Aᵀ·B, dot-product grids for A·Bᵀ.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Few rows, B contiguous along j: each row of C takes four rows of B at a time, so C is loaded and stored once
    /// per four multiply-adds while B streams through once per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecuteAxpy<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)operands.A, b = (T*)operands.B;
        int k = operands.K, n = operands.N;
        nint ars = operands.ARowStride, acs = operands.AColumnStride, brs = operands.BRowStride;
        for (int i = rowStart; i < rowEnd; i++)
        {
            T* aRow = a + i * ars;
            T* cRow = (T*)operands.C + (nint)i * n;
            int p = 0;
            for (; p + 4 <= k; p += 4)
            {
                T a0 = aRow[p * acs], a1 = aRow[(p + 1) * acs], a2 = aRow[(p + 2) * acs], a3 = aRow[(p + 3) * acs];
                T* b0 = b + p * brs;
                AxpyRows4(a0, a1, a2, a3, b0, b0 + brs, b0 + 2 * brs, b0 + 3 * brs, cRow, columnStart, columnEnd);
            }

            for (; p < k; p++)
            {
                AxpyRow(aRow[p * acs], b + p * brs, cRow, columnStart, columnEnd);
            }
        }
    }

    /// <summary>c[j] = fma(a3, b3[j], fma(a2, b2[j], fma(a1, b1[j], fma(a0, b0[j], c[j])))) for j in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRows4<T>(T a0, T a1, T a2, T a3, T* b0, T* b1, T* b2, T* b3, T* c, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = start;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> v0 = Vector512.Create(a0), v1 = Vector512.Create(a1), v2 = Vector512.Create(a2), v3 = Vector512.Create(a3);
            for (; j + Vector512<T>.Count <= end; j += Vector512<T>.Count)
            {
                Vector512<T> sum = Vector512.Load(c + j);
                sum = Fma(v0, Vector512.Load(b0 + j), sum);
                sum = Fma(v1, Vector512.Load(b1 + j), sum);
                sum = Fma(v2, Vector512.Load(b2 + j), sum);
                sum = Fma(v3, Vector512.Load(b3 + j), sum);
                sum.Store(c + j);
            }
        }
        else
        {
            Vector256<T> v0 = Vector256.Create(a0), v1 = Vector256.Create(a1), v2 = Vector256.Create(a2), v3 = Vector256.Create(a3);
            for (; j + Vector256<T>.Count <= end; j += Vector256<T>.Count)
            {
                Vector256<T> sum = Vector256.Load(c + j);
                sum = Fma(v0, Vector256.Load(b0 + j), sum);
                sum = Fma(v1, Vector256.Load(b1 + j), sum);
                sum = Fma(v2, Vector256.Load(b2 + j), sum);
                sum = Fma(v3, Vector256.Load(b3 + j), sum);
                sum.Store(c + j);
            }
        }

        for (; j < end; j++)
        {
            T sum = T.FusedMultiplyAdd(a0, b0[j], c[j]);
            sum = T.FusedMultiplyAdd(a1, b1[j], sum);
            sum = T.FusedMultiplyAdd(a2, b2[j], sum);
            c[j] = T.FusedMultiplyAdd(a3, b3[j], sum);
        }
    }

    /// <summary>c[j] = fma(a, b[j], c[j]) for j in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRow<T>(T a, T* b, T* c, int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = start;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> v = Vector512.Create(a);
            for (; j + Vector512<T>.Count <= end; j += Vector512<T>.Count)
            {
                Fma(v, Vector512.Load(b + j), Vector512.Load(c + j)).Store(c + j);
            }
        }
        else
        {
            Vector256<T> v = Vector256.Create(a);
            for (; j + Vector256<T>.Count <= end; j += Vector256<T>.Count)
            {
                Fma(v, Vector256.Load(b + j), Vector256.Load(c + j)).Store(c + j);
            }
        }

        for (; j < end; j++)
        {
            c[j] = T.FusedMultiplyAdd(a, b[j], c[j]);
        }
    }

    /// <summary>
    /// Few rows of A·Bᵀ: rows of A and rows of B are both contiguous along k, so C is a grid of dot products,
    /// four rows of A by four rows of B at a time. Every element uses the same lane order, reduction and tail,
    /// whichever tile it falls in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecuteDot<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)operands.A, b = (T*)operands.B, c = (T*)operands.C;
        int k = operands.K, n = operands.N;
        int j = columnStart;
        for (; j + 4 <= columnEnd; j += 4)
        {
            T* bRows = b + (nint)j * k;
            int i = rowStart;
            for (; i + 4 <= rowEnd; i += 4)
            {
                Dot4x4(a + (nint)i * k, bRows, k, c + (nint)i * n + j, n);
            }

            for (; i < rowEnd; i++)
            {
                Dot1x4(a + (nint)i * k, bRows, k, c + (nint)i * n + j);
            }
        }

        for (; j < columnEnd; j++)
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                c[(nint)i * n + j] += Dot1x1(a + (nint)i * k, b + (nint)j * k, k);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<T>(T* a, T* b, int k, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a1 = a + k, a2 = a1 + k, a3 = a2 + k;
        T* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        int p = 0;
        Span<T> sums = stackalloc T[16];
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<T> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<T> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<T> s30 = default, s31 = default, s32 = default, s33 = default;
            for (; p + Vector512<T>.Count <= k; p += Vector512<T>.Count)
            {
                Vector512<T> y0 = Vector512.Load(b + p), y1 = Vector512.Load(b1 + p), y2 = Vector512.Load(b2 + p), y3 = Vector512.Load(b3 + p);
                Vector512<T> x = Vector512.Load(a + p);
                s00 = Fma(x, y0, s00); s01 = Fma(x, y1, s01); s02 = Fma(x, y2, s02); s03 = Fma(x, y3, s03);
                x = Vector512.Load(a1 + p);
                s10 = Fma(x, y0, s10); s11 = Fma(x, y1, s11); s12 = Fma(x, y2, s12); s13 = Fma(x, y3, s13);
                x = Vector512.Load(a2 + p);
                s20 = Fma(x, y0, s20); s21 = Fma(x, y1, s21); s22 = Fma(x, y2, s22); s23 = Fma(x, y3, s23);
                x = Vector512.Load(a3 + p);
                s30 = Fma(x, y0, s30); s31 = Fma(x, y1, s31); s32 = Fma(x, y2, s32); s33 = Fma(x, y3, s33);
            }

            sums[0] = Vector512.Sum(s00); sums[1] = Vector512.Sum(s01); sums[2] = Vector512.Sum(s02); sums[3] = Vector512.Sum(s03);
            sums[4] = Vector512.Sum(s10); sums[5] = Vector512.Sum(s11); sums[6] = Vector512.Sum(s12); sums[7] = Vector512.Sum(s13);
            sums[8] = Vector512.Sum(s20); sums[9] = Vector512.Sum(s21); sums[10] = Vector512.Sum(s22); sums[11] = Vector512.Sum(s23);
            sums[12] = Vector512.Sum(s30); sums[13] = Vector512.Sum(s31); sums[14] = Vector512.Sum(s32); sums[15] = Vector512.Sum(s33);
        }
        else
        {
            Vector256<T> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<T> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector256<T> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector256<T> s30 = default, s31 = default, s32 = default, s33 = default;
            for (; p + Vector256<T>.Count <= k; p += Vector256<T>.Count)
            {
                Vector256<T> y0 = Vector256.Load(b + p), y1 = Vector256.Load(b1 + p), y2 = Vector256.Load(b2 + p), y3 = Vector256.Load(b3 + p);
                Vector256<T> x = Vector256.Load(a + p);
                s00 = Fma(x, y0, s00); s01 = Fma(x, y1, s01); s02 = Fma(x, y2, s02); s03 = Fma(x, y3, s03);
                x = Vector256.Load(a1 + p);
                s10 = Fma(x, y0, s10); s11 = Fma(x, y1, s11); s12 = Fma(x, y2, s12); s13 = Fma(x, y3, s13);
                x = Vector256.Load(a2 + p);
                s20 = Fma(x, y0, s20); s21 = Fma(x, y1, s21); s22 = Fma(x, y2, s22); s23 = Fma(x, y3, s23);
                x = Vector256.Load(a3 + p);
                s30 = Fma(x, y0, s30); s31 = Fma(x, y1, s31); s32 = Fma(x, y2, s32); s33 = Fma(x, y3, s33);
            }

            sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s02); sums[3] = Vector256.Sum(s03);
            sums[4] = Vector256.Sum(s10); sums[5] = Vector256.Sum(s11); sums[6] = Vector256.Sum(s12); sums[7] = Vector256.Sum(s13);
            sums[8] = Vector256.Sum(s20); sums[9] = Vector256.Sum(s21); sums[10] = Vector256.Sum(s22); sums[11] = Vector256.Sum(s23);
            sums[12] = Vector256.Sum(s30); sums[13] = Vector256.Sum(s31); sums[14] = Vector256.Sum(s32); sums[15] = Vector256.Sum(s33);
        }

        for (int r = 0; r < 4; r++)
        {
            T* aRow = a + (nint)r * k;
            for (int q = 0; q < 4; q++)
            {
                T sum = DotTail(aRow, b + (nint)q * k, p, k, sums[4 * r + q]);
                c[(nint)r * ldc + q] += sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<T>(T* a, T* b, int k, T* c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        int p = 0;
        T sum0, sum1, sum2, sum3;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; p + Vector512<T>.Count <= k; p += Vector512<T>.Count)
            {
                Vector512<T> x = Vector512.Load(a + p);
                s0 = Fma(x, Vector512.Load(b + p), s0);
                s1 = Fma(x, Vector512.Load(b1 + p), s1);
                s2 = Fma(x, Vector512.Load(b2 + p), s2);
                s3 = Fma(x, Vector512.Load(b3 + p), s3);
            }

            (sum0, sum1, sum2, sum3) = (Vector512.Sum(s0), Vector512.Sum(s1), Vector512.Sum(s2), Vector512.Sum(s3));
        }
        else
        {
            Vector256<T> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; p + Vector256<T>.Count <= k; p += Vector256<T>.Count)
            {
                Vector256<T> x = Vector256.Load(a + p);
                s0 = Fma(x, Vector256.Load(b + p), s0);
                s1 = Fma(x, Vector256.Load(b1 + p), s1);
                s2 = Fma(x, Vector256.Load(b2 + p), s2);
                s3 = Fma(x, Vector256.Load(b3 + p), s3);
            }

            (sum0, sum1, sum2, sum3) = (Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2), Vector256.Sum(s3));
        }

        c[0] += DotTail(a, b, p, k, sum0);
        c[1] += DotTail(a, b1, p, k, sum1);
        c[2] += DotTail(a, b2, p, k, sum2);
        c[3] += DotTail(a, b3, p, k, sum3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Dot1x1<T>(T* a, T* b, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = 0;
        T sum;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> s = default;
            for (; p + Vector512<T>.Count <= k; p += Vector512<T>.Count)
            {
                s = Fma(Vector512.Load(a + p), Vector512.Load(b + p), s);
            }

            sum = Vector512.Sum(s);
        }
        else
        {
            Vector256<T> s = default;
            for (; p + Vector256<T>.Count <= k; p += Vector256<T>.Count)
            {
                s = Fma(Vector256.Load(a + p), Vector256.Load(b + p), s);
            }

            sum = Vector256.Sum(s);
        }

        return DotTail(a, b, p, k, sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T DotTail<T>(T* a, T* b, int start, int end, T sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = start; p < end; p++)
        {
            sum = T.FusedMultiplyAdd(a[p], b[p], sum);
        }

        return sum;
    }
}
