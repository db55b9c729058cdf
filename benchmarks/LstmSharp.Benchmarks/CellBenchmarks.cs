using BenchmarkDotNet.Attributes;
using LstmSharp.Layers;

namespace LstmSharp.Benchmarks;

/// <summary>One window forward and backward through a single cell, one-hot input (V = 65), at the M configuration.</summary>
[MemoryDiagnoser]
public class CellBenchmarks
{
    private RecurrentCell<float> _cell = null!;
    private int[] _inputs = [];
    private float[] _output = [];
    private float[] _dOutput = [];
    private float[] _finalHidden = [], _finalCell = [];

    [Params(CellType.Lstm, CellType.Gru, CellType.Rnn)]
    public CellType Cell { get; set; }

    [Params(256)]
    public int HiddenSize { get; set; }

    private const int SequenceLength = 100, BatchSize = 32, VocabularySize = 65;

    [GlobalSetup]
    public void Setup()
    {
        _cell = Cell switch
        {
            CellType.Lstm => new LstmCell<float>(VocabularySize, HiddenSize),
            CellType.Gru => new GruCell<float>(VocabularySize, HiddenSize),
            _ => new RnnCell<float>(VocabularySize, HiddenSize),
        };
        var random = new SeededRandom(3);
        for (int index = 0; index < _cell.Parameters.Length; index++)
        {
            _cell.Parameters[index] = (float)(random.NextDouble() * 0.1 - 0.05);
        }

        _inputs = [.. Enumerable.Range(0, SequenceLength * BatchSize).Select(_ => random.NextInt(VocabularySize))];
        _output = new float[SequenceLength * BatchSize * HiddenSize];
        _dOutput = [.. Enumerable.Range(0, _output.Length).Select(_ => (float)(random.NextDouble() - 0.5))];
        _finalHidden = new float[BatchSize * HiddenSize];
        _finalCell = Cell == CellType.Lstm ? new float[BatchSize * HiddenSize] : [];
        Forward();
    }

    [Benchmark]
    public void Forward() => _cell.Forward(_inputs, [], [], SequenceLength, BatchSize, _output, _finalHidden, _finalCell);

    [Benchmark]
    public void ForwardBackward()
    {
        Forward();
        _cell.Backward(_dOutput, [], [], [], [], []);
    }
}
