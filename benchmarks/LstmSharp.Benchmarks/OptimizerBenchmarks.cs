using BenchmarkDotNet.Attributes;
using LstmSharp.Training;

namespace LstmSharp.Benchmarks;

/// <summary>
/// One optimizer step over buffers of <see cref="Length"/> elements (one buffer: the element-wise driver's vector bodies
/// and its scalar tail), each optimizer with its PyTorch defaults. Expect <c>Allocated = 0</c>.
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private Optimizer<float> _optimizer = null!;

    [Params(OptimizerKind.Sgd, OptimizerKind.Adagrad, OptimizerKind.RmsProp, OptimizerKind.Adam, OptimizerKind.AdamW)]
    public OptimizerKind Kind { get; set; }

    // 4,103: one vector short of a round size, so every width's body and the scalar tail run; 347,457: the M model.
    [Params(4_103, 347_457)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        float[] parameters = [.. Enumerable.Range(0, Length).Select(_ => 0.1f * (2 * random.NextSingle() - 1))];
        float[] gradients = [.. Enumerable.Range(0, Length).Select(_ => 2 * random.NextSingle() - 1)];
        _optimizer = Optimizer<float>.Create(Kind, [(parameters, gradients)]);
    }

    [Benchmark]
    public void Step() => _optimizer.Step(1e-3);
}
