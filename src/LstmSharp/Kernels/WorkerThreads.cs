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
    /// <paramref name="current"/> when it already has <paramref name="count"/> entries; otherwise a copy grown to
    /// <paramref name="count"/>, each new entry made by <paramref name="startWorker"/>, which starts that worker's thread
    /// and is given its participant number.
    /// </summary>
    public static TWorker[] Grow<TWorker>(TWorker[] current, int count, Func<int, TWorker> startWorker)
    {
        if (current.Length >= count)
        {
            return current;
        }

        var grown = new TWorker[count];
        current.CopyTo(grown, 0);
        for (int worker = current.Length; worker < count; worker++)
        {
            grown[worker] = startWorker(worker + 1);
        }

        return grown;
    }

    /// <summary>Starts <paramref name="loop"/> on a new background thread called <paramref name="name"/>.</summary>
    public static Thread Start(string name, ThreadStart loop)
    {
        var thread = new Thread(loop) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
