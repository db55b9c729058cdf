namespace LstmSharp.Kernels;

/// <summary>
/// The cold setup every worker pool shares (<see cref="Gemm"/>'s, <see cref="RecurrenceWorkers"/>,
/// <see cref="SingleStreamWorkers"/>): growing the pool's per-worker array, one new background thread per new worker.
/// Worker w (from 0) is participant w + 1; the caller is participant 0. How each pool wakes, spins and claims work
/// stays its own.
/// </summary>
internal static class WorkerThreads
{
    /// <summary>
    /// Leaves <paramref name="workers"/> as it is when it has <paramref name="count"/> entries or more (every window
    /// after the first); otherwise replaces it with a copy grown to <paramref name="count"/>, once each new entry is
    /// made by <paramref name="startWorker"/>, which starts that worker's thread and is given its participant number.
    /// </summary>
    public static void Grow<TWorker>(ref TWorker[] workers, int count, Func<int, TWorker> startWorker)
    {
        if (workers.Length >= count)
        {
            return;
        }

        var grown = new TWorker[count];
        workers.CopyTo(grown, 0);
        for (int worker = workers.Length; worker < count; worker++)
        {
            grown[worker] = startWorker(worker + 1);
        }

        workers = grown;
    }

    /// <summary>Starts <paramref name="loop"/> on a new background thread called <paramref name="name"/>.</summary>
    public static Thread Start(string name, ThreadStart loop)
    {
        var thread = new Thread(loop) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
