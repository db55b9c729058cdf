namespace LstmSharp.Cli.Tests;

/// <summary>
/// Tests that count the bytes allocated on every thread (<c>GC.GetTotalAllocatedBytes(true)</c>) run alone: any other
/// test running at the same time in this process would add its own allocations to the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCountingCollection
{
    public const string Name = "Allocation counting";
}
