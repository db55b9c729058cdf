using System.Diagnostics;
using System.Globalization;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Training;

namespace LstmSharp.Benchmarks;

/// <summary>
/// Where the time of one training step goes, phase by phase (<see cref="StepProfiler"/>): the same step as
/// <c>lstmsharp bench step</c> (random one-hot characters, loss on every step, clip 5, Adam, zero state per step).
/// <code>
/// dotnet run -c Release -- profile-step [cell=lstm] [V=65] [H=256] [T=100] [B=32] [steps=30] [threads=2] [layers=1] [dropout=0]
/// </code>
/// </summary>
internal static class StepProfile
{
    public static void Run(string[] args)
    {
        string Arg(int index, string fallback) => args.Length > index ? args[index] : fallback;
        int Int(int index, int fallback) => int.Parse(Arg(index, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        CellType cell = Arg(0, "lstm") switch { "gru" => CellType.Gru, "rnn" => CellType.Rnn, _ => CellType.Lstm };
        int v = Int(1, 65), h = Int(2, 256), t = Int(3, 100), b = Int(4, 32), steps = Int(5, 30), threads = Int(6, 2), layers = Int(7, 1);
        double dropout = double.Parse(Arg(8, "0"), CultureInfo.InvariantCulture);
        Parallelism.MaxThreads = threads;

        var model = new CharModel<float>(cell, v, h, layers);
        model.Initialize(Initialization.PyTorchUniform, 0);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = t, BatchSize = b, LearningRate = 1e-3, Dropout = dropout });
        var random = new SeededRandom(0);
        int[] inputs = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
        int[] targets = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
        for (int warmUp = 0; warmUp < 10; warmUp++)
        {
            trainer.State.Clear();
            trainer.TrainStep(inputs, targets, 1e-3);
        }

        StepProfiler.Reset();
        StepProfiler.Enabled = true;
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            trainer.State.Clear();
            trainer.TrainStep(inputs, targets, 1e-3);
        }

        double total = clock.Elapsed.TotalSeconds / steps;
        StepProfiler.Enabled = false;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile step {cell.ToString().ToLowerInvariant()} V={v} H={h} T={t} B={b} layers={layers} dropout={dropout} threads={threads}: {total * 1e3:F2} ms/step ({b * t / total:F0} chars/s), mean of {steps}"));
        double accounted = 0;
        foreach (StepPhase phase in Enum.GetValues<StepPhase>())
        {
            double seconds = StepProfiler.Seconds(phase) / steps;
            accounted += seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {phase,-18} {seconds * 1e3,8:F2} ms  {seconds / total,6:P1}"));
        }

        double rest = total - accounted;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"Other",-18} {rest * 1e3,8:F2} ms  {rest / total,6:P1}   (zeroing, clipping, Adam, state and window bookkeeping)"));
    }
}
