using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

public sealed class WorkerThreadsTests
{
    [Fact]
    public void Grow_FewerWorkers_StartsOnlyTheNewOnesNumberedFromTheCaller()
    {
        int[] workers = [1];
        var started = new List<int>();

        WorkerThreads.Grow(ref workers, 3, participant =>
        {
            started.Add(participant);
            return 10 * participant;
        });

        Assert.Equal([2, 3], started);   // participant 0 is the caller, 1 was there
        Assert.Equal([1, 20, 30], workers);
    }

    [Fact]
    public void Grow_EnoughWorkers_LeavesTheArrayAndStartsNothing()
    {
        int[] workers = [1, 2];
        int[] before = workers;

        WorkerThreads.Grow(ref workers, 2, _ => throw new InvalidOperationException("no worker should start"));
        WorkerThreads.Grow(ref workers, 1, _ => throw new InvalidOperationException("no worker should start"));

        Assert.Same(before, workers);
    }

    [Fact]
    public void Start_Loop_RunsOnANamedBackgroundThread()
    {
        using var ran = new ManualResetEventSlim();
        string? name = null;
        bool background = false;

        Thread thread = WorkerThreads.Start("LstmSharp test worker", () =>
        {
            name = Thread.CurrentThread.Name;
            background = Thread.CurrentThread.IsBackground;
            ran.Set();
        });

        Assert.True(ran.Wait(TimeSpan.FromSeconds(30)));
        thread.Join();
        Assert.Equal("LstmSharp test worker", name);
        Assert.True(background);
    }
}
