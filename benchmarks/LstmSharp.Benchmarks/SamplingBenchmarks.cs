using BenchmarkDotNet.Attributes;
using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Benchmarks;

/// <summary>Sampling one character (one model step at B = 1, then a draw) from an LSTM with V = 65.</summary>
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private Sampler _sampler = null!;

    [Params(512)]
    public int HiddenSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Vocabulary vocabulary = Vocabulary.FromCharacters(Enumerable.Range(33, 65).Select(value => new System.Text.Rune(value)));
        var model = new CharModel<float>(CellType.Lstm, vocabulary.Count, HiddenSize);
        model.Initialize(Initialization.PyTorchUniform, 1);
        _sampler = new Sampler(model, vocabulary, new SamplingOptions { Seed = 1 });
        _sampler.Prime("A");
    }

    [Benchmark]
    public int NextCharacter() => _sampler.NextId();
}
