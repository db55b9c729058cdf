using System.Runtime.InteropServices;

namespace LstmSharp.Kernels;

/// <summary>
/// A window of recurrent work as a sequence of stages (packing, then the steps), each cut into the same chunks of
/// hidden units. Every chunk of a stage may run once every chunk of the stages before it has finished.
/// </summary>
internal interface IStagedWindow
{
    /// <summary>The number of stages.</summary>
    int StageCount { get; }

    /// <summary>The number of chunks per stage: a function of the shape only, never of the thread count.</summary>
    int ChunkCount { get; }

    /// <summary>Runs chunk <paramref name="chunk"/> of stage <paramref name="stage"/>.</summary>
    void RunChunk(int stage, int chunk);
}

/// <summary>
/// Persistent workers for the recurrence. A window is a run of stages, each of the same chunks; the caller and the
/// workers each take their own chunks of a stage (and any left unclaimed) once every chunk of the earlier stages is
/// done, so a window costs one wake-up per worker and then one synchronisation per stage (no fork/join per product). A
/// worker the OS has not scheduled never holds a step up: the others take its chunks. Which thread runs a chunk never
/// changes a bit, because the chunks are fixed by the shape and each one computes the same thing on any thread.
/// </summary>
/// <remarks>
/// One window at a time: a caller that finds the workers busy (another model on another thread) runs its window alone,
/// chunk by chunk, which gives the same bits.
/// </remarks>
internal static class RecurrenceWorkers
{

    // s_state: the number of workers inside the current window, plus Closed once the caller has stopped admitting them.
    private const int Closed = 1 << 30;
    private static readonly Lock s_gate = new();
    private static ManualResetEventSlim[] s_start = [];
    private static IStagedWindow? s_window;
    private static int s_participants;
    private static int[] s_claimed = [];
    private static int s_state = Closed;
    private static Counters s_counters;

    /// <summary>Runs every chunk of every stage of <paramref name="window"/> on up to <paramref name="threads"/> threads.</summary>
    public static void Run(IStagedWindow window, int threads)
    {
        threads = Math.Min(threads, window.ChunkCount);
        if (threads <= 1 || !s_gate.TryEnter())
        {
            RunAlone(window);
            return;
        }

        try
        {
            EnsureThreads(threads - 1);
            s_window = window;
            s_participants = threads;
            if (s_claimed.Length < window.ChunkCount)
            {
                s_claimed = new int[window.ChunkCount];   // grows once per larger chunk count
            }

            Array.Clear(s_claimed);
            s_counters.Done = 0;
            Volatile.Write(ref s_state, 0);
            for (int worker = 0; worker < threads - 1; worker++)
            {
                s_start[worker].Set();
            }

            RunTickets(window, 0, threads);
            WaitUntilDone(window.StageCount * window.ChunkCount);
            Interlocked.Or(ref s_state, Closed);
            for (int spins = 0; Volatile.Read(ref s_state) != Closed; spins++)
            {
                Pause(spins);
            }

            s_window = null;
        }
        finally
        {
            s_gate.Exit();
        }
    }

    /// <summary>The whole window on the calling thread, in ticket order.</summary>
    public static void RunAlone(IStagedWindow window)
    {
        for (int stage = 0; stage < window.StageCount; stage++)
        {
            for (int chunk = 0; chunk < window.ChunkCount; chunk++)
            {
                window.RunChunk(stage, chunk);
            }
        }
    }

    /// <summary>
    /// One participant's walk through the window: at each stage, once the earlier stages are done, its own chunks first
    /// (participant p owns the p-th run of consecutive chunks, so each thread keeps its slice of W_hh in its own core's
    /// cache and only one cache line per row lies between two threads' units), then any
    /// chunk nobody has claimed yet (a participant the OS has not scheduled never holds a stage up).
    /// </summary>
    private static void RunTickets(IStagedWindow window, int participant, int participants)
    {
        int chunks = window.ChunkCount, stages = window.StageCount;
        int[] claimed = s_claimed;
        for (int stage = Volatile.Read(ref s_counters.Done) / chunks; stage < stages; stage++)
        {
            WaitUntilDone(stage * chunks);
            for (int chunk = participant * chunks / participants; chunk < (participant + 1) * chunks / participants; chunk++)
            {
                TryRun(window, claimed, stage, chunk);
            }

            for (int chunk = 0; chunk < chunks; chunk++)
            {
                TryRun(window, claimed, stage, chunk);
            }
        }
    }

    /// <summary>Runs chunk <paramref name="chunk"/> of <paramref name="stage"/> if no one else has: claimed[c] counts the stages of chunk c taken.</summary>
    private static void TryRun(IStagedWindow window, int[] claimed, int stage, int chunk)
    {
        if (Volatile.Read(ref claimed[chunk]) == stage && Interlocked.CompareExchange(ref claimed[chunk], stage + 1, stage) == stage)
        {
            window.RunChunk(stage, chunk);
            Interlocked.Increment(ref s_counters.Done);
        }
    }

    private static void WaitUntilDone(int tickets)
    {
        for (int spins = 0; Volatile.Read(ref s_counters.Done) < tickets; spins++)
        {
            Pause(spins);
        }
    }

    /// <summary>
    /// Busy-waits for a few hundred microseconds before yielding: the chunk being waited for is running on the other core,
    /// and yielding early hands the core to whatever else is runnable for a whole time slice.
    /// </summary>
    private static void Pause(int spins)
    {
        if (spins < 1000)
        {
            Thread.SpinWait(8);
        }
        else
        {
            Thread.Yield();
        }
    }

    private static void EnsureThreads(int count)
    {
        if (s_start.Length >= count)
        {
            return;
        }

        var start = new ManualResetEventSlim[count];
        s_start.CopyTo(start, 0);
        for (int worker = s_start.Length; worker < count; worker++)
        {
            // Spins only briefly before blocking: an idle worker must not take a core from the GEMM's threads or the caller.
            var signal = new ManualResetEventSlim(false, 20);
            signal.Wait(1);   // creates the event's lock object now, not on the worker's first sleep inside a measured loop
            start[worker] = signal;
            int participant = worker + 1;
            new Thread(() => Loop(signal, participant)) { IsBackground = true, Name = $"LstmSharp recurrence {participant}" }.Start();
        }

        s_start = start;
    }

    private static void Loop(ManualResetEventSlim start, int participant)
    {
        while (true)
        {
            start.Wait();
            start.Reset();
            int state = Volatile.Read(ref s_state);
            while ((state & Closed) == 0)
            {
                int seen = Interlocked.CompareExchange(ref s_state, state + 1, state);
                if (seen == state)
                {
                    RunTickets(s_window!, participant, s_participants);
                    Interlocked.Decrement(ref s_state);
                    break;
                }

                state = seen;
            }
        }
    }

    /// <summary>The count of chunks done, alone on its cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Counters
    {
        [FieldOffset(64)]
        public int Done;
    }
}
