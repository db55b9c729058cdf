using BenchmarkDotNet.Running;
using LstmSharp.Benchmarks;

// `gemm-shapes FILE` is the plain timer that benchmarks/gemm-vs-openblas.sh alternates with NumPy; anything else goes to BenchmarkDotNet.
if (args is ["gemm-shapes", string shapes])
{
    return GemmShapeTimer.Run(shapes);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
