using System.Numerics;
using System.Runtime.CompilerServices;

namespace LstmSharp.Kernels;

// The small-row paths, each written once over the vector width: row axpys for A·B and Aᵀ·B, dot-product grids for A·Bᵀ.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Few rows, B contiguous along j: each row of C takes four rows of B at a time, so C is loaded and stored once
    /// per four multiply-adds while B streams through once per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecuteAxpy<T, TVector, TSimd>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
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
                AxpyRows4<T, TVector, TSimd>(a0, a1, a2, a3, b0, b0 + brs, b0 + 2 * brs, b0 + 3 * brs, cRow, columnStart, columnEnd);
            }

            for (; p < k; p++)
            {
                AxpyRow<T, TVector, TSimd>(aRow[p * acs], b + p * brs, cRow, columnStart, columnEnd);
            }
        }
    }

    /// <summary>c[j] = fma(a3, b3[j], fma(a2, b2[j], fma(a1, b1[j], fma(a0, b0[j], c[j])))) for j in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRows4<T, TVector, TSimd>(T a0, T a1, T a2, T a3, T* b0, T* b1, T* b2, T* b3, T* c, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int j = start;
        TVector v0 = TSimd.Create(a0), v1 = TSimd.Create(a1), v2 = TSimd.Create(a2), v3 = TSimd.Create(a3);
        for (; j + TSimd.Count <= end; j += TSimd.Count)
        {
            TVector sum = TSimd.Load(c + j);
            sum = TSimd.MultiplyAdd(v0, TSimd.Load(b0 + j), sum);
            sum = TSimd.MultiplyAdd(v1, TSimd.Load(b1 + j), sum);
            sum = TSimd.MultiplyAdd(v2, TSimd.Load(b2 + j), sum);
            sum = TSimd.MultiplyAdd(v3, TSimd.Load(b3 + j), sum);
            TSimd.Store(sum, c + j);
        }

        for (; j < end; j++)
        {
            T sum = SimdWidth.MultiplyAdd(a0, b0[j], c[j]);
            sum = SimdWidth.MultiplyAdd(a1, b1[j], sum);
            sum = SimdWidth.MultiplyAdd(a2, b2[j], sum);
            c[j] = SimdWidth.MultiplyAdd(a3, b3[j], sum);
        }
    }

    /// <summary>c[j] = fma(a, b[j], c[j]) for j in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpyRow<T, TVector, TSimd>(T a, T* b, T* c, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int j = start;
        TVector v = TSimd.Create(a);
        for (; j + TSimd.Count <= end; j += TSimd.Count)
        {
            TSimd.Store(TSimd.MultiplyAdd(v, TSimd.Load(b + j), TSimd.Load(c + j)), c + j);
        }

        for (; j < end; j++)
        {
            c[j] = SimdWidth.MultiplyAdd(a, b[j], c[j]);
        }
    }

    /// <summary>
    /// Few rows of A·Bᵀ: rows of A and rows of B are both contiguous along k, so C is a grid of dot products,
    /// four rows of A by four rows of B at a time. Every element uses the same lane order, reduction and tail,
    /// whichever tile it falls in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecuteDot<T, TVector, TSimd>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
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
                Dot4x4<T, TVector, TSimd>(a + (nint)i * k, bRows, k, c + (nint)i * n + j, n);
            }

            for (; i < rowEnd; i++)
            {
                Dot1x4<T, TVector, TSimd>(a + (nint)i * k, bRows, k, c + (nint)i * n + j);
            }
        }

        for (; j < columnEnd; j++)
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                c[(nint)i * n + j] += Dot1x1<T, TVector, TSimd>(a + (nint)i * k, b + (nint)j * k, k);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<T, TVector, TSimd>(T* a, T* b, int k, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        T* a1 = a + k, a2 = a1 + k, a3 = a2 + k;
        T* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        int p = 0;
        TVector s00 = default, s01 = default, s02 = default, s03 = default;
        TVector s10 = default, s11 = default, s12 = default, s13 = default;
        TVector s20 = default, s21 = default, s22 = default, s23 = default;
        TVector s30 = default, s31 = default, s32 = default, s33 = default;
        for (; p + TSimd.Count <= k; p += TSimd.Count)
        {
            TVector y0 = TSimd.Load(b + p), y1 = TSimd.Load(b1 + p), y2 = TSimd.Load(b2 + p), y3 = TSimd.Load(b3 + p);
            TVector x = TSimd.Load(a + p);
            s00 = TSimd.MultiplyAdd(x, y0, s00); s01 = TSimd.MultiplyAdd(x, y1, s01); s02 = TSimd.MultiplyAdd(x, y2, s02); s03 = TSimd.MultiplyAdd(x, y3, s03);
            x = TSimd.Load(a1 + p);
            s10 = TSimd.MultiplyAdd(x, y0, s10); s11 = TSimd.MultiplyAdd(x, y1, s11); s12 = TSimd.MultiplyAdd(x, y2, s12); s13 = TSimd.MultiplyAdd(x, y3, s13);
            x = TSimd.Load(a2 + p);
            s20 = TSimd.MultiplyAdd(x, y0, s20); s21 = TSimd.MultiplyAdd(x, y1, s21); s22 = TSimd.MultiplyAdd(x, y2, s22); s23 = TSimd.MultiplyAdd(x, y3, s23);
            x = TSimd.Load(a3 + p);
            s30 = TSimd.MultiplyAdd(x, y0, s30); s31 = TSimd.MultiplyAdd(x, y1, s31); s32 = TSimd.MultiplyAdd(x, y2, s32); s33 = TSimd.MultiplyAdd(x, y3, s33);
        }

        Span<T> sums = stackalloc T[16];
        sums[0] = TSimd.Sum(s00); sums[1] = TSimd.Sum(s01); sums[2] = TSimd.Sum(s02); sums[3] = TSimd.Sum(s03);
        sums[4] = TSimd.Sum(s10); sums[5] = TSimd.Sum(s11); sums[6] = TSimd.Sum(s12); sums[7] = TSimd.Sum(s13);
        sums[8] = TSimd.Sum(s20); sums[9] = TSimd.Sum(s21); sums[10] = TSimd.Sum(s22); sums[11] = TSimd.Sum(s23);
        sums[12] = TSimd.Sum(s30); sums[13] = TSimd.Sum(s31); sums[14] = TSimd.Sum(s32); sums[15] = TSimd.Sum(s33);
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
    private static void Dot1x4<T, TVector, TSimd>(T* a, T* b, int k, T* c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        T* b1 = b + k, b2 = b1 + k, b3 = b2 + k;
        int p = 0;
        TVector s0 = default, s1 = default, s2 = default, s3 = default;
        for (; p + TSimd.Count <= k; p += TSimd.Count)
        {
            TVector x = TSimd.Load(a + p);
            s0 = TSimd.MultiplyAdd(x, TSimd.Load(b + p), s0);
            s1 = TSimd.MultiplyAdd(x, TSimd.Load(b1 + p), s1);
            s2 = TSimd.MultiplyAdd(x, TSimd.Load(b2 + p), s2);
            s3 = TSimd.MultiplyAdd(x, TSimd.Load(b3 + p), s3);
        }

        c[0] += DotTail(a, b, p, k, TSimd.Sum(s0));
        c[1] += DotTail(a, b1, p, k, TSimd.Sum(s1));
        c[2] += DotTail(a, b2, p, k, TSimd.Sum(s2));
        c[3] += DotTail(a, b3, p, k, TSimd.Sum(s3));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Dot1x1<T, TVector, TSimd>(T* a, T* b, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int p = 0;
        TVector s = default;
        for (; p + TSimd.Count <= k; p += TSimd.Count)
        {
            s = TSimd.MultiplyAdd(TSimd.Load(a + p), TSimd.Load(b + p), s);
        }

        return DotTail(a, b, p, k, TSimd.Sum(s));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T DotTail<T>(T* a, T* b, int start, int end, T sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = start; p < end; p++)
        {
            sum = SimdWidth.MultiplyAdd(a[p], b[p], sum);
        }

        return sum;
    }
}
