using BenchmarkDotNet.Running;
using LstmSharp.Benchmarks;

if (args.Length > 0 && args[0] == "profile-step")
{
    StepProfile.Run(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
