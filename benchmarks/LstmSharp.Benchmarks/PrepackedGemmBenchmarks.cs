using BenchmarkDotNet.Attributes;
using LstmSharp.Kernels;

namespace LstmSharp.Benchmarks;

/// <summary>
/// The recurrent step's products against W_hh packed once per window, against the same product with B unpacked.
/// m=32 k=256 n=1024: h·W_hhᵀ at B=32 H=256; m=32 k=1024 n=256: the backward carry dGates·W_hh;
/// m=64 k=512 n=2048: h·W_hhᵀ at B=64 H=512; m=1 k=400 n=100: the carry at B=1 H=100 (the S configuration).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class PrepackedGemmBenchmarks
{
    private readonly PackedMatrix<float> _packed = new();
    private float[] _a = [], _b = [], _c = [];

    public static IEnumerable<GemmShape> Shapes => [new(32, 256, 1024), new(32, 1024, 256), new(64, 512, 2048), new(1, 400, 100)];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random random = new(1);
        _a = Fill(random, Shape.M * Shape.K);
        _b = Fill(random, Shape.K * Shape.N);
        _c = new float[Shape.M * Shape.N];
        _packed.Pack(_b, Shape.K, Shape.N);
    }

    [Benchmark(Baseline = true)]
    public void Unpacked() => Gemm.MultiplyAdd<float>(_a, _b, Shape.M, Shape.K, Shape.N, _c);

    [Benchmark]
    public void Prepacked() => Gemm.MultiplyAdd<float>(_a, _packed, Shape.M, _c);

    /// <summary>Packing itself, paid once per window.</summary>
    [Benchmark]
    public void Pack() => _packed.Pack(_b, Shape.K, Shape.N);

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
