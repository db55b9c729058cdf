using System.Diagnostics;

namespace LstmSharp.Diagnostics;

/// <summary>The phases of one training step that <see cref="StepProfiler"/> times.</summary>
internal enum StepPhase
{
    /// <summary>x·W_ihᵀ + b for all T·B rows: the one-hot gather, or one GEMM for an upper layer.</summary>
    InputProjection,

    /// <summary>The T recurrent steps of every layer: h_{t−1}·W_hhᵀ and the gate arithmetic.</summary>
    RecurrentForward,

    /// <summary>Dropout masks and their application between layers.</summary>
    Dropout,

    /// <summary>The head's logits and the softmax loss.</summary>
    HeadForward,

    /// <summary>dL/dlogits, the head's weight gradients and dL/dh of the top layer.</summary>
    HeadBackward,

    /// <summary>The T reverse steps of every layer: the gate gradients, the bias gradients and the carry dGates·W_hh.</summary>
    RecurrentBackward,

    /// <summary>dW_ih (scatter or GEMM), dW_hh and dx, one window-wide product each.</summary>
    WeightGradients,
}

/// <summary>
/// Accumulates wall time per <see cref="StepPhase"/> while <see cref="Enabled"/>; off (one branch per phase) otherwise.
/// The harness is <c>benchmarks/LstmSharp.Benchmarks profile-step</c>, which prints the breakdown of one step.
/// </summary>
internal static class StepProfiler
{
    private static readonly long[] s_ticks = new long[Enum.GetValues<StepPhase>().Length];

    /// <summary>Whether phases are timed. Process-wide; set it from one thread before the steps to profile.</summary>
    public static bool Enabled { get; set; }

    /// <summary>A timestamp to hand to <see cref="Stop"/>, or 0 when profiling is off.</summary>
    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="phase"/>.</summary>
    public static void Stop(StepPhase phase, long start)
    {
        if (Enabled)
        {
            s_ticks[(int)phase] += Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>Seconds spent in <paramref name="phase"/> since the last <see cref="Reset"/>.</summary>
    public static double Seconds(StepPhase phase) => (double)s_ticks[(int)phase] / Stopwatch.Frequency;

    /// <summary>Sets every phase to zero.</summary>
    public static void Reset() => Array.Clear(s_ticks);
}
