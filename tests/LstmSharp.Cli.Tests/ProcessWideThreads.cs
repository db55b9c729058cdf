namespace LstmSharp.Cli.Tests;

/// <summary>
/// Tests that set <c>--threads</c> in-process change <c>Parallelism.MaxThreads</c> for the whole process (as the CLI
/// does): classes in this collection never run at the same time, nor beside any other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideThreads
{
    public const string Name = "process-wide Parallelism.MaxThreads";
}
