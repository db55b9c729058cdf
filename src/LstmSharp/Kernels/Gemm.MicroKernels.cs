using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

// The register-blocked micro-kernels: (MR, NR) tiles of C held in registers over a run of k.
internal static unsafe partial class Gemm
{
    /// <summary>C (MR, NR) at stride ldc = fma chain over kc steps of packed A (kc, MR) and packed B (kc, NR).</summary>
    private static void MicroKernel<T>(int kc, T* a, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MicroKernel512(kc, a, b, c, ldc);
        }
        else
        {
            MicroKernel256(kc, a, b, c, ldc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel512<T>(int kc, T* a, T* b, T* c, nint ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        Vector512<T> r00 = Vector512.Load(c), r01 = Vector512.Load(c + w);
        Vector512<T> r10 = Vector512.Load(c1), r11 = Vector512.Load(c1 + w);
        Vector512<T> r20 = Vector512.Load(c2), r21 = Vector512.Load(c2 + w);
        Vector512<T> r30 = Vector512.Load(c3), r31 = Vector512.Load(c3 + w);
        Vector512<T> r40 = Vector512.Load(c4), r41 = Vector512.Load(c4 + w);
        Vector512<T> r50 = Vector512.Load(c5), r51 = Vector512.Load(c5 + w);
        Vector512<T> r60 = Vector512.Load(c6), r61 = Vector512.Load(c6 + w);
        Vector512<T> r70 = Vector512.Load(c7), r71 = Vector512.Load(c7 + w);
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> y0 = Vector512.Load(b), y1 = Vector512.Load(b + w);
            Vector512<T> x = Vector512.Create(a[0]);
            r00 = Fma(x, y0, r00); r01 = Fma(x, y1, r01);
            x = Vector512.Create(a[1]);
            r10 = Fma(x, y0, r10); r11 = Fma(x, y1, r11);
            x = Vector512.Create(a[2]);
            r20 = Fma(x, y0, r20); r21 = Fma(x, y1, r21);
            x = Vector512.Create(a[3]);
            r30 = Fma(x, y0, r30); r31 = Fma(x, y1, r31);
            x = Vector512.Create(a[4]);
            r40 = Fma(x, y0, r40); r41 = Fma(x, y1, r41);
            x = Vector512.Create(a[5]);
            r50 = Fma(x, y0, r50); r51 = Fma(x, y1, r51);
            x = Vector512.Create(a[6]);
            r60 = Fma(x, y0, r60); r61 = Fma(x, y1, r61);
            x = Vector512.Create(a[7]);
            r70 = Fma(x, y0, r70); r71 = Fma(x, y1, r71);
            a += MicroRows;
            b += 2 * w;
        }

        r00.Store(c); r01.Store(c + w);
        r10.Store(c1); r11.Store(c1 + w);
        r20.Store(c2); r21.Store(c2 + w);
        r30.Store(c3); r31.Store(c3 + w);
        r40.Store(c4); r41.Store(c4 + w);
        r50.Store(c5); r51.Store(c5 + w);
        r60.Store(c6); r61.Store(c6 + w);
        r70.Store(c7); r71.Store(c7 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel256<T>(int kc, T* a, T* b, T* c, nint ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        T* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        Vector256<T> r00 = Vector256.Load(c), r01 = Vector256.Load(c + w);
        Vector256<T> r10 = Vector256.Load(c1), r11 = Vector256.Load(c1 + w);
        Vector256<T> r20 = Vector256.Load(c2), r21 = Vector256.Load(c2 + w);
        Vector256<T> r30 = Vector256.Load(c3), r31 = Vector256.Load(c3 + w);
        Vector256<T> r40 = Vector256.Load(c4), r41 = Vector256.Load(c4 + w);
        Vector256<T> r50 = Vector256.Load(c5), r51 = Vector256.Load(c5 + w);
        Vector256<T> r60 = Vector256.Load(c6), r61 = Vector256.Load(c6 + w);
        Vector256<T> r70 = Vector256.Load(c7), r71 = Vector256.Load(c7 + w);
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> y0 = Vector256.Load(b), y1 = Vector256.Load(b + w);
            Vector256<T> x = Vector256.Create(a[0]);
            r00 = Fma(x, y0, r00); r01 = Fma(x, y1, r01);
            x = Vector256.Create(a[1]);
            r10 = Fma(x, y0, r10); r11 = Fma(x, y1, r11);
            x = Vector256.Create(a[2]);
            r20 = Fma(x, y0, r20); r21 = Fma(x, y1, r21);
            x = Vector256.Create(a[3]);
            r30 = Fma(x, y0, r30); r31 = Fma(x, y1, r31);
            x = Vector256.Create(a[4]);
            r40 = Fma(x, y0, r40); r41 = Fma(x, y1, r41);
            x = Vector256.Create(a[5]);
            r50 = Fma(x, y0, r50); r51 = Fma(x, y1, r51);
            x = Vector256.Create(a[6]);
            r60 = Fma(x, y0, r60); r61 = Fma(x, y1, r61);
            x = Vector256.Create(a[7]);
            r70 = Fma(x, y0, r70); r71 = Fma(x, y1, r71);
            a += MicroRows;
            b += 2 * w;
        }

        r00.Store(c); r01.Store(c + w);
        r10.Store(c1); r11.Store(c1 + w);
        r20.Store(c2); r21.Store(c2 + w);
        r30.Store(c3); r31.Store(c3 + w);
        r40.Store(c4); r41.Store(c4 + w);
        r50.Store(c5); r51.Store(c5 + w);
        r60.Store(c6); r61.Store(c6 + w);
        r70.Store(c7); r71.Store(c7 + w);
    }

    /// <summary>
    /// C (MR, NR) at stride ldc = fma chain over kc steps of A read in place (MR rows at stride lda, contiguous along k)
    /// and packed B (kc, NR): the same arithmetic as <see cref="MicroKernel{T}"/>, without a packed A.
    /// </summary>
    private static void MicroKernelRows<T>(int kc, T* a, nint lda, T* b, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MicroKernelRows512(kc, a, lda, b, c, ldc);
        }
        else
        {
            MicroKernelRows256(kc, a, lda, b, c, ldc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelRows512<T>(int kc, T* a, nint lda, T* b, T* c, nint ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        nint l2 = 2 * lda, l3 = 3 * lda, l4 = 4 * lda, l5 = 5 * lda, l6 = 6 * lda, l7 = 7 * lda;
        Vector512<T> r00 = Vector512.Load(c), r01 = Vector512.Load(c + w);
        Vector512<T> r10 = Vector512.Load(c + ldc), r11 = Vector512.Load(c + ldc + w);
        Vector512<T> r20 = Vector512.Load(c + 2 * ldc), r21 = Vector512.Load(c + 2 * ldc + w);
        Vector512<T> r30 = Vector512.Load(c + 3 * ldc), r31 = Vector512.Load(c + 3 * ldc + w);
        Vector512<T> r40 = Vector512.Load(c + 4 * ldc), r41 = Vector512.Load(c + 4 * ldc + w);
        Vector512<T> r50 = Vector512.Load(c + 5 * ldc), r51 = Vector512.Load(c + 5 * ldc + w);
        Vector512<T> r60 = Vector512.Load(c + 6 * ldc), r61 = Vector512.Load(c + 6 * ldc + w);
        Vector512<T> r70 = Vector512.Load(c + 7 * ldc), r71 = Vector512.Load(c + 7 * ldc + w);
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> y0 = Vector512.Load(b), y1 = Vector512.Load(b + w);
            Vector512<T> x = Vector512.Create(a[0]);
            r00 = Fma(x, y0, r00); r01 = Fma(x, y1, r01);
            x = Vector512.Create(a[lda]);
            r10 = Fma(x, y0, r10); r11 = Fma(x, y1, r11);
            x = Vector512.Create(a[l2]);
            r20 = Fma(x, y0, r20); r21 = Fma(x, y1, r21);
            x = Vector512.Create(a[l3]);
            r30 = Fma(x, y0, r30); r31 = Fma(x, y1, r31);
            x = Vector512.Create(a[l4]);
            r40 = Fma(x, y0, r40); r41 = Fma(x, y1, r41);
            x = Vector512.Create(a[l5]);
            r50 = Fma(x, y0, r50); r51 = Fma(x, y1, r51);
            x = Vector512.Create(a[l6]);
            r60 = Fma(x, y0, r60); r61 = Fma(x, y1, r61);
            x = Vector512.Create(a[l7]);
            r70 = Fma(x, y0, r70); r71 = Fma(x, y1, r71);
            a++;
            b += 2 * w;
        }

        r00.Store(c); r01.Store(c + w);
        r10.Store(c + ldc); r11.Store(c + ldc + w);
        r20.Store(c + 2 * ldc); r21.Store(c + 2 * ldc + w);
        r30.Store(c + 3 * ldc); r31.Store(c + 3 * ldc + w);
        r40.Store(c + 4 * ldc); r41.Store(c + 4 * ldc + w);
        r50.Store(c + 5 * ldc); r51.Store(c + 5 * ldc + w);
        r60.Store(c + 6 * ldc); r61.Store(c + 6 * ldc + w);
        r70.Store(c + 7 * ldc); r71.Store(c + 7 * ldc + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelRows256<T>(int kc, T* a, nint lda, T* b, T* c, nint ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        nint l2 = 2 * lda, l3 = 3 * lda, l4 = 4 * lda, l5 = 5 * lda, l6 = 6 * lda, l7 = 7 * lda;
        Vector256<T> r00 = Vector256.Load(c), r01 = Vector256.Load(c + w);
        Vector256<T> r10 = Vector256.Load(c + ldc), r11 = Vector256.Load(c + ldc + w);
        Vector256<T> r20 = Vector256.Load(c + 2 * ldc), r21 = Vector256.Load(c + 2 * ldc + w);
        Vector256<T> r30 = Vector256.Load(c + 3 * ldc), r31 = Vector256.Load(c + 3 * ldc + w);
        Vector256<T> r40 = Vector256.Load(c + 4 * ldc), r41 = Vector256.Load(c + 4 * ldc + w);
        Vector256<T> r50 = Vector256.Load(c + 5 * ldc), r51 = Vector256.Load(c + 5 * ldc + w);
        Vector256<T> r60 = Vector256.Load(c + 6 * ldc), r61 = Vector256.Load(c + 6 * ldc + w);
        Vector256<T> r70 = Vector256.Load(c + 7 * ldc), r71 = Vector256.Load(c + 7 * ldc + w);
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> y0 = Vector256.Load(b), y1 = Vector256.Load(b + w);
            Vector256<T> x = Vector256.Create(a[0]);
            r00 = Fma(x, y0, r00); r01 = Fma(x, y1, r01);
            x = Vector256.Create(a[lda]);
            r10 = Fma(x, y0, r10); r11 = Fma(x, y1, r11);
            x = Vector256.Create(a[l2]);
            r20 = Fma(x, y0, r20); r21 = Fma(x, y1, r21);
            x = Vector256.Create(a[l3]);
            r30 = Fma(x, y0, r30); r31 = Fma(x, y1, r31);
            x = Vector256.Create(a[l4]);
            r40 = Fma(x, y0, r40); r41 = Fma(x, y1, r41);
            x = Vector256.Create(a[l5]);
            r50 = Fma(x, y0, r50); r51 = Fma(x, y1, r51);
            x = Vector256.Create(a[l6]);
            r60 = Fma(x, y0, r60); r61 = Fma(x, y1, r61);
            x = Vector256.Create(a[l7]);
            r70 = Fma(x, y0, r70); r71 = Fma(x, y1, r71);
            a++;
            b += 2 * w;
        }

        r00.Store(c); r01.Store(c + w);
        r10.Store(c + ldc); r11.Store(c + ldc + w);
        r20.Store(c + 2 * ldc); r21.Store(c + 2 * ldc + w);
        r30.Store(c + 3 * ldc); r31.Store(c + 3 * ldc + w);
        r40.Store(c + 4 * ldc); r41.Store(c + 4 * ldc + w);
        r50.Store(c + 5 * ldc); r51.Store(c + 5 * ldc + w);
        r60.Store(c + 6 * ldc); r61.Store(c + 6 * ldc + w);
        r70.Store(c + 7 * ldc); r71.Store(c + 7 * ldc + w);
    }

    /// <summary>One row of C (1, 2·NR) = fma chain over kc steps of a row of A (at stride aStride) and two packed B panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowKernel<T>(int kc, T* a, nint aStride, T* b0, T* b1, T* c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = MicroColumns<T>();
        if (Vector512.IsHardwareAccelerated)
        {
            int w = Vector512<T>.Count;
            Vector512<T> r0 = Vector512.Load(c), r1 = Vector512.Load(c + w), r2 = Vector512.Load(c + 2 * w), r3 = Vector512.Load(c + 3 * w);
            for (int p = 0; p < kc; p++)
            {
                Vector512<T> x = Vector512.Create(a[0]);
                r0 = Fma(x, Vector512.Load(b0), r0);
                r1 = Fma(x, Vector512.Load(b0 + w), r1);
                r2 = Fma(x, Vector512.Load(b1), r2);
                r3 = Fma(x, Vector512.Load(b1 + w), r3);
                a += aStride;
                b0 += nr;
                b1 += nr;
            }

            r0.Store(c); r1.Store(c + w); r2.Store(c + 2 * w); r3.Store(c + 3 * w);
        }
        else
        {
            int w = Vector256<T>.Count;
            Vector256<T> r0 = Vector256.Load(c), r1 = Vector256.Load(c + w), r2 = Vector256.Load(c + 2 * w), r3 = Vector256.Load(c + 3 * w);
            for (int p = 0; p < kc; p++)
            {
                Vector256<T> x = Vector256.Create(a[0]);
                r0 = Fma(x, Vector256.Load(b0), r0);
                r1 = Fma(x, Vector256.Load(b0 + w), r1);
                r2 = Fma(x, Vector256.Load(b1), r2);
                r3 = Fma(x, Vector256.Load(b1 + w), r3);
                a += aStride;
                b0 += nr;
                b1 += nr;
            }

            r0.Store(c); r1.Store(c + w); r2.Store(c + 2 * w); r3.Store(c + 3 * w);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
    }
}
