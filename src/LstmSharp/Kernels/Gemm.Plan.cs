using System.Numerics;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

// The plan of one call: block sizes, the strategy for a shape, and the output slices threads run.
internal static unsafe partial class Gemm
{
    // Micro-tile rows (broadcast side). The micro-tile is MicroRows × two vectors of C: 16 accumulators.
    private const int MicroRows = 8;

    // Cache blocks: an (MC, KC) block of packed A stays in L2; a (KC, NR) micro-panel of packed B stays in L1;
    // a (KC, NC) block of packed B is shared by all row blocks.
    private const int BlockRows = 96;
    private const int BlockDepth = 256;
    private const int BlockColumns = 1024;

    // The packed path reads A in place, rather than packing it, when a slice has at most this many panels of columns:
    // on Zen 5 the head's (6400, 512)·(512, 65) ran ~1.5× faster so, and wide slices gained nothing measurable.
    private const int InPlaceMaxPanels = 4;

    // A ragged last row tile with fewer rows than this runs through the one-row kernel instead of a zero-padded tile.
    private const int RowKernelMaxRows = 4;

    // Shape thresholds for the small-row paths, measured on Zen 4 (see GemmBenchmarks).
    private const int AxpyMaxRows = 4;
    private const int DotMaxRows = 256;

    // Below this many multiply-adds per thread, waking a worker costs more than it saves.
    private const long MinMultiplyAddsPerThread = 1L << 20;

    /// <summary>Packed micro-tile width: two vectors of the widest accelerated size.</summary>
    internal static int MicroColumns<T>() where T : unmanaged =>
        SimdWidth.IsVectorized<T>() ? 2 * SimdWidth.Count<T>() : 16;

    /// <summary>Chooses the strategy from the shape, then how many output slices to run side by side.</summary>
    private static Job Plan<T>(Operands operands, bool prepacked) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = operands.M, n = operands.N;
        Strategy strategy;
        int rowGrain, columnGrain;
        if (prepacked)
        {
            // Column slices must start on a panel; the panels are padded, so this holds for the scalar fallback too.
            strategy = SimdWidth.IsVectorized<T>() ? Strategy.Prepacked : Strategy.PrepackedScalar;
            rowGrain = MicroRows;
            columnGrain = MicroColumns<T>();
        }
        else if (!SimdWidth.IsVectorized<T>())
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
            columnGrain = SimdWidth.Count<T>();
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

        // Column slices share A and each pack their own part of B; prefer them unless they are too few to balance, or
        // unless every slice would pack all of a taller A: then row slices, each packing its own part of A and all of a
        // smaller B, pack less in total (the weight gradients' (G·H, T·B)·(T·B, H), dx's (T·B, G·H)·(G·H, H)).
        bool packsA = strategy == Strategy.Packed && (operands.AColumnStride != 1 || n > InPlaceMaxPanels * columnGrain);
        bool splitRows = (columnTiles < 2 * parts || (packsA && m > n)) && rowTiles > columnTiles;
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
        if (strategy == Strategy.Scalar)
        {
            ExecuteScalar<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
        }
        else if (strategy == Strategy.PrepackedScalar)
        {
            ExecutePrepackedScalar<T>(operands, rowStart, rowEnd, columnStart, columnEnd);
        }
        else if (SimdWidth.Is512)
        {
            Execute<T, Vector512<T>, Simd512<T>>(operands, strategy, rowStart, rowEnd, columnStart, columnEnd);
        }
        else if (SimdWidth.Is256)
        {
            Execute<T, Vector256<T>, Simd256<T>>(operands, strategy, rowStart, rowEnd, columnStart, columnEnd);
        }
        else
        {
            Execute<T, Vector128<T>, Simd128<T>>(operands, strategy, rowStart, rowEnd, columnStart, columnEnd);
        }
    }

    /// <summary>The vector strategies at one width: the JIT compiles this and everything below it once per width.</summary>
    private static void Execute<T, TVector, TSimd>(Operands operands, Strategy strategy, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimdWidth<TVector, T>
    {
        switch (strategy)
        {
            case Strategy.Packed:
                ExecutePacked<T, TVector, TSimd>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case Strategy.Axpy:
                ExecuteAxpy<T, TVector, TSimd>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case Strategy.Dot:
                ExecuteDot<T, TVector, TSimd>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
            default:
                ExecutePrepacked<T, TVector, TSimd>(operands, rowStart, rowEnd, columnStart, columnEnd);
                break;
        }
    }

    private enum Strategy
    {
        Scalar,
        Packed,
        Axpy,
        Dot,
        Prepacked,
        PrepackedScalar,
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
}
