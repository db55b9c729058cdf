using Xunit;

namespace LstmSharp.Tests;

/// <summary>
/// Tests that change process-wide settings (the kernels' thread count) or measure this thread's allocations run in
/// this collection, alone and after the parallel ones, so that neither disturbs the other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideSettings
{
    public const string Name = "Process-wide settings";
}
