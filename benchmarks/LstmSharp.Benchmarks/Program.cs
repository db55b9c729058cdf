using BenchmarkDotNet.Running;
using LstmSharp.Benchmarks;

// `gemm-shapes FILE` is the plain timer that benchmarks/gemm-vs-openblas.sh alternates with NumPy; anything else goes to BenchmarkDotNet.
if (args is ["gemm-shapes", string shapes, .. string[] threads])
{
    return GemmShapeTimer.Run(shapes, threads is [string count] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
