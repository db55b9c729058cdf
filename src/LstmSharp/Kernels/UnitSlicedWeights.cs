using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

/// <summary>
/// W_hh (G·H, H) cut by hidden units for the unit-partitioned recurrence: part p owns units [start_p, end_p) and every
/// gate of them, so within a step it computes its own columns of h_{t−1}·W_hhᵀ and then the pointwise gate math of its
/// own units, and in backward its own units of the carry dGates·W_hh. Each part packs its own slice (on its own thread,
/// into its own core's cache) once per window.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// <para>
/// A panel is NR = two vectors of output columns over all k, k-major (element (p, j) at <c>p·NR + j</c>), zero-padded
/// past its width. The forward panels of a part hold W_hhᵀ columns g·H + u for its units u, gate by gate (k = H); the
/// backward panels hold W_hh columns u (k = G·H).
/// </para>
/// <para>
/// Every output element is the one chain <c>c = a[i, p]·b[p, j] + c</c> (fused where the CPU fuses, as
/// <see cref="SimdWidth.MultiplyAdd{T}"/>) for p = 0 … k−1, whichever part computes it
/// and whichever kernel (eight-row tile or single row), so the result is the same bits for every part count. A single
/// stream (B = 1) reads W_hh in place instead (<see cref="ForwardSingle"/>, <see cref="BackwardSingle"/>), so that a
/// window of one step costs no packing and gives the same bits as a long window: sampling one character at a time
/// equals scoring the whole text.
/// </para>
/// </remarks>
internal sealed unsafe class UnitSlicedWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MicroRows = 8;
    private readonly Part[] _parts;

    /// <summary>Creates the slicing of a (<paramref name="gateCount"/>·H, H) recurrent matrix into <paramref name="boundaries"/>.</summary>
    /// <param name="gateCount">G.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="boundaries">(parts + 1): unit boundaries, 0 first and H last.</param>
    public UnitSlicedWeights(int gateCount, int hiddenSize, int[] boundaries)
    {
        GateCount = gateCount;
        HiddenSize = hiddenSize;
        Boundaries = boundaries;
        _parts = new Part[boundaries.Length - 1];
        int nr = PanelWidth;
        for (int part = 0; part < _parts.Length; part++)
        {
            int start = boundaries[part], end = boundaries[part + 1];
            int panelsPerGate = (end - start + nr - 1) / nr;
            _parts[part] = new Part(start, end, gateCount * panelsPerGate, panelsPerGate, hiddenSize, gateCount);
        }
    }

    /// <summary>G.</summary>
    public int GateCount { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>(parts + 1): part p owns units [Boundaries[p], Boundaries[p + 1]).</summary>
    public int[] Boundaries { get; }

    /// <summary>The number of parts.</summary>
    public int PartCount => _parts.Length;

    /// <summary>The vector width the kernels run at (512, 256 or 128 bits), or 0 for the scalar path.</summary>
    private static int Width => !SimdWidth.IsVectorized<T>() ? 0 : SimdWidth.Is512 ? 512 : SimdWidth.Is256 ? 256 : 128;

    /// <summary>NR: output columns per panel, two vectors of the widest accelerated width.</summary>
    public static int PanelWidth => 2 * SimdWidth.Count<T>();

    /// <summary>
    /// Cuts H units into chunks when a step has enough work to pay for a synchronisation, each at least one wide vector
    /// of units. The cut depends on the shape only, never on the thread count.
    /// </summary>
    /// <param name="batchSize">B.</param>
    /// <param name="gateCount">G.</param>
    /// <param name="hiddenSize">H.</param>
    /// <returns>(parts + 1) boundaries.</returns>
    public static int[] Partition(int batchSize, int gateCount, int hiddenSize)
    {
        const long MinMultiplyAddsPerPart = 1 << 16;   // a synchronisation costs a few microseconds (cache lines change cores)
        const int MinUnitsPerPart = 16;                // keeps every slice on the full-vector paths of the gate math
        const int MaxParts = 8;                        // enough to balance two to four threads
        long work = (long)batchSize * gateCount * hiddenSize * hiddenSize;
        int parts = (int)Math.Clamp(work / MinMultiplyAddsPerPart, 1, Math.Max(1, Math.Min(MaxParts, hiddenSize / MinUnitsPerPart)));
        int vector = SimdWidth.Count<T>();
        int align = hiddenSize % (vector * parts) == 0 ? vector : 4;
        int[] boundaries = new int[parts + 1];
        for (int part = 1; part < parts; part++)
        {
            boundaries[part] = (int)Math.Round((double)part * hiddenSize / parts / align) * align;
        }

        boundaries[parts] = hiddenSize;
        return boundaries;
    }

    /// <summary>Packs part <paramref name="part"/>'s forward panels (W_hhᵀ columns of its units); call on the thread that will use them.</summary>
    /// <param name="weightHh">(G·H, H): W_hh.</param>
    /// <param name="part">The part.</param>
    public void PackForward(ReadOnlySpan<T> weightHh, int part)
    {
        Part slice = _parts[part];
        int hiddenSize = HiddenSize, nr = PanelWidth;
        T* panels = slice.Forward;
        fixed (T* w = weightHh)
        {
            for (int panel = 0; panel < slice.ForwardPanels; panel++)
            {
                int gate = panel / slice.PanelsPerGate;
                int unit = slice.Start + panel % slice.PanelsPerGate * nr;
                int width = Math.Min(nr, slice.End - unit);
                T* destination = panels + (nint)panel * hiddenSize * nr;
                for (int j = 0; j < nr; j++)
                {
                    T* row = w + (nint)(gate * hiddenSize + unit + j) * hiddenSize;   // row g·H + u of W_hh is column g·H + u of W_hhᵀ
                    for (int p = 0; p < hiddenSize; p++)
                    {
                        destination[(nint)p * nr + j] = j < width ? row[p] : T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>Packs part <paramref name="part"/>'s backward panels (W_hh columns of its units).</summary>
    /// <param name="weightHh">(G·H, H): W_hh.</param>
    /// <param name="part">The part.</param>
    public void PackBackward(ReadOnlySpan<T> weightHh, int part)
    {
        Part slice = _parts[part];
        int hiddenSize = HiddenSize, depth = GateCount * hiddenSize, nr = PanelWidth;
        fixed (T* w = weightHh)
        {
            for (int panel = 0; panel < slice.PanelsPerGate; panel++)
            {
                int unit = slice.Start + panel * nr;
                int width = Math.Min(nr, slice.End - unit);
                T* destination = slice.Backward + (nint)panel * depth * nr;
                for (int p = 0; p < depth; p++)
                {
                    T* row = w + (nint)p * hiddenSize + unit;
                    for (int j = 0; j < nr; j++)
                    {
                        destination[(nint)p * nr + j] = j < width ? row[j] : T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Effectively computes <c>gates[b, g·H + u] += Σ_p hidden[b, p] · W_hh[g·H + u, p]</c> for part
    /// <paramref name="part"/>'s units u and every gate g, against its packed panels.
    /// </summary>
    /// <param name="hidden">(B, H): h_{t−1}.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="gates">(B, G·H): added into, own columns only.</param>
    /// <param name="part">The part.</param>
    public void Forward(T* hidden, int batchSize, T* gates, int part)
    {
        Part slice = _parts[part];
        int hiddenSize = HiddenSize, nr = PanelWidth;
        for (int panel = 0; panel < slice.ForwardPanels; panel++)
        {
            int gate = panel / slice.PanelsPerGate;
            int unit = slice.Start + panel % slice.PanelsPerGate * nr;
            int column = gate * hiddenSize + unit;
            MultiplyPanel(hidden, hiddenSize, batchSize, hiddenSize, slice.Forward + (nint)panel * hiddenSize * nr,
                gates + column, GateCount * hiddenSize, Math.Min(nr, slice.End - unit));
        }
    }

    /// <summary>The streams one <see cref="ForwardBlock"/> call should take: one register tile of rows.</summary>
    public const int BlockRows = MicroRows;

    /// <summary>The number of unit blocks (NR units each, the last one possibly narrower) of part <paramref name="part"/>.</summary>
    public int BlockCount(int part) => _parts[part].PanelsPerGate;

    /// <summary>The first unit and the width of unit block <paramref name="block"/> of part <paramref name="part"/>.</summary>
    public (int Unit, int Width) Block(int part, int block)
    {
        Part slice = _parts[part];
        int unit = slice.Start + block * PanelWidth;
        return (unit, Math.Min(PanelWidth, slice.End - unit));
    }

    /// <summary>
    /// <see cref="Forward"/> for one block: every gate of unit block <paramref name="block"/> of part
    /// <paramref name="part"/>, for streams [<paramref name="rowStart"/>, <paramref name="rowStart"/> + <paramref name="rows"/>).
    /// Each element gets the same chain as in <see cref="Forward"/>, so a caller can run the pointwise step on a block
    /// while it is still in L1.
    /// </summary>
    /// <param name="hidden">(B, H): h_{t−1}.</param>
    /// <param name="rowStart">The first stream.</param>
    /// <param name="rows">The number of streams.</param>
    /// <param name="gates">(B, G·H): added into, the block's columns of those rows only.</param>
    /// <param name="part">The part.</param>
    /// <param name="block">The unit block within the part.</param>
    public void ForwardBlock(T* hidden, int rowStart, int rows, T* gates, int part, int block)
    {
        Part slice = _parts[part];
        int hiddenSize = HiddenSize, nr = PanelWidth, gateWidth = GateCount * hiddenSize;
        (int unit, int width) = Block(part, block);
        for (int gate = 0; gate < GateCount; gate++)
        {
            MultiplyPanel(hidden + (nint)rowStart * hiddenSize, hiddenSize, rows, hiddenSize,
                slice.Forward + (nint)(gate * slice.PanelsPerGate + block) * hiddenSize * nr,
                gates + (nint)rowStart * gateWidth + gate * hiddenSize + unit, gateWidth, width);
        }
    }

    /// <summary>
    /// Effectively computes <c>carry[b, u] += Σ_j dGates[b, j] · W_hh[j, u]</c> for part <paramref name="part"/>'s units u.
    /// </summary>
    /// <param name="dGates">(B, G·H): the step's gate gradients, every unit.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="carry">(B, H): added into, own columns only.</param>
    /// <param name="part">The part.</param>
    public void Backward(T* dGates, int batchSize, T* carry, int part)
    {
        Part slice = _parts[part];
        int hiddenSize = HiddenSize, depth = GateCount * hiddenSize, nr = PanelWidth;
        for (int panel = 0; panel < slice.PanelsPerGate; panel++)
        {
            int unit = slice.Start + panel * nr;
            MultiplyPanel(dGates, depth, batchSize, depth, slice.Backward + (nint)panel * depth * nr, carry + unit, hiddenSize,
                Math.Min(nr, slice.End - unit));
        }
    }

    /// <summary>
    /// B = 1: <c>gates[g·H + u] += Σ_p hidden[p] · W_hh[g·H + u, p]</c> for units [unitStart, unitEnd), reading W_hh in place.
    /// </summary>
    /// <param name="weightHh">(G·H, H): W_hh.</param>
    /// <param name="hidden">(H): h_{t−1}.</param>
    /// <param name="gates">(G·H): added into.</param>
    /// <param name="gateCount">G.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="unitStart">The first unit.</param>
    /// <param name="unitEnd">One past the last unit.</param>
    public static void ForwardSingle(T* weightHh, T* hidden, T* gates, int gateCount, int hiddenSize, int unitStart, int unitEnd)
    {
        for (int gate = 0; gate < gateCount; gate++)
        {
            int first = gate * hiddenSize + unitStart, end = gate * hiddenSize + unitEnd;
            switch (Width)
            {
                case 512:
                    DotRows<Simd512<T>, Vector512<T>>(weightHh, hiddenSize, hidden, first, end, gates);
                    break;
                case 256:
                    DotRows<Simd256<T>, Vector256<T>>(weightHh, hiddenSize, hidden, first, end, gates);
                    break;
                case 128:
                    DotRows<Simd128<T>, Vector128<T>>(weightHh, hiddenSize, hidden, first, end, gates);
                    break;
                default:
                    for (int row = first; row < end; row++)
                    {
                        gates[row] += DotTail(weightHh + (nint)row * hiddenSize, hidden, 0, hiddenSize, T.Zero);
                    }

                    break;
            }
        }
    }

    /// <summary>B = 1: <c>carry[u] += Σ_j dGates[j] · W_hh[j, u]</c> for units [unitStart, unitEnd), reading W_hh in place.</summary>
    /// <param name="weightHh">(G·H, H): W_hh.</param>
    /// <param name="dGates">(G·H): the step's gate gradients.</param>
    /// <param name="carry">(H): added into.</param>
    /// <param name="depth">G·H.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="unitStart">The first unit.</param>
    /// <param name="unitEnd">One past the last unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardSingle(T* weightHh, T* dGates, T* carry, int depth, int hiddenSize, int unitStart, int unitEnd)
    {
        switch (Width)
        {
            case 512:
                AxpyColumns<Simd512<T>, Vector512<T>>(weightHh, dGates, carry, depth, hiddenSize, unitStart, unitEnd);
                break;
            case 256:
                AxpyColumns<Simd256<T>, Vector256<T>>(weightHh, dGates, carry, depth, hiddenSize, unitStart, unitEnd);
                break;
            case 128:
                AxpyColumns<Simd128<T>, Vector128<T>>(weightHh, dGates, carry, depth, hiddenSize, unitStart, unitEnd);
                break;
            default:
                AxpyTail(weightHh, dGates, carry, depth, hiddenSize, unitStart, unitEnd);
                break;
        }
    }

    /// <summary>C[:, 0..width) (rows, ldc) += A (rows, k; stride lda) · one packed panel (k, NR).</summary>
    private static void MultiplyPanel(T* a, int lda, int rows, int k, T* panel, T* c, int ldc, int width)
    {
        switch (Width)
        {
            case 512:
                MultiplyPanel<Simd512<T>, Vector512<T>>(a, lda, rows, k, panel, c, ldc, width);
                break;
            case 256:
                MultiplyPanel<Simd256<T>, Vector256<T>>(a, lda, rows, k, panel, c, ldc, width);
                break;
            case 128:
                MultiplyPanel<Simd128<T>, Vector128<T>>(a, lda, rows, k, panel, c, ldc, width);
                break;
            default:
                for (int row = 0; row < rows; row++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        T sum = c[(nint)row * ldc + j];
                        for (int p = 0; p < k; p++)
                        {
                            sum = SimdWidth.MultiplyAdd(a[(nint)row * lda + p], panel[(nint)p * PanelWidth + j], sum);
                        }

                        c[(nint)row * ldc + j] = sum;
                    }
                }

                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPanel<TOps, TVector>(T* a, int lda, int rows, int k, T* panel, T* c, int ldc, int width)
        where TOps : ISimdWidth<TVector, T>
        where TVector : struct
    {
        int nr = 2 * TOps.Count;
        T* edge = stackalloc T[MicroRows * 2 * 64 / sizeof(T)];   // (MR, NR) scratch for a panel narrower than NR
        bool full = width == nr;
        int row = 0;
        for (; row + MicroRows <= rows; row += MicroRows)
        {
            T* tile = c + (nint)row * ldc;
            if (full)
            {
                Tile<TOps, TVector>(k, a + (nint)row * lda, lda, panel, tile, ldc);
            }
            else
            {
                // The same kernel on a copy, so a narrow panel rounds exactly like a full one.
                CopyTile(tile, ldc, edge, nr, MicroRows, width);
                Tile<TOps, TVector>(k, a + (nint)row * lda, lda, panel, edge, nr);
                CopyTile(edge, nr, tile, ldc, MicroRows, width);
            }
        }

        for (; row < rows; row++)
        {
            T* target = c + (nint)row * ldc;
            if (full)
            {
                Row<TOps, TVector>(k, a + (nint)row * lda, panel, target);
            }
            else
            {
                CopyTile(target, ldc, edge, nr, 1, width);
                Row<TOps, TVector>(k, a + (nint)row * lda, panel, edge);
                CopyTile(edge, nr, target, ldc, 1, width);
            }
        }
    }

    /// <summary>The micro-kernel: an (8, NR) tile of C stays in 16 registers while k streams through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TOps, TVector>(int k, T* a, nint lda, T* b, T* c, nint ldc)
        where TOps : ISimdWidth<TVector, T>
        where TVector : struct
    {
        int n = TOps.Count;
        nint nr = 2 * n;
        TVector c00 = TOps.Load(c), c01 = TOps.Load(c + n);
        TVector c10 = TOps.Load(c + ldc), c11 = TOps.Load(c + ldc + n);
        TVector c20 = TOps.Load(c + 2 * ldc), c21 = TOps.Load(c + 2 * ldc + n);
        TVector c30 = TOps.Load(c + 3 * ldc), c31 = TOps.Load(c + 3 * ldc + n);
        TVector c40 = TOps.Load(c + 4 * ldc), c41 = TOps.Load(c + 4 * ldc + n);
        TVector c50 = TOps.Load(c + 5 * ldc), c51 = TOps.Load(c + 5 * ldc + n);
        TVector c60 = TOps.Load(c + 6 * ldc), c61 = TOps.Load(c + 6 * ldc + n);
        TVector c70 = TOps.Load(c + 7 * ldc), c71 = TOps.Load(c + 7 * ldc + n);
        for (int p = 0; p < k; p++)
        {
            TVector b0 = TOps.Load(b), b1 = TOps.Load(b + n);
            TVector x = TOps.Create(a[p]);
            c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Create(a[lda + p]);
            c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Create(a[2 * lda + p]);
            c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Create(a[3 * lda + p]);
            c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
            x = TOps.Create(a[4 * lda + p]);
            c40 = TOps.MultiplyAdd(x, b0, c40); c41 = TOps.MultiplyAdd(x, b1, c41);
            x = TOps.Create(a[5 * lda + p]);
            c50 = TOps.MultiplyAdd(x, b0, c50); c51 = TOps.MultiplyAdd(x, b1, c51);
            x = TOps.Create(a[6 * lda + p]);
            c60 = TOps.MultiplyAdd(x, b0, c60); c61 = TOps.MultiplyAdd(x, b1, c61);
            x = TOps.Create(a[7 * lda + p]);
            c70 = TOps.MultiplyAdd(x, b0, c70); c71 = TOps.MultiplyAdd(x, b1, c71);
            b += nr;
        }

        TOps.Store(c00, c); TOps.Store(c01, c + n);
        TOps.Store(c10, c + ldc); TOps.Store(c11, c + ldc + n);
        TOps.Store(c20, c + 2 * ldc); TOps.Store(c21, c + 2 * ldc + n);
        TOps.Store(c30, c + 3 * ldc); TOps.Store(c31, c + 3 * ldc + n);
        TOps.Store(c40, c + 4 * ldc); TOps.Store(c41, c + 4 * ldc + n);
        TOps.Store(c50, c + 5 * ldc); TOps.Store(c51, c + 5 * ldc + n);
        TOps.Store(c60, c + 6 * ldc); TOps.Store(c61, c + 6 * ldc + n);
        TOps.Store(c70, c + 7 * ldc); TOps.Store(c71, c + 7 * ldc + n);
    }

    /// <summary>One row of C against one panel: the rows left over after whole tiles (the same chain per element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TOps, TVector>(int k, T* a, T* b, T* c)
        where TOps : ISimdWidth<TVector, T>
        where TVector : struct
    {
        int n = TOps.Count;
        TVector c0 = TOps.Load(c), c1 = TOps.Load(c + n);
        for (int p = 0; p < k; p++)
        {
            TVector x = TOps.Create(a[p]);
            c0 = TOps.MultiplyAdd(x, TOps.Load(b), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(b + n), c1);
            b += 2 * n;
        }

        TOps.Store(c0, c);
        TOps.Store(c1, c + n);
    }

    /// <summary>y[j] += Σ_p w[j, p] · x[p] for rows [first, end): four rows at a time, each its own chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows<TOps, TVector>(T* w, int k, T* x, int first, int end, T* y)
        where TOps : ISimdWidth<TVector, T>
        where TVector : struct
    {
        int n = TOps.Count, vectorEnd = k - k % n;
        int row = first;
        for (; row + 4 <= end; row += 4)
        {
            T* w0 = w + (nint)row * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            TVector s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < vectorEnd; p += n)
            {
                TVector xv = TOps.Load(x + p);
                s0 = TOps.MultiplyAdd(TOps.Load(w0 + p), xv, s0);
                s1 = TOps.MultiplyAdd(TOps.Load(w1 + p), xv, s1);
                s2 = TOps.MultiplyAdd(TOps.Load(w2 + p), xv, s2);
                s3 = TOps.MultiplyAdd(TOps.Load(w3 + p), xv, s3);
            }

            // The sums first and the tail inlined, so that no accumulator lives across a call: on x64 Unix no vector
            // register survives one, and the JIT spilled the accumulators inside the loop instead, a store and a reload
            // in every chain (the kernel ran at half its speed).
            T sum0 = TOps.Sum(s0), sum1 = TOps.Sum(s1), sum2 = TOps.Sum(s2), sum3 = TOps.Sum(s3);
            y[row] += DotTail(w0, x, vectorEnd, k, sum0);
            y[row + 1] += DotTail(w1, x, vectorEnd, k, sum1);
            y[row + 2] += DotTail(w2, x, vectorEnd, k, sum2);
            y[row + 3] += DotTail(w3, x, vectorEnd, k, sum3);
        }

        for (; row < end; row++)
        {
            T* w0 = w + (nint)row * k;
            TVector s0 = default;
            for (int p = 0; p < vectorEnd; p += n)
            {
                s0 = TOps.MultiplyAdd(TOps.Load(w0 + p), TOps.Load(x + p), s0);
            }

            y[row] += DotTail(w0, x, vectorEnd, k, TOps.Sum(s0));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T DotTail(T* w, T* x, int start, int end, T sum)
    {
        for (int p = start; p < end; p++)
        {
            sum = SimdWidth.MultiplyAdd(w[p], x[p], sum);
        }

        return sum;
    }

    /// <summary>
    /// carry[u] += Σ_j d[j] · w[j, u] for u in [unitStart, unitEnd): one chain per element, j ascending. Up to eight
    /// vectors of units share one pass over j, so that eight chains hide the multiply-add's latency: one chain alone waits
    /// four cycles a step, and H = 100 used to run as a block of four vectors, then two single vectors and four scalar
    /// chains one after another (30% of an S step). The block's last vector may be partial: its lanes past unitEnd read on
    /// into the row (or into the next row, which exists when H ≥ one vector) and are never stored; the matrix's last
    /// row, after which nothing may be read, is added element by element. Scalar and vector multiply-adds round alike
    /// (<see cref="SimdWidth.MultiplyAdd{T}"/>), so every element keeps the bits of its chain.
    /// </summary>
    private static void AxpyColumns<TOps, TVector>(T* w, T* d, T* carry, int depth, int hiddenSize, int unitStart, int unitEnd)
        where TOps : ISimdWidth<TVector, T>
        where TVector : struct
    {
        const int MaxVectors = 8;
        int n = TOps.Count;
        if (hiddenSize < n)
        {
            AxpyTail(w, d, carry, depth, hiddenSize, unitStart, unitEnd);
            return;
        }

        T* block = stackalloc T[MaxVectors * n];   // the block's carry, zero past its units
        for (int unit = unitStart; unit < unitEnd; unit += MaxVectors * n)
        {
            int count = Math.Min(MaxVectors * n, unitEnd - unit);
            int vectors = (count + n - 1) / n;
            bool partial = count % n != 0;
            new Span<T>(block, vectors * n).Clear();
            new ReadOnlySpan<T>(carry + unit, count).CopyTo(new Span<T>(block, count));

            TVector s0 = TOps.Load(block), s1 = default, s2 = default, s3 = default;
            TVector s4 = default, s5 = default, s6 = default, s7 = default;
            if (vectors > 1) { s1 = TOps.Load(block + n); }
            if (vectors > 2) { s2 = TOps.Load(block + 2 * n); }
            if (vectors > 3) { s3 = TOps.Load(block + 3 * n); }
            if (vectors > 4) { s4 = TOps.Load(block + 4 * n); }
            if (vectors > 5) { s5 = TOps.Load(block + 5 * n); }
            if (vectors > 6) { s6 = TOps.Load(block + 6 * n); }
            if (vectors > 7) { s7 = TOps.Load(block + 7 * n); }

            T* column = w + unit;
            int rows = partial ? depth - 1 : depth;
            for (int j = 0; j < rows; j++)
            {
                TVector dj = TOps.Create(d[j]);
                T* row = column + (nint)j * hiddenSize;
                s0 = TOps.MultiplyAdd(dj, TOps.Load(row), s0);
                if (vectors > 1) { s1 = TOps.MultiplyAdd(dj, TOps.Load(row + n), s1); }
                if (vectors > 2) { s2 = TOps.MultiplyAdd(dj, TOps.Load(row + 2 * n), s2); }
                if (vectors > 3) { s3 = TOps.MultiplyAdd(dj, TOps.Load(row + 3 * n), s3); }
                if (vectors > 4) { s4 = TOps.MultiplyAdd(dj, TOps.Load(row + 4 * n), s4); }
                if (vectors > 5) { s5 = TOps.MultiplyAdd(dj, TOps.Load(row + 5 * n), s5); }
                if (vectors > 6) { s6 = TOps.MultiplyAdd(dj, TOps.Load(row + 6 * n), s6); }
                if (vectors > 7) { s7 = TOps.MultiplyAdd(dj, TOps.Load(row + 7 * n), s7); }
            }

            TOps.Store(s0, block);
            if (vectors > 1) { TOps.Store(s1, block + n); }
            if (vectors > 2) { TOps.Store(s2, block + 2 * n); }
            if (vectors > 3) { TOps.Store(s3, block + 3 * n); }
            if (vectors > 4) { TOps.Store(s4, block + 4 * n); }
            if (vectors > 5) { TOps.Store(s5, block + 5 * n); }
            if (vectors > 6) { TOps.Store(s6, block + 6 * n); }
            if (vectors > 7) { TOps.Store(s7, block + 7 * n); }

            if (partial)
            {
                T dLast = d[depth - 1];
                T* lastRow = column + (nint)(depth - 1) * hiddenSize;
                for (int u = 0; u < count; u++)
                {
                    block[u] = SimdWidth.MultiplyAdd(dLast, lastRow[u], block[u]);
                }
            }

            new ReadOnlySpan<T>(block, count).CopyTo(new Span<T>(carry + unit, count));
        }
    }

    private static void AxpyTail(T* w, T* d, T* carry, int depth, int hiddenSize, int unitStart, int unitEnd)
    {
        for (int unit = unitStart; unit < unitEnd; unit++)
        {
            T sum = carry[unit];
            for (int j = 0; j < depth; j++)
            {
                sum = SimdWidth.MultiplyAdd(d[j], w[(nint)j * hiddenSize + unit], sum);
            }

            carry[unit] = sum;
        }
    }

    private static void CopyTile(T* source, nint sourceStride, T* destination, nint destinationStride, int rows, int columns)
    {
        for (int row = 0; row < rows; row++)
        {
            new ReadOnlySpan<T>(source + row * sourceStride, columns).CopyTo(new Span<T>(destination + row * destinationStride, columns));
        }
    }

    /// <summary>One part's units and its packed panels, in one pinned, 64-byte aligned buffer.</summary>
    private sealed class Part
    {
        private readonly T[] _buffer;

        public Part(int start, int end, int forwardPanels, int panelsPerGate, int hiddenSize, int gateCount)
        {
            Start = start;
            End = end;
            ForwardPanels = forwardPanels;
            PanelsPerGate = panelsPerGate;
            int nr = PanelWidth;
            long forwardLength = (long)forwardPanels * hiddenSize * nr, backwardLength = (long)panelsPerGate * gateCount * hiddenSize * nr;
            int pad = 64 / sizeof(T);
            _buffer = GC.AllocateUninitializedArray<T>(checked((int)(forwardLength + backwardLength + pad)), pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            Forward = (T*)((address + 63) & ~(nint)63);
            Backward = Forward + forwardLength;
        }

        public int Start { get; }

        public int End { get; }

        /// <summary>G · PanelsPerGate.</summary>
        public int ForwardPanels { get; }

        /// <summary>⌈units / NR⌉.</summary>
        public int PanelsPerGate { get; }

        /// <summary>ForwardPanels panels of (H, NR).</summary>
        public T* Forward { get; }

        /// <summary>PanelsPerGate panels of (G·H, NR).</summary>
        public T* Backward { get; }
    }
}
