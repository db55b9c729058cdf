using System.Diagnostics;
using System.Globalization;
using LstmSharp.Training;

namespace LstmSharp.Benchmarks;

/// <summary>
/// <c>LstmSharp.Benchmarks optimizer-step [KIND…]</c>: times one <see cref="Optimizer{T}.Step"/> of each optimizer (all
/// five by default) over the parameter buffers of the M model (LSTM, V = 65, H = 256: 347,457 floats in six buffers),
/// with PyTorch's default hyper-parameters, and prints <c>optimizer KIND: µs/step ns/element</c>, the median of 7 timed
/// batches of at least 40 ms each after a 1 s warm-up. It uses only public API that 1.x had too (the five
/// optimizers' constructors with their defaults, and <see cref="Optimizer{T}.Step"/>), so <c>benchmarks/compare-revisions.sh</c> compiles this same file against an
/// older revision of the library and alternates the two builds.
/// </summary>
internal static class OptimizerStepTimer
{
    private const int Vocabulary = 65, Hidden = 256;

    public static int Run(string[] kinds)
    {
        OptimizerKind[] selected = kinds.Length == 0
            ? Enum.GetValues<OptimizerKind>()
            : [.. kinds.Select(kind => Enum.Parse<OptimizerKind>(kind, ignoreCase: true))];
        foreach (OptimizerKind kind in selected)
        {
            (float[] Parameters, float[] Gradients)[] buffers = ModelBuffers();
            Optimizer<float> optimizer = Create(kind, buffers);
            int elements = buffers.Sum(buffer => buffer.Parameters.Length);
            double seconds = SecondsPerStep(optimizer);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"optimizer {kind.ToString().ToLowerInvariant()} n={elements}: {seconds * 1e6:F1} us/step  {seconds * 1e9 / elements:F3} ns/element"));
        }

        return 0;
    }

    private static Optimizer<float> Create(OptimizerKind kind, (float[] Parameters, float[] Gradients)[] buffers) => kind switch
    {
        OptimizerKind.Sgd => new Sgd<float>(buffers),
        OptimizerKind.Adagrad => new Adagrad<float>(buffers),
        OptimizerKind.RmsProp => new RmsProp<float>(buffers),
        OptimizerKind.Adam => new Adam<float>(buffers),
        OptimizerKind.AdamW => new AdamW<float>(buffers),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an optimizer kind"),
    };

    // θ and ∇ laid out as CharModel's buffers: weight_ih (4H, V), weight_hh (4H, H), bias_ih, bias_hh (4H), head (V, H), (V).
    private static (float[] Parameters, float[] Gradients)[] ModelBuffers()
    {
        var random = new Random(7);
        int gates = 4 * Hidden;
        int[] lengths = [gates * Vocabulary, gates * Hidden, gates, gates, Vocabulary * Hidden, Vocabulary];
        return [.. lengths.Select(length => (Fill(random, length, 0.1f), Fill(random, length, 1f)))];
    }

    private static float[] Fill(Random random, int length, float scale) =>
        [.. Enumerable.Range(0, length).Select(_ => scale * (2 * random.NextSingle() - 1))];

    private static double SecondsPerStep(Optimizer<float> optimizer)
    {
        var warmUp = Stopwatch.StartNew();
        for (int step = 0; step < 50 || warmUp.ElapsedMilliseconds < 1000; step++)
        {
            optimizer.Step(1e-3);
        }

        var batches = new double[7];
        for (int batch = 0; batch < batches.Length; batch++)
        {
            int steps = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                optimizer.Step(1e-3);
                steps++;
            }
            while (clock.ElapsedMilliseconds < 40);

            batches[batch] = clock.Elapsed.TotalSeconds / steps;
        }

        Array.Sort(batches);
        return batches[batches.Length / 2];
    }
}
