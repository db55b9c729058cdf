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
    private static int s_state = Closed;

    // Spins up to a few hundred microseconds before yielding (a training stage is tens of microseconds or more).
    private static readonly StageTickets s_tickets = new(spinsBeforeYield: 1000, spinIterations: 8);

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
            s_tickets.Open(window.ChunkCount);
            Volatile.Write(ref s_state, 0);
            for (int worker = 0; worker < threads - 1; worker++)
            {
                s_start[worker].Set();
            }

            s_tickets.Run(window, 0, threads);
            s_tickets.WaitUntilDone(window.StageCount * window.ChunkCount);
            Interlocked.Or(ref s_state, Closed);
            for (int spins = 0; Volatile.Read(ref s_state) != Closed; spins++)
            {
                s_tickets.Pause(spins);
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

    private static void EnsureThreads(int count) => WorkerThreads.Grow(ref s_start, count, participant =>
    {
        // Spins only briefly before blocking: an idle worker must not take a core from the GEMM's threads or the caller.
        var signal = new ManualResetEventSlim(false, 20);
        signal.Wait(1);   // creates the event's lock object now, not on the worker's first sleep inside a measured loop
        WorkerThreads.Start($"LstmSharp recurrence {participant}", () => Loop(signal, participant));
        return signal;
    });

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
                    s_tickets.Run(s_window!, participant, s_participants);
                    Interlocked.Decrement(ref s_state);
                    break;
                }

                state = seen;
            }
        }
    }
}
