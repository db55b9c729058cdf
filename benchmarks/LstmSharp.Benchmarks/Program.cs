using BenchmarkDotNet.Running;
using LstmSharp.Benchmarks;

// `gemm-shapes FILE [THREADS]` is the plain timer that benchmarks/gemm-vs-openblas.sh alternates with NumPy;
// `profile-step …` prints where the time of one training step goes; `optimizer-step [KIND…]` times one optimizer step
// (the plain timer benchmarks/compare-revisions.sh alternates between two revisions); anything else goes to BenchmarkDotNet.
if (args is ["gemm-shapes", string shapes, .. string[] threads])
{
    return GemmShapeTimer.Run(shapes, threads is [string count] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}

if (args is ["profile-step", ..])
{
    StepProfile.Run(args[1..]);
    return 0;
}

if (args is ["optimizer-step", ..])
{
    return OptimizerStepTimer.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
