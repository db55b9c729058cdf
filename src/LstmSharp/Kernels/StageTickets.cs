using System.Runtime.InteropServices;

namespace LstmSharp.Kernels;

/// <summary>
/// The chunk claiming that both worker pools (<see cref="RecurrenceWorkers"/>, <see cref="SingleStreamWorkers"/>) run
/// over a <see cref="IStagedWindow"/>: at each stage, once every chunk of the earlier stages is done, a participant runs
/// its own run of consecutive chunks first (participant p owns the p-th run, so each thread keeps its slice of the
/// weights in its own core's cache), then any chunk nobody has claimed yet (a participant the OS has not scheduled never
/// holds a stage up). The pools differ only in how they wake their workers and how long a waiter spins before yielding.
/// </summary>
internal sealed class StageTickets(int spinsBeforeYield, int spinIterations)
{
    private int[] _claimed = [];   // claimed[c]: how many stages of chunk c have been taken
    private DoneCounter _done;

    /// <summary>Resets the tickets for a window of <paramref name="chunkCount"/> chunks per stage (before any participant enters).</summary>
    public void Open(int chunkCount)
    {
        if (_claimed.Length < chunkCount)
        {
            _claimed = new int[chunkCount];   // grows once per larger chunk count
        }

        Array.Clear(_claimed);
        _done.Value = 0;
    }

    /// <summary>One participant's walk through the window; returns how many chunks it ran.</summary>
    public int Run(IStagedWindow window, int participant, int participants)
    {
        int chunks = window.ChunkCount, stages = window.StageCount, ran = 0;
        int[] claimed = _claimed;
        for (int stage = Volatile.Read(ref _done.Value) / chunks; stage < stages; stage++)
        {
            WaitUntilDone(stage * chunks);
            for (int chunk = participant * chunks / participants; chunk < (participant + 1) * chunks / participants; chunk++)
            {
                ran += TryRun(window, claimed, stage, chunk);
            }

            for (int chunk = 0; chunk < chunks; chunk++)
            {
                ran += TryRun(window, claimed, stage, chunk);
            }
        }

        return ran;
    }

    /// <summary>Waits until <paramref name="tickets"/> chunks (counted over all stages) are done.</summary>
    public void WaitUntilDone(int tickets)
    {
        for (int spins = 0; Volatile.Read(ref _done.Value) < tickets; spins++)
        {
            Pause(spins);
        }
    }

    /// <summary>
    /// Busy-waits before yielding: what is waited for is running on the other core, and yielding early hands the core to
    /// whatever else is runnable for a whole time slice.
    /// </summary>
    public void Pause(int spins)
    {
        if (spins < spinsBeforeYield)
        {
            Thread.SpinWait(spinIterations);
        }
        else
        {
            Thread.Yield();
        }
    }

    private int TryRun(IStagedWindow window, int[] claimed, int stage, int chunk)
    {
        if (Volatile.Read(ref claimed[chunk]) == stage && Interlocked.CompareExchange(ref claimed[chunk], stage + 1, stage) == stage)
        {
            window.RunChunk(stage, chunk);
            Interlocked.Increment(ref _done.Value);
            return 1;
        }

        return 0;
    }

    /// <summary>The count of chunks done, alone on its cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct DoneCounter
    {
        [FieldOffset(64)]
        public int Value;
    }
}
