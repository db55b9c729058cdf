namespace LstmSharp.Cli.Tests;

/// <summary>
/// Tests that set <c>--threads</c> change <c>Parallelism.MaxThreads</c> for the whole process (as the CLI does), and the
/// bench tests print it: classes in this collection never run at the same time. They run alone, beside no other test,
/// because the bench tests also count the bytes allocated on every thread, where any other test's allocations would count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideThreads
{
    public const string Name = "process-wide Parallelism.MaxThreads";
}
