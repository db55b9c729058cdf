using System.Numerics;

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
internal static unsafe partial class Gemm
{
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

    /// <summary>How many threads ran slices of the most recent call that had work (1 when it ran alone): for tests.</summary>
    internal static int LastCallThreads { get; private set; }

    /// <summary>
    /// For tests: every thread of a parallel call runs exactly one slice, so a split call really runs on as many threads as
    /// it has slices, however the OS schedules them. Off by default, where the caller takes whatever a late worker left.
    /// </summary>
    internal static bool OneSlicePerThread { get; set; }

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

    private static void Run<T>(Operands operands, bool prepacked = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = operands.M, k = operands.K, n = operands.N;
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        Job job = Plan<T>(operands, prepacked);
        if (job.Parts == 1 || !Workers.TryRun(&RunPart<T>, job, out int threads))
        {
            Execute<T>(operands, job.Strategy, 0, m, 0, n);
            threads = 1;
        }

        LastCallThreads = threads;
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
}
