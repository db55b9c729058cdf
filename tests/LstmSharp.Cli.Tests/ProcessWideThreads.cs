namespace LstmSharp.Cli.Tests;

/// <summary>
/// Tests that set <c>--threads</c> change <c>Parallelism.MaxThreads</c> for the whole process (as the CLI does), and the
/// bench tests print it: classes in this collection never run at the same time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessWideThreads
{
    public const string Name = "process-wide Parallelism.MaxThreads";
}
