using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

// Packing A and B into the micro-kernel's panel layout, and the per-thread buffers that hold the panels.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Packs B (k, n), stored row-major (or as (n, k) when <paramref name="transposed"/>), into ⌈n / NR⌉ panels of
    /// (k, NR), zero-padding the last: the layout of <see cref="PackedMatrix{T}"/>.
    /// </summary>
    internal static void PackPanels<T>(T* b, int k, int n, bool transposed, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k == 0 || n == 0)
        {
            return;
        }

        Operands operands = transposed
            ? new Operands(null, 0, 0, b, 1, k, null, 0, k, n)
            : new Operands(null, 0, 0, b, n, 1, null, 0, k, n);
        PackB(operands, 0, k, 0, n, MicroColumns<T>(), destination);
    }

    private static void CopyTile<T>(T* source, int sourceStride, T* destination, int destinationStride, int rows, int columns)
        where T : unmanaged
    {
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<T>(source + (nint)r * sourceStride, columns).CopyTo(new Span<T>(destination + (nint)r * destinationStride, columns));
        }
    }

    /// <summary>Packs A[ic .. ic+mc, pc .. pc+kc] into panels of MR rows, k-major inside a panel, zero-padding the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(Operands operands, int ic, int mc, int pc, int kc, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)operands.A;
        nint ars = operands.ARowStride, acs = operands.AColumnStride;
        for (int ir = 0; ir < mc; ir += MicroRows)
        {
            int rows = Math.Min(MicroRows, mc - ir);
            T* panel = destination + (nint)ir * kc;
            T* source = a + (ic + ir) * ars + pc * acs;
            if (ars == 1)
            {
                // Aᵀ·B: the MR rows of a panel are contiguous for each p.
                for (int p = 0; p < kc && rows == MicroRows; p++)
                {
                    Unsafe.CopyBlockUnaligned(panel + (nint)p * MicroRows, source + p * acs, (uint)(MicroRows * sizeof(T)));
                }

                for (int p = 0; p < kc && rows < MicroRows; p++)
                {
                    T* from = source + p * acs;
                    T* to = panel + (nint)p * MicroRows;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        to[r] = from[r];
                    }

                    for (; r < MicroRows; r++)
                    {
                        to[r] = T.Zero;
                    }
                }
            }
            else
            {
                for (int r = 0; r < MicroRows; r++)
                {
                    T* to = panel + r;
                    if (r < rows)
                    {
                        T* from = source + r * ars;
                        for (int p = 0; p < kc; p++)
                        {
                            to[(nint)p * MicroRows] = from[p * acs];
                        }
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++)
                        {
                            to[(nint)p * MicroRows] = T.Zero;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs B[pc .. pc+kc, jc .. jc+nc] into panels of NR columns, k-major inside a panel, zero-padding the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T>(Operands operands, int pc, int kc, int jc, int nc, int nr, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* b = (T*)operands.B;
        nint brs = operands.BRowStride, bcs = operands.BColumnStride;
        if (bcs == 1)
        {
            // Row by row, so B streams through in order, each row's NR-column pieces going to their panels.
            int fullColumns = nc - nc % nr;
            for (int p = 0; p < kc; p++)
            {
                T* from = b + (pc + p) * brs + jc;
                T* to = destination + (nint)p * nr;
                for (int jr = 0; jr < fullColumns; jr += nr)
                {
                    CopyBytes((byte*)(from + jr), (byte*)(to + (nint)jr * kc), nr * sizeof(T));
                }

                if (fullColumns < nc)
                {
                    Span<T> last = new(to + (nint)fullColumns * kc, nr);
                    new ReadOnlySpan<T>(from + fullColumns, nc - fullColumns).CopyTo(last);
                    last.Slice(nc - fullColumns).Clear();
                }
            }

            return;
        }

        for (int jr = 0; jr < nc; jr += nr)
        {
            int columns = Math.Min(nr, nc - jr);
            T* panel = destination + (nint)jr * kc;
            T* source = b + pc * brs + (jc + jr) * bcs;
            // A·Bᵀ: each column of the panel is a contiguous row of the stored B. Transpose 16 steps of k at a
            // time so the (16, NR) patch being written stays in L1.
            for (int p0 = 0; p0 < kc; p0 += 16)
            {
                int p1 = Math.Min(kc, p0 + 16);
                for (int q = 0; q < nr; q++)
                {
                    T* to = panel + q;
                    if (q < columns)
                    {
                        T* from = source + q * bcs;
                        for (int p = p0; p < p1; p++)
                        {
                            to[(nint)p * nr] = from[p * brs];
                        }
                    }
                    else
                    {
                        for (int p = p0; p < p1; p++)
                        {
                            to[(nint)p * nr] = T.Zero;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Copies one panel row (NR elements: 32 to 128 bytes, a multiple of 16) in vector moves, without a call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyBytes(byte* from, byte* to, int bytes)
    {
        int q = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; q + 64 <= bytes; q += 64)
            {
                Vector512.Load(from + q).Store(to + q);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; q + 32 <= bytes; q += 32)
            {
                Vector256.Load(from + q).Store(to + q);
            }
        }

        for (; q + 16 <= bytes; q += 16)
        {
            Vector128.Load(from + q).Store(to + q);
        }

        for (; q < bytes; q++)
        {
            to[q] = from[q];
        }
    }

    /// <summary>Per-thread packing buffers, allocated once per thread and element type, pinned and 64-byte aligned.</summary>
    private static class PackBuffers<T> where T : unmanaged
    {
        [ThreadStatic]
        private static T[]? t_a;

        [ThreadStatic]
        private static T[]? t_b;

        // (MC, KC) of A; (KC, NC) of B, NC rounded up to whole NR panels.
        public static T* A => Aligned(ref t_a, BlockRows * BlockDepth);

        public static T* B => Aligned(ref t_b, BlockDepth * (BlockColumns + 2 * 64 / sizeof(T)));

        private static T* Aligned(ref T[]? buffer, int length)
        {
            int pad = 64 / sizeof(T);
            buffer ??= GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (T*)((address + 63) & ~(nint)63);
        }
    }
}
