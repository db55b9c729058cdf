using System.Globalization;
using BenchmarkDotNet.Attributes;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Training;

namespace LstmSharp.Benchmarks;

/// <summary>
/// One full training step (forward, backward, clip, Adam) at the configurations: V = 65, one-hot input,
/// loss on every step. Characters per second = T·B / the mean time.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Trainer _trainer = null!;
    private int[] _inputs = [];
    private int[] _targets = [];

    [Params("S lstm 100 25 1", "M lstm 256 100 32", "L lstm 512 100 64", "XL lstm 1024 50 64", "M gru 256 100 32", "M rnn 256 100 32")]
    public string Configuration { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (CellType cell, int hidden, int sequenceLength, int batchSize) = Parse(Configuration);
        var model = new CharModel<float>(cell, 65, hidden);
        model.Initialize(Initialization.PyTorchUniform, 1);
        _trainer = new Trainer(model, new TrainingOptions { SequenceLength = sequenceLength, BatchSize = batchSize, LearningRate = 1e-3, MaxSteps = 1 });
        var random = new SeededRandom(2);
        _inputs = [.. Enumerable.Range(0, sequenceLength * batchSize).Select(_ => random.NextInt(65))];
        _targets = [.. Enumerable.Range(0, sequenceLength * batchSize).Select(_ => random.NextInt(65))];
    }

    [Benchmark]
    public double Step() => _trainer.TrainStep(_inputs, _targets, 1e-3).Loss;

    internal static (CellType Cell, int Hidden, int SequenceLength, int BatchSize) Parse(string configuration)
    {
        string[] parts = configuration.Split(' ');
        CellType cell = parts[1] switch { "gru" => CellType.Gru, "rnn" => CellType.Rnn, _ => CellType.Lstm };
        return (cell, int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture), int.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
