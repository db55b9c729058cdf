using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

/// <summary>
/// Row-major matrix multiply-accumulate in the three forms training needs. TensorPrimitives has no matrix
/// multiply, so this is ours. Every form adds into the destination; callers clear it first when they want a plain product.
/// </summary>
/// <remarks>
/// <para>
/// Three strategies, chosen from the shape alone (never from the thread count):
/// a packed, cache-blocked outer-product GEMM with a register-blocked micro-kernel for large shapes;
/// a row-axpy path for A·B and Aᵀ·B with few rows (the matrix-vector end);
/// a dot-product path for A·Bᵀ with few rows, where both operands are contiguous along k and packing B would cost
/// more than the product (a single stream's recurrent step h·W_hhᵀ, and sampling).
/// A fourth entry takes B packed ahead (<see cref="PackedMatrix{T}"/>) for products repeated against the same B: the
/// recurrent weights, packed once per window, then multiplied by every step's few rows with the packed path's kernels.
/// </para>
/// <para>
/// The packed, prepacked and axpy paths compute every element as the same chain <c>c = fma(a[i,p], b[p,j], c)</c> for p = 0 … k−1,
/// so they agree to the bit with each other and with a scalar fused loop. Threads split the output only, never k, so
/// every thread count gives the same bits.
/// </para>
/// <para>
/// The loops that do the work are marked AggressiveOptimization: they start as optimized code, so the first windows of a
/// run (and short benchmarks) never run an unoptimized kernel, where every Fma is a call.
/// </para>
/// </remarks>
internal static unsafe class Gemm
{
    // Micro-tile rows (broadcast side). The micro-tile is MicroRows × two vectors of C: 16 accumulators.
    private const int MicroRows = 8;

    // Cache blocks: an (MC, KC) block of packed A stays in L2; a (KC, NR) micro-panel of packed B stays in L1;
    // a (KC, NC) block of packed B is shared by all row blocks.
    private const int BlockRows = 96;
    private const int BlockDepth = 256;
    private const int BlockColumns = 1024;

    // Shape thresholds for the small-row paths, measured on Zen 4 (see GemmBenchmarks).
    private const int AxpyMaxRows = 4;
    private const int DotMaxRows = 256;

