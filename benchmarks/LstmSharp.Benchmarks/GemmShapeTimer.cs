using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Benchmarks;

/// <summary>
/// <c>LstmSharp.Benchmarks gemm-shapes FILE [THREADS]</c>: times <see cref="Gemm"/> on the shapes listed in FILE, one per line
/// <c>name form m k n window</c> (form AB, AtB or ABt; window 0 for an unpacked product, or T for a product against B
/// packed once per window of T steps, whose packing time is then added at 1/T per product), and prints
/// <c>name GFLOP/s</c> per shape: 2·m·k·n over the median of 7 timed batches of at least 40 ms each.
/// The same protocol as the NumPy side of <c>benchmarks/gemm-vs-openblas.sh</c>, so the two compare line by line.
/// With GEMM_CLOCK=cpu the batches are timed in process CPU time rather than wall time: on one thread, on a machine
/// other work keeps busy, that leaves out the time the OS gave to other processes.
/// </summary>
internal static partial class GemmShapeTimer
{
    private static readonly bool s_cpuClock = Environment.GetEnvironmentVariable("GEMM_CLOCK") == "cpu";

    public static int Run(string path, int threads)
    {
        Gemm.MaxThreads = threads;
        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 6)
            {
                continue;
            }

            int m = int.Parse(fields[2], CultureInfo.InvariantCulture);
            int k = int.Parse(fields[3], CultureInfo.InvariantCulture);
            int n = int.Parse(fields[4], CultureInfo.InvariantCulture);
            int window = int.Parse(fields[5], CultureInfo.InvariantCulture);
            double seconds = Time(fields[1], m, k, n, window);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fields[0]} {2.0 * m * k * n / seconds / 1e9:F1}"));
        }

        return 0;
    }

    /// <summary>Seconds per product (plus 1/window of a pack when window &gt; 0).</summary>
    private static double Time(string form, int m, int k, int n, int window)
    {
        Random random = new(1);
        float[] a = Fill(random, m * k), b = Fill(random, k * n), c = new float[m * n];
        if (window > 0)
        {
            // The recurrent step: B is W_hh, stored (n, k) for A·Bᵀ (form ABt) or (k, n) for A·B, packed once per window.
            PackedMatrix<float> packed = new();
            Action pack = form == "ABt" ? () => packed.PackTransposed(b, k, n) : () => packed.Pack(b, k, n);
            pack();
            double product = Median(() => Gemm.MultiplyAdd<float>(a, packed, m, c));
            return product + Median(pack) / window;
        }

        Action multiply = form switch
        {
            "AB" => () => Gemm.MultiplyAdd<float>(a, b, m, k, n, c),
            "AtB" => () => Gemm.MultiplyTransposedAAdd<float>(a, b, m, k, n, c),
            "ABt" => () => Gemm.MultiplyTransposedBAdd<float>(a, b, m, k, n, c),
            _ => throw new ArgumentException($"unknown form {form}", nameof(form)),
        };
        return Median(multiply);
    }

    private static double Median(Action action)
    {
        action();
        double start = Now();
        int reps = 0;
        while (Now() - start < 0.04)
        {
            action();
            reps++;
        }

        double[] batches = new double[7];
        for (int i = 0; i < batches.Length; i++)
        {
            start = Now();
            for (int r = 0; r < reps; r++)
            {
                action();
            }

            batches[i] = (Now() - start) / reps;
        }

        Array.Sort(batches);
        return batches[batches.Length / 2];
    }

    private static double Now()
    {
        if (!s_cpuClock)
        {
            return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        }

        // CLOCK_PROCESS_CPUTIME_ID (2 on Linux), as Python's time.process_time reads it.
        ClockGetTime(2, out TimeSpec now);
        return now.Seconds + now.Nanoseconds * 1e-9;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static float[] Fill(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
