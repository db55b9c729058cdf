using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Whether <see cref="NarrowColumnsInPlace"/> runs here: float, with 256-bit vectors, AVX2 and fused multiply-add.</summary>
    private static bool HasNarrowColumnsInPlace<T>() =>
        typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// The last <paramref name="columns"/> (1 or 2) columns of C for <paramref name="tiles"/> whole 8-row tiles whose
    /// A rows are read in place (row stride lda), against a B panel (row stride bStride): the head's 65th column.
    /// <see cref="NarrowKernel"/> spends a multiply-add per row per step there, on a vector with one useful lane, and
    /// the lone column cost half as much again as the 64 before it. Here A's 8×8 blocks are transposed in registers, so
    /// one multiply-add covers a tile's eight rows, and four tiles run side by side so that their chains hide the
    /// multiply-add's latency. Each element keeps its one chain in order of p: the bits are those of every other path.
    /// </summary>
    private static void NarrowColumnsInPlace(int columns, int kc, float* a, nint lda, int tiles, float* b, nint bStride, float* c, nint ldc)
    {
        for (int j = 0; j < columns; j++)
        {
            int tile = 0;
            for (; tile + 4 <= tiles; tile += 4)
            {
                NarrowColumnTiles(four: true, kc, a + (nint)tile * MicroRows * lda, lda, b + j, bStride, c + (nint)tile * MicroRows * ldc + j, ldc);
            }

            for (; tile < tiles; tile++)
            {
                NarrowColumnTiles(four: false, kc, a + (nint)tile * MicroRows * lda, lda, b + j, bStride, c + (nint)tile * MicroRows * ldc + j, ldc);
            }
        }
    }

    /// <summary>One column of C for four consecutive 8-row tiles, or for one (<see cref="NarrowColumnsInPlace"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowColumnTiles(bool four, int kc, float* a, nint lda, float* b, nint bStride, float* c, nint ldc)
    {
        nint tileA = MicroRows * lda, tileC = MicroRows * ldc;
        Vector256<int> cRows = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (int)ldc, aRows = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (int)lda;
        Vector256<float> c0 = Avx2.GatherVector256(c, cRows, 4);
        Vector256<float> c1 = four ? Avx2.GatherVector256(c + tileC, cRows, 4) : default;
        Vector256<float> c2 = four ? Avx2.GatherVector256(c + 2 * tileC, cRows, 4) : default;
        Vector256<float> c3 = four ? Avx2.GatherVector256(c + 3 * tileC, cRows, 4) : default;
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* bp = b + p * bStride;
            c0 = EightSteps(a + p, lda, bp, bStride, c0);
            if (four)
            {
                c1 = EightSteps(a + tileA + p, lda, bp, bStride, c1);
                c2 = EightSteps(a + 2 * tileA + p, lda, bp, bStride, c2);
                c3 = EightSteps(a + 3 * tileA + p, lda, bp, bStride, c3);
            }
        }

        for (; p < kc; p++)
        {
            Vector256<float> y = Vector256.Create(b[p * bStride]);
            c0 = Fma.MultiplyAdd(Avx2.GatherVector256(a + p, aRows, 4), y, c0);
            if (four)
            {
                c1 = Fma.MultiplyAdd(Avx2.GatherVector256(a + tileA + p, aRows, 4), y, c1);
                c2 = Fma.MultiplyAdd(Avx2.GatherVector256(a + 2 * tileA + p, aRows, 4), y, c2);
                c3 = Fma.MultiplyAdd(Avx2.GatherVector256(a + 3 * tileA + p, aRows, 4), y, c3);
            }
        }

        Scatter(c0, c, ldc);
        if (four)
        {
            Scatter(c1, c + tileC, ldc);
            Scatter(c2, c + 2 * tileC, ldc);
            Scatter(c3, c + 3 * tileC, ldc);
        }

        static void Scatter(Vector256<float> value, float* c, nint ldc)
        {
            for (int row = 0; row < MicroRows; row++)
            {
                c[row * ldc] = value.GetElement(row);
            }
        }
    }

    /// <summary>Steps p … p + 7 of one 8-row tile's column: rows a, a + lda, … transposed, then eight multiply-adds in order of p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> EightSteps(float* a, nint lda, float* b, nint bStride, Vector256<float> sum)
    {
        Vector256<float> r0 = Avx.LoadVector256(a), r1 = Avx.LoadVector256(a + lda);
        Vector256<float> r2 = Avx.LoadVector256(a + 2 * lda), r3 = Avx.LoadVector256(a + 3 * lda);
        Vector256<float> r4 = Avx.LoadVector256(a + 4 * lda), r5 = Avx.LoadVector256(a + 5 * lda);
        Vector256<float> r6 = Avx.LoadVector256(a + 6 * lda), r7 = Avx.LoadVector256(a + 7 * lda);
        Vector256<float> u0 = Avx.UnpackLow(r0, r1), u1 = Avx.UnpackHigh(r0, r1), u2 = Avx.UnpackLow(r2, r3), u3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u4 = Avx.UnpackLow(r4, r5), u5 = Avx.UnpackHigh(r4, r5), u6 = Avx.UnpackLow(r6, r7), u7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(u0, u2, 0x44), s1 = Avx.Shuffle(u0, u2, 0xEE), s2 = Avx.Shuffle(u1, u3, 0x44), s3 = Avx.Shuffle(u1, u3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(u4, u6, 0x44), s5 = Avx.Shuffle(u4, u6, 0xEE), s6 = Avx.Shuffle(u5, u7, 0x44), s7 = Avx.Shuffle(u5, u7, 0xEE);
        // Column q of the block (A[0..7, p + q]) is the lane-q halves of s: low 128 bits from rows 0-3, high from rows 4-7.
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s0, s4, 0x20), Vector256.Create(b[0]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s1, s5, 0x20), Vector256.Create(b[bStride]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s2, s6, 0x20), Vector256.Create(b[2 * bStride]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s3, s7, 0x20), Vector256.Create(b[3 * bStride]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s0, s4, 0x31), Vector256.Create(b[4 * bStride]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s1, s5, 0x31), Vector256.Create(b[5 * bStride]), sum);
        sum = Fma.MultiplyAdd(Avx.Permute2x128(s2, s6, 0x31), Vector256.Create(b[6 * bStride]), sum);
        return Fma.MultiplyAdd(Avx.Permute2x128(s3, s7, 0x31), Vector256.Create(b[7 * bStride]), sum);
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
