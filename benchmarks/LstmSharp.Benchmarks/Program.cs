using BenchmarkDotNet.Running;
using LstmSharp.Benchmarks;

// `gemm-shapes FILE` is the plain timer that benchmarks/gemm-vs-openblas.sh alternates with NumPy; `profile-step …` prints
// where the time of one training step goes; anything else goes to BenchmarkDotNet.
if (args is ["gemm-shapes", string shapes])
{
    return GemmShapeTimer.Run(shapes);
}

if (args is ["profile-step", ..])
{
    StepProfile.Run(args[1..]);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
