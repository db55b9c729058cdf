using System.Numerics;
using System.Runtime.CompilerServices;

namespace LstmSharp.Kernels;

// The register-blocked micro-kernels: (MR, NR) tiles of C held in registers over a run of k, each written once over the
// vector width (TSimd: Simd512, Simd256 or Simd128; NR is two vectors).
internal static unsafe partial class Gemm
{
    /// <summary>C (MR, NR) at stride ldc = fma chain over kc steps of packed A (kc, MR) and packed B (kc, NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel<T, TVector, TSimd>(int kc, T* a, T* b, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        if (SimdWidth.SplitTiles)
        {
            HalfTile<T, TVector, TSimd>(kc, a, 1, MicroRows, b, c, ldc);
            HalfTile<T, TVector, TSimd>(kc, a + 4, 1, MicroRows, b, c + 4 * ldc, ldc);
            return;
        }

        int w = TSimd.Count;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        TVector r00 = TSimd.Load(c), r01 = TSimd.Load(c + w);
        TVector r10 = TSimd.Load(c1), r11 = TSimd.Load(c1 + w);
        TVector r20 = TSimd.Load(c2), r21 = TSimd.Load(c2 + w);
        TVector r30 = TSimd.Load(c3), r31 = TSimd.Load(c3 + w);
        TVector r40 = TSimd.Load(c4), r41 = TSimd.Load(c4 + w);
        TVector r50 = TSimd.Load(c5), r51 = TSimd.Load(c5 + w);
        TVector r60 = TSimd.Load(c6), r61 = TSimd.Load(c6 + w);
        TVector r70 = TSimd.Load(c7), r71 = TSimd.Load(c7 + w);
        for (int p = 0; p < kc; p++)
        {
            TVector y0 = TSimd.Load(b), y1 = TSimd.Load(b + w);
            TVector x = TSimd.Create(a[0]);
            r00 = TSimd.MultiplyAdd(x, y0, r00); r01 = TSimd.MultiplyAdd(x, y1, r01);
            x = TSimd.Create(a[1]);
            r10 = TSimd.MultiplyAdd(x, y0, r10); r11 = TSimd.MultiplyAdd(x, y1, r11);
            x = TSimd.Create(a[2]);
            r20 = TSimd.MultiplyAdd(x, y0, r20); r21 = TSimd.MultiplyAdd(x, y1, r21);
            x = TSimd.Create(a[3]);
            r30 = TSimd.MultiplyAdd(x, y0, r30); r31 = TSimd.MultiplyAdd(x, y1, r31);
            x = TSimd.Create(a[4]);
            r40 = TSimd.MultiplyAdd(x, y0, r40); r41 = TSimd.MultiplyAdd(x, y1, r41);
            x = TSimd.Create(a[5]);
            r50 = TSimd.MultiplyAdd(x, y0, r50); r51 = TSimd.MultiplyAdd(x, y1, r51);
            x = TSimd.Create(a[6]);
            r60 = TSimd.MultiplyAdd(x, y0, r60); r61 = TSimd.MultiplyAdd(x, y1, r61);
            x = TSimd.Create(a[7]);
            r70 = TSimd.MultiplyAdd(x, y0, r70); r71 = TSimd.MultiplyAdd(x, y1, r71);
            a += MicroRows;
            b += 2 * w;
        }

