namespace LstmSharp.Kernels;

// The background threads that run a call's output slices beside the caller.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// A fixed set of background threads that help the caller with the slices of one call. Slices are claimed through a
    /// counter, and the caller claims whatever is left, so a worker that the OS has not yet scheduled never holds the
    /// call up. One call at a time: a concurrent caller finds the gate taken and runs alone, which gives the same bits.
    /// </summary>
    private static class Workers
    {
        // s_state: the number of workers inside the current call, plus Closed once the caller has stopped admitting them.
        private const int Closed = 1 << 30;
        private static readonly Lock s_gate = new();
        private static ManualResetEventSlim[] s_start = [];
        private static Job s_job;
        private static delegate*<in Job, int, void> s_body;
        private static int s_nextSlice;
        private static int s_threadsUsed;
        private static int s_state = Closed;

        /// <summary>Runs the job's slices on the caller and helpers; <paramref name="threads"/>: how many ran at least one.</summary>
        public static bool TryRun(delegate*<in Job, int, void> body, Job job, out int threads)
        {
            threads = 0;
            if (!s_gate.TryEnter())
            {
                return false;
            }

            try
            {
                int helpers = job.Parts - 1;
                EnsureThreads(helpers);
                s_job = job;
                s_body = body;
                s_nextSlice = 0;
                s_threadsUsed = 0;
                Volatile.Write(ref s_state, 0);
                for (int w = 0; w < helpers; w++)
                {
                    s_start[w].Set();
                }

                RunSlices();
                SpinWait spin = default;
                while (OneSlicePerThread && Volatile.Read(ref s_nextSlice) < job.Parts)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                Interlocked.Or(ref s_state, Closed);
                while (Volatile.Read(ref s_state) != Closed)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                threads = Volatile.Read(ref s_threadsUsed);
                return true;
            }
            finally
            {
                s_gate.Exit();
            }
        }

        private static void RunSlices()
        {
            int parts = s_job.Parts;
            int slice;
            bool ran = false;
            while ((slice = Interlocked.Increment(ref s_nextSlice) - 1) < parts)
            {
                s_body(in s_job, slice);
                ran = true;
                if (OneSlicePerThread)
                {
                    break;
                }
            }

            if (ran)
            {
                Interlocked.Increment(ref s_threadsUsed);
            }
        }

        private static void EnsureThreads(int count) => WorkerThreads.Grow(ref s_start, count, participant =>
        {
            ManualResetEventSlim signal = new(false, 2000);
            WorkerThreads.Start($"LstmSharp GEMM {participant}", () => Loop(signal));
            return signal;
        });

        private static void Loop(ManualResetEventSlim start)
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
                        RunSlices();
                        Interlocked.Decrement(ref s_state);
                        break;
                    }

                    state = seen;
                }
            }
        }
    }
}
