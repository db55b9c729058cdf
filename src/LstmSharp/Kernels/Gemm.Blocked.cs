using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

// The cache-blocked loops over packed panels, and the scalar reference chains for types without a vector path.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The blocked GEMM over the output slice [rowStart, rowEnd) × [columnStart, columnEnd): for each (KC, NC) block of B,
    /// packed once, every (MC, KC) block of A is swept by the micro-kernel, one (MR, NR) tile of C at a time. A is packed
    /// too, unless its rows are contiguous along k and the slice is narrow (the head's V = 65 columns): then each A element
    /// serves only a few panels, and packing it would cost more than reading its rows in place, as the prepacked path does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecutePacked<T, TVector, TSimd>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int k = operands.K, n = operands.N;
        int nr = 2 * TSimd.Count;
        T* a = (T*)operands.A, c = (T*)operands.C;
        nint ars = operands.ARowStride;
        bool inPlaceA = operands.AColumnStride == 1 && columnEnd - columnStart <= InPlaceMaxPanels * nr;
        T* packedA = PackBuffers<T>.A;   // (MC / MR) panels of (KC, MR)
        T* packedB = PackBuffers<T>.B;   // (NC / NR) panels of (KC, NR)
        T* edge = stackalloc T[MicroRows * 2 * 64 / sizeof(T)];   // (MR, NR) scratch tile for ragged edges

        for (int jc = columnStart; jc < columnEnd; jc += BlockColumns)
        {
            int nc = Math.Min(BlockColumns, columnEnd - jc);
            for (int pc = 0; pc < k; pc += BlockDepth)
            {
                int kc = Math.Min(BlockDepth, k - pc);
                PackB(operands, pc, kc, jc, nc, nr, packedB);
                for (int ic = rowStart; ic < rowEnd; ic += BlockRows)
                {
                    int mc = Math.Min(BlockRows, rowEnd - ic);

                    // Rows [0, inPlaceRows) of the block are read in place; the rest are packed (zero-padded to MR).
                    int inPlaceRows = inPlaceA ? mc / MicroRows * MicroRows : 0;
                    PackA(operands, ic + inPlaceRows, mc - inPlaceRows, pc, kc, packedA + (nint)inPlaceRows * kc);

                    // A last tile of fewer than RowKernelMaxRows rows (the vocabulary's 65 = 8·8 + 1) runs row by row below.
                    int tileRows = mc % MicroRows is > 0 and < RowKernelMaxRows ? mc - mc % MicroRows : mc;
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int columns = Math.Min(nr, nc - jr);
                        T* bPanel = packedB + (nint)jr * kc;
                        int firstTile = 0;
                        if (columns <= 2 && inPlaceRows > 0 && HasNarrowColumnsInPlace<T>())
                        {
                            // The lone last columns of the in-place tiles, several tiles at a time.
                            NarrowColumnsInPlace(columns, kc, (float*)(a + ic * ars + pc), ars, inPlaceRows / MicroRows, (float*)bPanel, nr,
                                (float*)(c + (nint)ic * n + jc + jr), n);
                            firstTile = inPlaceRows;
                        }

                        for (int ir = firstTile; ir < tileRows; ir += MicroRows)
                        {
                            int rows = Math.Min(MicroRows, mc - ir);
                            bool inPlace = ir < inPlaceRows;

                            // A's element (r, p) of this tile lies at aTile[r·aRowStride + p·aDepthStride].
                            T* aTile = inPlace ? a + (ic + ir) * ars + pc : packedA + (nint)ir * kc;
                            nint aRowStride = inPlace ? ars : 1, aDepthStride = inPlace ? 1 : MicroRows;
                            T* cTile = c + (nint)(ic + ir) * n + jc + jr;
                            if (rows == MicroRows && columns == nr)
                            {
                                Tile<T, TVector, TSimd>(kc, aTile, aRowStride, aDepthStride, bPanel, cTile, n);
                            }
                            else
                            {
                                // The same chains on a copy, so ragged tiles round exactly like full ones.
                                CopyTile(cTile, n, edge, nr, rows, columns);
                                EdgeTile<T, TVector, TSimd>(columns, kc, aTile, aRowStride, aDepthStride, bPanel, edge);
                                CopyTile(edge, nr, cTile, n, rows, columns);
                            }
                        }
                    }

                    for (int i = tileRows; i < mc; i++)
                    {
                        PanelRow<T, TVector, TSimd>(kc, packedA + (nint)tileRows * kc + (i - tileRows), MicroRows, packedB, kc, nc,
                            c + (nint)(ic + i) * n + jc, edge);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One row of C (1, nc) += a row of A (element p at a[p·aStride]) times the packed block of B (⌈nc / NR⌉ panels of
    /// (kc, NR)), two panels at a time: four independent chains keep the FMA pipes busy, at a quarter of an 8-row tile's cost.
    /// </summary>
    private static void PanelRow<T, TVector, TSimd>(int kc, T* a, nint aStride, T* panels, int panelDepth, int nc, T* cRow, T* edge)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int nr = 2 * TSimd.Count;
        nint panelStride = (nint)panelDepth * nr;
        for (int jr = 0; jr < nc; jr += 2 * nr)
        {
            int columns = Math.Min(2 * nr, nc - jr);
            T* b0 = panels + jr / nr * panelStride;
            if (columns == 2 * nr)
            {
                RowKernel<T, TVector, TSimd>(kc, a, aStride, b0, b0 + panelStride, cRow + jr);
            }
            else
            {
                // A lone last panel runs twice into the scratch row; the copy back keeps only its columns.
                T* b1 = columns > nr ? b0 + panelStride : b0;
                CopyTile(cRow + jr, 0, edge, 0, 1, columns);
                RowKernel<T, TVector, TSimd>(kc, a, aStride, b0, b1, edge);
                CopyTile(edge, 0, cRow + jr, 0, 1, columns);
            }
        }
    }

    /// <summary>A full (MR, NR) tile, with A packed (aDepthStride = MR) or read in place (aDepthStride = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<T, TVector, TSimd>(int kc, T* a, nint aRowStride, nint aDepthStride, T* b, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        if (aDepthStride == 1)
        {
            MicroKernelRows<T, TVector, TSimd>(kc, a, aRowStride, b, c, ldc);
        }
        else
        {
            MicroKernel<T, TVector, TSimd>(kc, a, b, c, ldc);
        }
    }

    /// <summary>
    /// A tile of a ragged last panel (columns &lt; NR) into the scratch tile (MR, NR): on the narrowest vector that covers
    /// its columns, so the head's 65th column costs one 128-bit vector rather than a whole 2·512-bit panel.
    /// </summary>
    private static void EdgeTile<T, TVector, TSimd>(int columns, int kc, T* a, nint aRowStride, nint aDepthStride, T* b, T* edge)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int nr = 2 * TSimd.Count;
        if (columns <= Vector128<T>.Count && Vector128<T>.Count < TSimd.Count)
        {
            NarrowKernel<T, Vector128<T>, Simd128<T>>(kc, a, aRowStride, aDepthStride, b, nr, edge, nr);
        }
        else if (columns <= Vector256<T>.Count && Vector256<T>.Count < TSimd.Count)
        {
            NarrowKernel<T, Vector256<T>, Simd256<T>>(kc, a, aRowStride, aDepthStride, b, nr, edge, nr);
        }
        else if (columns <= TSimd.Count)
        {
            NarrowKernel<T, TVector, TSimd>(kc, a, aRowStride, aDepthStride, b, nr, edge, nr);
        }
        else
        {
            Tile<T, TVector, TSimd>(kc, a, aRowStride, aDepthStride, b, edge, nr);
        }
    }

    /// <summary>
    /// The packed GEMM against a B packed beforehand (<see cref="PackedMatrix{T}"/>), over the output slice
    /// [rowStart, rowEnd) × [columnStart, columnEnd), where columnStart falls on a panel. Whole MR-row tiles go through
    /// the micro-kernel, reading A in place; the last m mod MR rows go through the one-row kernel. Both compute the same
    /// chain per element as the packed path, so neither the row split nor packing ahead can change a bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecutePrepacked<T, TVector, TSimd>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        int k = operands.K, n = operands.N;
        int nr = 2 * TSimd.Count;
        nint panelStride = (nint)k * nr;                    // one panel: (k, NR)
        T* c = (T*)operands.C;
        T* panels = (T*)operands.B;
        T* edge = stackalloc T[MicroRows * 2 * 64 / sizeof(T)];   // (MR, NR) scratch tile for ragged edges

        // The loops of the packed path with neither operand packed here: B is packed already, and the micro-kernel
        // broadcasts A straight from its rows, which costs less than packing A for the few rows of a recurrent step.
        // A (KC, NC) block of B stays in L2 while every row tile sweeps it.
        T* a = (T*)operands.A;
        nint ars = operands.ARowStride;
        int fullEnd = rowStart + (rowEnd - rowStart) / MicroRows * MicroRows;
        for (int jc = columnStart; jc < columnEnd && rowStart < fullEnd; jc += BlockColumns)
        {
            int nc = Math.Min(BlockColumns, columnEnd - jc);
            for (int pc = 0; pc < k; pc += BlockDepth)
            {
                int kc = Math.Min(BlockDepth, k - pc);
                for (int jr = jc; jr < jc + nc; jr += nr)
                {
                    int columns = Math.Min(nr, jc + nc - jr);
                    T* bPanel = panels + jr / nr * panelStride + (nint)pc * nr;
                    for (int ir = rowStart; ir < fullEnd; ir += MicroRows)
                    {
                        T* aTile = a + ir * ars + pc;
                        T* cTile = c + (nint)ir * n + jr;
                        if (columns == nr)
                        {
                            MicroKernelRows<T, TVector, TSimd>(kc, aTile, ars, bPanel, cTile, n);
                        }
                        else
                        {
                            CopyTile(cTile, n, edge, nr, MicroRows, columns);
                            MicroKernelRows<T, TVector, TSimd>(kc, aTile, ars, bPanel, edge, nr);
                            CopyTile(edge, nr, cTile, n, MicroRows, columns);
                        }
                    }
                }
            }
        }

        // The last rows over all of k at once, two panels at a time: four independent chains keep the FMA pipes busy
        // and C stays in registers.
        nint acs = operands.AColumnStride;
        for (int i = fullEnd; i < rowEnd; i++)
        {
            T* cRow = c + (nint)i * n;
            for (int jr = columnStart; jr < columnEnd; jr += 2 * nr)
            {
                int columns = Math.Min(2 * nr, columnEnd - jr);
                T* b0 = panels + jr / nr * panelStride;
                if (columns == 2 * nr)
                {
                    RowKernel<T, TVector, TSimd>(k, a + i * ars, acs, b0, b0 + panelStride, cRow + jr);
                }
                else
                {
                    // A lone last panel runs twice into the scratch row; the copy back keeps only its columns.
                    T* b1 = columns > nr ? b0 + panelStride : b0;
                    CopyTile(cRow + jr, n, edge, nr, 1, columns);
                    RowKernel<T, TVector, TSimd>(k, a + i * ars, acs, b0, b1, edge);
                    CopyTile(edge, nr, cRow + jr, n, 1, columns);
                }
            }
        }
    }

    /// <summary>The reference chain over packed panels: for types without a vector path.</summary>
    private static void ExecutePrepackedScalar<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)operands.A, panels = (T*)operands.B, c = (T*)operands.C;
        int k = operands.K, n = operands.N, nr = MicroColumns<T>();
        for (int i = rowStart; i < rowEnd; i++)
        {
            for (int j = columnStart; j < columnEnd; j++)
            {
                T* column = panels + (nint)(j / nr) * k * nr + j % nr;
                T sum = c[(nint)i * n + j];
                for (int p = 0; p < k; p++)
                {
                    sum = T.FusedMultiplyAdd(a[(nint)i * k + p], column[(nint)p * nr], sum);
                }

                c[(nint)i * n + j] = sum;
            }
        }
    }

    /// <summary>The reference chain, one element at a time: for types without a vector path.</summary>
    private static void ExecuteScalar<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = (T*)operands.A, b = (T*)operands.B, c = (T*)operands.C;
        int k = operands.K, n = operands.N;
        nint ars = operands.ARowStride, acs = operands.AColumnStride, brs = operands.BRowStride, bcs = operands.BColumnStride;
        for (int i = rowStart; i < rowEnd; i++)
        {
            for (int j = columnStart; j < columnEnd; j++)
            {
                T sum = c[(nint)i * n + j];
                for (int p = 0; p < k; p++)
                {
                    sum = T.FusedMultiplyAdd(a[i * ars + p * acs], b[p * brs + j * bcs], sum);
                }

                c[(nint)i * n + j] = sum;
            }
        }
    }
}