        TSimd.Store(r00, c); TSimd.Store(r01, c + w);
        TSimd.Store(r10, c1); TSimd.Store(r11, c1 + w);
        TSimd.Store(r20, c2); TSimd.Store(r21, c2 + w);
        TSimd.Store(r30, c3); TSimd.Store(r31, c3 + w);
        TSimd.Store(r40, c4); TSimd.Store(r41, c4 + w);
        TSimd.Store(r50, c5); TSimd.Store(r51, c5 + w);
        TSimd.Store(r60, c6); TSimd.Store(r61, c6 + w);
        TSimd.Store(r70, c7); TSimd.Store(r71, c7 + w);
    }

    /// <summary>
    /// C (MR, NR) at stride ldc = fma chain over kc steps of A read in place (MR rows at stride lda, contiguous along k)
    /// and packed B (kc, NR): the same arithmetic as <see cref="MicroKernel{T, TVector, TSimd}"/>, without a packed A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelRows<T, TVector, TSimd>(int kc, T* a, nint lda, T* b, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        if (SimdWidth.SplitTiles)
        {
            HalfTile<T, TVector, TSimd>(kc, a, lda, 1, b, c, ldc);
            HalfTile<T, TVector, TSimd>(kc, a + 4 * lda, lda, 1, b, c + 4 * ldc, ldc);
            return;
        }

        int w = TSimd.Count;
        nint l2 = 2 * lda, l3 = 3 * lda, l4 = 4 * lda, l5 = 5 * lda, l6 = 6 * lda, l7 = 7 * lda;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        TVector r00 = TSimd.Load(c), r01 = TSimd.Load(c + w);
        TVector r10 = TSimd.Load(c1), r11 = TSimd.Load(c1 + w);
        TVector r20 = TSimd.Load(c2), r21 = TSimd.Load(c2 + w);
        TVector r30 = TSimd.Load(c3), r31 = TSimd.Load(c3 + w);
        TVector r40 = TSimd.Load(c4), r41 = TSimd.Load(c4 + w);
        TVector r50 = TSimd.Load(c5), r51 = TSimd.Load(c5 + w);
        TVector r60 = TSimd.Load(c6), r61 = TSimd.Load(c6 + w);
        TVector r70 = TSimd.Load(c7), r71 = TSimd.Load(c7 + w);
        for (int p = 0; p < kc; p++)
        {
            TVector y0 = TSimd.Load(b), y1 = TSimd.Load(b + w);
            TVector x = TSimd.Create(a[0]);
            r00 = TSimd.MultiplyAdd(x, y0, r00); r01 = TSimd.MultiplyAdd(x, y1, r01);
            x = TSimd.Create(a[lda]);
            r10 = TSimd.MultiplyAdd(x, y0, r10); r11 = TSimd.MultiplyAdd(x, y1, r11);
            x = TSimd.Create(a[l2]);
            r20 = TSimd.MultiplyAdd(x, y0, r20); r21 = TSimd.MultiplyAdd(x, y1, r21);
            x = TSimd.Create(a[l3]);
            r30 = TSimd.MultiplyAdd(x, y0, r30); r31 = TSimd.MultiplyAdd(x, y1, r31);
            x = TSimd.Create(a[l4]);
            r40 = TSimd.MultiplyAdd(x, y0, r40); r41 = TSimd.MultiplyAdd(x, y1, r41);
            x = TSimd.Create(a[l5]);
            r50 = TSimd.MultiplyAdd(x, y0, r50); r51 = TSimd.MultiplyAdd(x, y1, r51);
            x = TSimd.Create(a[l6]);
            r60 = TSimd.MultiplyAdd(x, y0, r60); r61 = TSimd.MultiplyAdd(x, y1, r61);
            x = TSimd.Create(a[l7]);
            r70 = TSimd.MultiplyAdd(x, y0, r70); r71 = TSimd.MultiplyAdd(x, y1, r71);
            a++;
            b += 2 * w;
        }

        TSimd.Store(r00, c); TSimd.Store(r01, c + w);
        TSimd.Store(r10, c1); TSimd.Store(r11, c1 + w);
        TSimd.Store(r20, c2); TSimd.Store(r21, c2 + w);
        TSimd.Store(r30, c3); TSimd.Store(r31, c3 + w);
        TSimd.Store(r40, c4); TSimd.Store(r41, c4 + w);
        TSimd.Store(r50, c5); TSimd.Store(r51, c5 + w);
        TSimd.Store(r60, c6); TSimd.Store(r61, c6 + w);
        TSimd.Store(r70, c7); TSimd.Store(r71, c7 + w);
    }

    /// <summary>
    /// Four rows of an (MR, NR) tile (A's element (r, p) at a[r·aRowStride + p·aDepthStride]): where the CPU has only 16
    /// vector registers (<see cref="SimdWidth.SplitTiles"/>), the 16 accumulators of a whole tile would spill, so a tile
    /// runs as two halves of 8 accumulators over the same B panel. Each element's chain is unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HalfTile<T, TVector, TSimd>(int kc, T* a, nint aRowStride, nint aDepthStride, T* b, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int w = TSimd.Count;
        nint l1 = aRowStride, l2 = 2 * aRowStride, l3 = 3 * aRowStride;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        TVector r00 = TSimd.Load(c), r01 = TSimd.Load(c + w);
        TVector r10 = TSimd.Load(c1), r11 = TSimd.Load(c1 + w);
        TVector r20 = TSimd.Load(c2), r21 = TSimd.Load(c2 + w);
        TVector r30 = TSimd.Load(c3), r31 = TSimd.Load(c3 + w);
        for (int p = 0; p < kc; p++)
        {
            TVector y0 = TSimd.Load(b), y1 = TSimd.Load(b + w);
            TVector x = TSimd.Create(a[0]);
            r00 = TSimd.MultiplyAdd(x, y0, r00); r01 = TSimd.MultiplyAdd(x, y1, r01);
            x = TSimd.Create(a[l1]);
            r10 = TSimd.MultiplyAdd(x, y0, r10); r11 = TSimd.MultiplyAdd(x, y1, r11);
            x = TSimd.Create(a[l2]);
            r20 = TSimd.MultiplyAdd(x, y0, r20); r21 = TSimd.MultiplyAdd(x, y1, r21);
            x = TSimd.Create(a[l3]);
            r30 = TSimd.MultiplyAdd(x, y0, r30); r31 = TSimd.MultiplyAdd(x, y1, r31);
            a += aDepthStride;
            b += 2 * w;
        }

        TSimd.Store(r00, c); TSimd.Store(r01, c + w);
        TSimd.Store(r10, c1); TSimd.Store(r11, c1 + w);
        TSimd.Store(r20, c2); TSimd.Store(r21, c2 + w);
        TSimd.Store(r30, c3); TSimd.Store(r31, c3 + w);
    }

    /// <summary>
    /// C (MR, one vector) at stride ldc = fma chain over kc steps of A (element (r, p) at a[r·aRowStride + p·aDepthStride])
    /// and the first vector of each row of a B panel (row stride bStride): the ragged last columns of a GEMM.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowKernel<T, TVector, TSimd>(int kc, T* a, nint aRowStride, nint aDepthStride, T* b, nint bStride, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        nint l1 = aRowStride, l2 = 2 * aRowStride, l3 = 3 * aRowStride, l4 = 4 * aRowStride;
        nint l5 = 5 * aRowStride, l6 = 6 * aRowStride, l7 = 7 * aRowStride;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        TVector r0 = TSimd.Load(c), r1 = TSimd.Load(c1), r2 = TSimd.Load(c2), r3 = TSimd.Load(c3);
        TVector r4 = TSimd.Load(c4), r5 = TSimd.Load(c5), r6 = TSimd.Load(c6), r7 = TSimd.Load(c7);
        for (int p = 0; p < kc; p++)
        {
            TVector y = TSimd.Load(b);
            r0 = TSimd.MultiplyAdd(TSimd.Create(a[0]), y, r0);
            r1 = TSimd.MultiplyAdd(TSimd.Create(a[l1]), y, r1);
            r2 = TSimd.MultiplyAdd(TSimd.Create(a[l2]), y, r2);
            r3 = TSimd.MultiplyAdd(TSimd.Create(a[l3]), y, r3);
            r4 = TSimd.MultiplyAdd(TSimd.Create(a[l4]), y, r4);
            r5 = TSimd.MultiplyAdd(TSimd.Create(a[l5]), y, r5);
            r6 = TSimd.MultiplyAdd(TSimd.Create(a[l6]), y, r6);
            r7 = TSimd.MultiplyAdd(TSimd.Create(a[l7]), y, r7);
            a += aDepthStride;
            b += bStride;
        }

        TSimd.Store(r0, c); TSimd.Store(r1, c1); TSimd.Store(r2, c2); TSimd.Store(r3, c3);
        TSimd.Store(r4, c4); TSimd.Store(r5, c5); TSimd.Store(r6, c6); TSimd.Store(r7, c7);
    }

    /// <summary>One row of C (1, 2·NR) = fma chain over kc steps of a row of A (at stride aStride) and two packed B panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowKernel<T, TVector, TSimd>(int kc, T* a, nint aStride, T* b0, T* b1, T* c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int w = TSimd.Count, nr = 2 * w;
        TVector r0 = TSimd.Load(c), r1 = TSimd.Load(c + w), r2 = TSimd.Load(c + 2 * w), r3 = TSimd.Load(c + 3 * w);
        for (int p = 0; p < kc; p++)
        {
            TVector x = TSimd.Create(a[0]);
            r0 = TSimd.MultiplyAdd(x, TSimd.Load(b0), r0);
            r1 = TSimd.MultiplyAdd(x, TSimd.Load(b0 + w), r1);
            r2 = TSimd.MultiplyAdd(x, TSimd.Load(b1), r2);
            r3 = TSimd.MultiplyAdd(x, TSimd.Load(b1 + w), r3);
            a += aStride;
            b0 += nr;
            b1 += nr;
        }

        TSimd.Store(r0, c); TSimd.Store(r1, c + w); TSimd.Store(r2, c + 2 * w); TSimd.Store(r3, c + 3 * w);
    }
}
