using LstmSharp.Kernels;

namespace LstmSharp;

/// <summary>How many threads LstmSharp's matrix kernels may use.</summary>
/// <remarks>
/// The kernels split work only over output tiles, never over a reduction, so every thread count gives bit-identical
/// results. The setting is process-wide; change it before training starts, not while a model runs.
/// </remarks>
public static class Parallelism
{
    /// <summary>The most threads one matrix product may use. Defaults to the processor count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public static int MaxThreads
    {
        get => Gemm.MaxThreads;
        set => Gemm.MaxThreads = value;
    }
}
