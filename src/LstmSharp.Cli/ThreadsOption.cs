using System.CommandLine;

namespace LstmSharp.Cli;

/// <summary><c>--threads N</c> on train, sample and score: the kernels' thread limit for one command, restored after it.</summary>
internal static class ThreadsOption
{
    public static Option<int?> Create() => new("--threads")
    {
        Description = $"Threads for the matrix kernels (results are bit-identical for any count). [default: all {Environment.ProcessorCount} processors]",
        HelpName = "N",
    };

    /// <summary>Sets <see cref="Parallelism.MaxThreads"/> while the returned scope lives (process-wide, as in-process tests need).</summary>
    /// <exception cref="ArgumentOutOfRangeException">N is below 1 (named "threads").</exception>
    public static IDisposable Apply(int? threads)
    {
        int previous = Parallelism.MaxThreads;
        if (threads is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(threads));
            Parallelism.MaxThreads = count;
        }

        return new Scope(previous);
    }

    private sealed class Scope(int previous) : IDisposable
    {
        public void Dispose() => Parallelism.MaxThreads = previous;
    }
}
