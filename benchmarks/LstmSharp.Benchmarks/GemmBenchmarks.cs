using System.Numerics;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LstmSharp.Kernels;

namespace LstmSharp.Benchmarks;

/// <summary>
/// The three GEMM forms on shapes from LSTM training (float), against the first simple implementation.
/// m=32 k=256 n=1024: a recurrent step, B=32 H=256; m=3200: the input projection for T·B = 100·32 rows;
/// m=1024 k=3200 n=256: a weight gradient over a window; m=64 k=512 n=2048: a step at B=64 H=512; m=1: sampling.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    public enum Form
    {
        AB,
        AtB,
        ABt,
    }

    public static IEnumerable<GemmShape> Shapes =>
    [
        new(32, 256, 1024), new(3200, 256, 1024), new(1024, 3200, 256), new(64, 512, 2048), new(1, 512, 2048),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; }

    [Params(Form.AB, Form.AtB, Form.ABt)]
    public Form Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random random = new(1);
        _a = Fill(random, Shape.M * Shape.K);
        _b = Fill(random, Shape.K * Shape.N);
        _c = new float[Shape.M * Shape.N];
    }

    [Benchmark(Baseline = true)]
    public void Naive()
    {
        (int m, int k, int n) = Shape;
        switch (Kind)
        {
            case Form.AB:
                NaiveGemm.MultiplyAdd<float>(_a, _b, m, k, n, _c);
                break;
            case Form.AtB:
                NaiveGemm.MultiplyTransposedAAdd<float>(_a, _b, m, k, n, _c);
                break;
            default:
                NaiveGemm.MultiplyTransposedBAdd<float>(_a, _b, m, k, n, _c);
                break;
        }
    }

    [Benchmark]
    public void Blocked()
    {
        (int m, int k, int n) = Shape;
        switch (Kind)
        {
            case Form.AB:
                Gemm.MultiplyAdd<float>(_a, _b, m, k, n, _c);
                break;
            case Form.AtB:
                Gemm.MultiplyTransposedAAdd<float>(_a, _b, m, k, n, _c);
                break;
            default:
                Gemm.MultiplyTransposedBAdd<float>(_a, _b, m, k, n, _c);
                break;
        }
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

/// <summary>C (m, n) += A · B with A (m, k) and B (k, n), or the transposed forms; 2·m·k·n floating-point operations.</summary>
public readonly record struct GemmShape(int M, int K, int N)
{
    public override string ToString() => $"{M}x{K}x{N}";
}

/// <summary>Adds a GFLOP/s column computed from the shape and the mean time.</summary>
public sealed class GflopsConfig : ManualConfig
{
    public GflopsConfig() => AddColumn(new GflopsColumn());

    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Useful floating-point operations (2·m·k·n) per second, in billions";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics ||
                benchmarkCase.Parameters[nameof(GemmBenchmarks.Shape)] is not GemmShape shape)
            {
                return "-";
            }

            double flops = 2.0 * shape.M * shape.K * shape.N;
            return (flops / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>The first, simple implementation of <see cref="Gemm"/>: the benchmark baseline only.</summary>
internal static class NaiveGemm
{
    public static void MultiplyAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            Span<T> cRow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[i * k + p], cRow, cRow);
            }
        }
    }

    public static void MultiplyTransposedAAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<T> bRow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                Span<T> cRow = c.Slice(i * n, n);
                TensorPrimitives.MultiplyAdd(bRow, a[p * m + i], cRow, cRow);
            }
        }
    }

    public static void MultiplyTransposedBAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                c[i * n + j] += TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
            }
        }
    }
}
