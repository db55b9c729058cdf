using Xunit;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// Tests that count allocations on every thread of the process (the bench commands) run in this collection, alone and
/// after the parallel ones: another test allocating, or changing the process-wide thread count so that a worker thread is
/// created mid-measurement, would otherwise be counted as the step's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideSettings
{
    public const string Name = "Process-wide settings";
}
