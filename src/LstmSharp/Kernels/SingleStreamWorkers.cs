using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LstmSharp.Kernels;

/// <summary>
/// Persistent workers for single-stream inference, where a "window" is one character: a few microseconds of work that
/// repeats as long as text is generated. Unlike <see cref="RecurrenceWorkers"/>, whose workers sleep between windows (a
/// training window is milliseconds long, so a wake-up is cheap beside it), a worker here stays awake after a character,
/// spinning on the shared state for <see cref="HotSpin"/>, so that the next character starts with one cache-line
/// handoff instead of a kernel wake-up; only when no character comes for that long does it park. The stages and chunks
/// are those of <see cref="IStagedWindow"/> (one stage per layer, the chunks of <see cref="UnitSlicedWeights{T}.Partition"/>),
/// claimed through the same <see cref="StageTickets"/>: each participant its own run of chunks first (so its slice of the weights stays in its own
/// core's cache from one character to the next), then any left unclaimed, so a worker the OS has not scheduled never
/// holds a character up. Chunks are fixed by the shape, so the thread count never changes a bit.
/// </summary>
/// <remarks>
/// One window at a time: a caller that finds the workers busy (another sampler on another thread) runs its window alone,
/// chunk by chunk, which gives the same bits.
/// </remarks>
internal static class SingleStreamWorkers
{
    /// <summary>
    /// How long an idle worker keeps spinning for the next character before it parks. Between two characters the caller
    /// runs the head and picks the character (a few microseconds); a caller that does more (writes a line) pays one wake-up.
    /// </summary>
    private static readonly long HotSpin = Stopwatch.Frequency / 5000;   // 200 µs

    // s_state: the number of workers inside the current window, plus Closed once the caller has stopped admitting them.
    private const int Closed = 1 << 30;
    private static readonly Lock s_gate = new();
    private static readonly ManualResetEventSlim s_wake = new(false, 0);
    private static Thread[] s_threads = [];
    private static IStagedWindow? s_window;
    private static int s_participants;
    private static Shared s_shared;

    // Spins long before yielding: a character's stage is a few microseconds.
    private static readonly StageTickets s_tickets = new(spinsBeforeYield: 20_000, spinIterations: 1);
    private static long s_workerChunks;

    /// <summary>For tests: how many chunks the workers (not the callers) have run since the process started.</summary>
    internal static long WorkerChunks => Interlocked.Read(ref s_workerChunks);

    /// <summary>Runs every chunk of every stage of <paramref name="window"/> on up to <paramref name="threads"/> threads.</summary>
    public static void Run(IStagedWindow window, int threads)
    {
        threads = Math.Min(threads, window.ChunkCount);
        if (threads <= 1 || !s_gate.TryEnter())
        {
            RecurrenceWorkers.RunAlone(window);
            return;
        }

        try
        {
            EnsureThreads(threads - 1);
            s_window = window;
            s_participants = threads;
            s_tickets.Open(window.ChunkCount);
            Interlocked.Increment(ref s_shared.Generation);
            Interlocked.Exchange(ref s_shared.State, 0);   // open: a full fence before the parked flag is read
            if (Volatile.Read(ref s_shared.Parked) != 0)
            {
                s_wake.Set();
            }

            s_tickets.Run(window, 0, threads);
            s_tickets.WaitUntilDone(window.StageCount * window.ChunkCount);
            Interlocked.Or(ref s_shared.State, Closed);
            for (int spins = 0; Volatile.Read(ref s_shared.State) != Closed; spins++)
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

    private static void EnsureThreads(int count) => WorkerThreads.Grow(ref s_threads, count,
        participant => WorkerThreads.Start($"LstmSharp single stream {participant}", () => Loop(participant)));

    private static void Loop(int participant)
    {
        int seen = 0;
        while (true)
        {
            seen = AwaitWindow(seen);
            int state = Volatile.Read(ref s_shared.State);
            while ((state & Closed) == 0)
            {
                int previous = Interlocked.CompareExchange(ref s_shared.State, state + 1, state);
                if (previous == state)
                {
                    if (participant < s_participants && s_tickets.Run(s_window!, participant, s_participants) is int ran and > 0)
                    {
                        Interlocked.Add(ref s_workerChunks, ran);
                    }

                    Interlocked.Decrement(ref s_shared.State);
                    break;
                }

                state = previous;
            }
        }
    }

    /// <summary>Spins until a window newer than <paramref name="seen"/> opens, parking after <see cref="HotSpin"/>; returns its generation.</summary>
    private static int AwaitWindow(int seen)
    {
        long parkAt = Stopwatch.GetTimestamp() + HotSpin;
        for (int spins = 0; ; spins++)
        {
            int generation = Volatile.Read(ref s_shared.Generation);
            if (generation != seen && (Volatile.Read(ref s_shared.State) & Closed) == 0)
            {
                return generation;
            }

            if ((spins & 63) == 63 && Stopwatch.GetTimestamp() > parkAt)
            {
                Interlocked.Exchange(ref s_shared.Parked, 1);   // a full fence before the state is read again
                if (Volatile.Read(ref s_shared.Generation) == seen || (Volatile.Read(ref s_shared.State) & Closed) != 0)
                {
                    s_wake.Wait();
                }

                s_wake.Reset();
                Volatile.Write(ref s_shared.Parked, 0);
                parkAt = Stopwatch.GetTimestamp() + HotSpin;
                continue;
            }

            Thread.SpinWait(1);
        }
    }

    /// <summary>The counters the caller and the workers share, each on its own cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Shared
    {
        [FieldOffset(64)]
        public int State;

        [FieldOffset(128)]
        public int Generation;

        [FieldOffset(192)]
        public int Parked;
    }
}