    // Below this many multiply-adds per thread, waking a worker costs more than it saves.
    private const long MinMultiplyAddsPerThread = 1L << 20;

    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one call may use (default <see cref="Environment.ProcessorCount"/>). The results are the same
    /// bits for every value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    internal static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }

    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[i, p] · b[p, j]</c>: C (m, n) += A (m, k) · B (k, n).</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(m, k, n, a.Length, m * k, b.Length, k * n, c.Length, m * n);
        fixed (T* pa = a, pb = b, pc = c)
        {
            Run<T>(new Operands(pa, k, 1, pb, n, 1, pc, m, k, n));
        }
    }

    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[p, i] · b[p, j]</c>: C (m, n) += Aᵀ · B with A (k, m) and B (k, n).</summary>
    public static void MultiplyTransposedAAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(m, k, n, a.Length, k * m, b.Length, k * n, c.Length, m * n);
        fixed (T* pa = a, pb = b, pc = c)
        {
            Run<T>(new Operands(pa, 1, m, pb, n, 1, pc, m, k, n));
        }
    }

    /// <summary>Effectively computes <c>c[i, j] += Σ_p a[i, p] · b[j, p]</c>: C (m, n) += A · Bᵀ with A (m, k) and B (n, k).</summary>
    public static void MultiplyTransposedBAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(m, k, n, a.Length, m * k, b.Length, n * k, c.Length, m * n);
        fixed (T* pa = a, pb = b, pc = c)
        {
            Run<T>(new Operands(pa, k, 1, pb, 1, k, pc, m, k, n));
        }
    }

    /// <summary>
    /// Effectively computes <c>c[i, j] += Σ_p a[i, p] · b[p, j]</c>: C (m, n) += A (m, k) · B with B (k, n) packed beforehand,
    /// so a product repeated against the same B (the recurrent step) skips packing it.
    /// </summary>
    /// <param name="a">(m, k): the left operand, row-major.</param>
    /// <param name="b">B (k, n), packed by <see cref="PackedMatrix{T}.Pack"/> or <see cref="PackedMatrix{T}.PackTransposed"/>.</param>
    /// <param name="m">m: rows of A and C.</param>
    /// <param name="c">(m, n): the destination, added into.</param>
    /// <exception cref="ArgumentException"><paramref name="m"/> is negative or a buffer is too short.</exception>
    /// <remarks>
    /// Every element is the chain <c>c = fma(a[i,p], b[p,j], c)</c> for p = 0 … k−1, as on the packed path of
    /// <see cref="MultiplyAdd{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, int, Span{T})"/>, whatever m and the thread count.
    /// </remarks>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> a, PackedMatrix<T> b, int m, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(b);
        int k = b.Depth, n = b.Columns;
        CheckShapes(m, k, n, a.Length, m * k, 0, 0, c.Length, m * n);
        fixed (T* pa = a, pc = c)
        {
            Run<T>(new Operands(pa, k, 1, b.Panels, 0, 0, pc, m, k, n), prepacked: true);
        }
    }

    private static void CheckShapes(int m, int k, int n, int aLength, int aExpected, int bLength, int bExpected, int cLength, int cExpected)
    {
        if ((m | k | n) < 0 || aLength < aExpected || bLength < bExpected || cLength < cExpected)
        {
            ThrowHelper.ThrowShapeMismatch();
        }
    }

    private static bool IsVectorized<T>() =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) &&
        (Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);

    /// <summary>Packed micro-tile width: two vectors of the widest accelerated size.</summary>
    internal static int MicroColumns<T>() where T : unmanaged =>
        typeof(T) != typeof(float) && typeof(T) != typeof(double) ? 16 :
        Vector512.IsHardwareAccelerated ? 2 * Vector512<T>.Count : 2 * Vector256<T>.Count;

    private static void Run<T>(Operands operands, bool prepacked = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = operands.M, k = operands.K, n = operands.N;
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        Job job = Plan<T>(operands, prepacked);
        if (job.Parts == 1 || !Workers.TryRun(&RunPart<T>, job))
        {
            Execute<T>(operands, job.Strategy, 0, m, 0, n);
        }
    }

    /// <summary>Chooses the strategy from the shape, then how many output slices to run side by side.</summary>
    private static Job Plan<T>(Operands operands, bool prepacked) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = operands.M, n = operands.N;
        Strategy strategy;
        int rowGrain, columnGrain;
        if (prepacked)
        {
            // Column slices must start on a panel; the panels are padded, so this holds for the scalar fallback too.
            strategy = Strategy.Prepacked;
            rowGrain = MicroRows;
            columnGrain = MicroColumns<T>();
        }
        else if (!IsVectorized<T>())
        {
            strategy = Strategy.Scalar;
            rowGrain = 1;
            columnGrain = 1;
        }
        else if (operands.BColumnStride != 1 && m <= DotMaxRows)
        {
            strategy = Strategy.Dot;
            rowGrain = 4;
            columnGrain = 4;
        }
        else if (operands.BColumnStride == 1 && m <= AxpyMaxRows)
        {
            strategy = Strategy.Axpy;
            rowGrain = 1;
            columnGrain = Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count;
        }
        else
        {
            strategy = Strategy.Packed;
            rowGrain = MicroRows;
            columnGrain = MicroColumns<T>();
        }

        // A matrix-vector product streams B from L3 or memory once: a second core adds bandwidth at a quarter of the work.
        long work = (long)m * operands.K * n;
        long grain = m <= AxpyMaxRows ? MinMultiplyAddsPerThread / 4 : MinMultiplyAddsPerThread;
        int parts = (int)Math.Clamp(work / grain, 1, MaxThreads);
        int rowTiles = (m + rowGrain - 1) / rowGrain, columnTiles = (n + columnGrain - 1) / columnGrain;

        // Column slices share A and each pack their own part of B; prefer them unless they are too few to balance.
        bool splitRows = columnTiles < 2 * parts && rowTiles > columnTiles;
        int tiles = splitRows ? rowTiles : columnTiles;
        parts = Math.Min(parts, tiles);
        int tilesPerPart = (tiles + parts - 1) / parts;
        int slice = tilesPerPart * (splitRows ? rowGrain : columnGrain);
        return new Job(operands, strategy, parts, splitRows, slice);
    }

    private static void RunPart<T>(in Job job, int part) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Operands operands = job.Operands;
        int start = part * job.Slice;
        if (job.SplitRows)
        {
            int end = Math.Min(operands.M, start + job.Slice);
            if (start < end)
            {
                Execute<T>(operands, job.Strategy, start, end, 0, operands.N);
            }
        }
        else
        {
            int end = Math.Min(operands.N, start + job.Slice);
            if (start < end)
            {
                Execute<T>(operands, job.Strategy, 0, operands.M, start, end);
            }
        }
    }

    private static void Execute<T>(Operands operands, Strategy strategy, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (strategy)
        {
            case Strategy.Packed:
                ExecutePacked<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case Strategy.Axpy:
                ExecuteAxpy<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case Strategy.Dot:
                ExecuteDot<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case Strategy.Prepacked:
                ExecutePrepacked<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            default:
                ExecuteScalar<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
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

    /// <summary>
    /// The blocked GEMM over the output slice [rowStart, rowEnd) × [columnStart, columnEnd): for each (KC, NC) block of B,
    /// packed once, every (MC, KC) block of A is packed and swept by the micro-kernel, one (MR, NR) tile of C at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecutePacked<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = operands.K, n = operands.N;
        int nr = MicroColumns<T>();
        T* c = (T*)operands.C;
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
                    PackA(operands, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int columns = Math.Min(nr, nc - jr);
                        T* bPanel = packedB + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += MicroRows)
                        {
                            int rows = Math.Min(MicroRows, mc - ir);
                            T* aPanel = packedA + (nint)ir * kc;
                            T* cTile = c + (nint)(ic + ir) * n + jc + jr;
                            if (rows == MicroRows && columns == nr)
                            {
                                MicroKernel(kc, aPanel, bPanel, cTile, n);
                            }
                            else
                            {
                                // Same kernel on a copy, so ragged tiles round exactly like full ones.
                                CopyTile(cTile, n, edge, nr, rows, columns);
                                MicroKernel(kc, aPanel, bPanel, edge, nr);
                                CopyTile(edge, nr, cTile, n, rows, columns);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The packed GEMM against a B packed beforehand (<see cref="PackedMatrix{T}"/>), over the output slice
    /// [rowStart, rowEnd) × [columnStart, columnEnd), where columnStart falls on a panel. Whole MR-row tiles go through
    /// the micro-kernel, reading A in place; the last m mod MR rows go through the one-row kernel. Both compute the same
    /// chain per element as the packed path, so neither the row split nor packing ahead can change a bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExecutePrepacked<T>(Operands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!IsVectorized<T>())
        {
            ExecutePrepackedScalar<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
            return;
        }

        int k = operands.K, n = operands.N;
        int nr = MicroColumns<T>();
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
                            MicroKernelRows(kc, aTile, ars, bPanel, cTile, n);
                        }
                        else
                        {
                            CopyTile(cTile, n, edge, nr, MicroRows, columns);
                            MicroKernelRows(kc, aTile, ars, bPanel, edge, nr);
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
                    RowKernel(k, a + i * ars, acs, b0, b0 + panelStride, cRow + jr);
                }
                else
                {
                    // A lone last panel runs twice into the scratch row; the copy back keeps only its columns.
                    T* b1 = columns > nr ? b0 + panelStride : b0;
                    CopyTile(cRow + jr, n, edge, nr, 1, columns);
                    RowKernel(k, a + i * ars, acs, b0, b1, edge);
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
        for (int jr = 0; jr < nc; jr += nr)
        {
            int columns = Math.Min(nr, nc - jr);
            T* panel = destination + (nint)jr * kc;
            T* source = b + pc * brs + (jc + jr) * bcs;
            if (bcs == 1)
            {
                for (int p = 0; p < kc; p++)
                {
                    Span<T> to = new(panel + (nint)p * nr, nr);
                    new ReadOnlySpan<T>(source + p * brs, columns).CopyTo(to);
                    to.Slice(columns).Clear();
                }
            }
            else
            {
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
    }

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

    private enum Strategy
    {
        Scalar,
        Packed,
        Axpy,
        Dot,
        Prepacked,
    }

    /// <summary>
    /// The three forms as one: element (i, p) of A is <c>A[i·ARowStride + p·AColumnStride]</c> and element (p, j) of B is
    /// <c>B[p·BRowStride + j·BColumnStride]</c>; C is (M, N) with stride N. The pointers stay pinned for the whole call.
    /// </summary>
    private readonly struct Operands(void* a, int aRowStride, int aColumnStride, void* b, int bRowStride, int bColumnStride, void* c, int m, int k, int n)
    {
        public void* A { get; } = a;
        public int ARowStride { get; } = aRowStride;
        public int AColumnStride { get; } = aColumnStride;
        public void* B { get; } = b;
        public int BRowStride { get; } = bRowStride;
        public int BColumnStride { get; } = bColumnStride;
        public void* C { get; } = c;
        public int M { get; } = m;
        public int K { get; } = k;
        public int N { get; } = n;
    }

    /// <summary>One call cut into <see cref="Parts"/> output slices of <see cref="Slice"/> rows or columns each.</summary>
    private readonly struct Job(Operands operands, Strategy strategy, int parts, bool splitRows, int slice)
    {
        public Operands Operands { get; } = operands;
        public Strategy Strategy { get; } = strategy;
        public int Parts { get; } = parts;
        public bool SplitRows { get; } = splitRows;
        public int Slice { get; } = slice;
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

    /// <summary>
    /// A fixed set of background threads that help the caller with the slices of one call. Slices are claimed through a
    /// counter, and the caller claims whatever is left, so a worker that the OS has not yet scheduled never holds the
    /// call up. One call at a time: a concurrent caller finds the gate taken and runs alone, which gives the same bits.
    /// </summary>
    private static class Workers
    {
        // s_state: the number of workers inside the current call, plus Closed once the caller has stopped admitting them.
        private const int Closed = 1 << 30;
        private static readonly Lock s_gate = new();
        private static ManualResetEventSlim[] s_start = [];
        private static Job s_job;
        private static delegate*<in Job, int, void> s_body;
        private static int s_nextSlice;
        private static int s_state = Closed;

        public static bool TryRun(delegate*<in Job, int, void> body, Job job)
        {
            if (!s_gate.TryEnter())
            {
                return false;
            }

            try
            {
                int helpers = job.Parts - 1;
                EnsureThreads(helpers);
                s_job = job;
                s_body = body;
                s_nextSlice = 0;
                Volatile.Write(ref s_state, 0);
                for (int w = 0; w < helpers; w++)
                {
                    s_start[w].Set();
                }

                RunSlices();
                Interlocked.Or(ref s_state, Closed);
                SpinWait spin = default;
                while (Volatile.Read(ref s_state) != Closed)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                return true;
            }
            finally
            {
                s_gate.Exit();
            }
        }

        private static void RunSlices()
        {
            int parts = s_job.Parts;
            int slice;
            while ((slice = Interlocked.Increment(ref s_nextSlice) - 1) < parts)
            {
                s_body(in s_job, slice);
            }
        }

        private static void EnsureThreads(int count)
        {
            if (s_start.Length >= count)
            {
                return;
            }

            ManualResetEventSlim[] start = new ManualResetEventSlim[count];
            s_start.CopyTo(start, 0);
            for (int w = s_start.Length; w < count; w++)
            {
                ManualResetEventSlim signal = new(false, 2000);
                start[w] = signal;
                new Thread(() => Loop(signal)) { IsBackground = true, Name = $"LstmSharp GEMM {w + 1}" }.Start();
            }

            s_start = start;
        }

        private static void Loop(ManualResetEventSlim start)
        {
            while (true)
            {
                start.Wait();
                start.Reset();
                int state = Volatile.Read(ref s_state);
                while ((state & Closed) == 0)
                {
                    int seen = Interlocked.CompareExchange(ref s_state, state + 1, state);
                    if (seen == state)
                    {
                        RunSlices();
                        Interlocked.Decrement(ref s_state);
                        break;
                    }

                    state = seen;
                }
            }
        }
    }
}
