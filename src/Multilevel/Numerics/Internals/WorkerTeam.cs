using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Multilevel.Numerics.Internals;

/// <summary>A unit of parallel kernel work: <see cref="Execute"/> runs once on each participating thread.</summary>
internal abstract class KernelJob
{
    /// <summary>
    /// Runs this thread's share. Implementations claim work items dynamically (interlocked counters), so
    /// the job completes correctly whatever number of threads actually joins, including only the caller.
    /// </summary>
    public abstract void Execute(int worker);

    /// <summary>Work items claimed by the caller (worker 0) in the current run.</summary>
    internal int CallerClaims;

    /// <summary>Work items claimed by helpers in the current run.</summary>
    internal int HelperClaims;

    /// <summary>Counts one claimed work item (for the team's judgement of whether helpers get a core).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void Claimed(int worker)
    {
        if (worker == 0) CallerClaims++;
        else Interlocked.Increment(ref HelperClaims);
    }
}

/// <summary>
/// Fork–join on a small team of dedicated helper threads (the caller is worker 0). Helpers spin briefly
/// after each job so that the many short parallel sections of one factorisation do not pay a thread
/// wake-up each, then block. A job posted to a helper that has not started by the time the caller has
/// finished its own share is withdrawn, so a busy machine degrades to single-threaded work instead of
/// waiting. Only one caller at a time uses the team; a concurrent or nested call runs on its own thread.
/// Because every kernel's arithmetic per element is independent of who computes it, results are the same
/// bits whichever threads take part.
/// </summary>
internal static class WorkerTeam
{
    private static readonly object CreateLock = new();
    private static Helper[] helpers = [];
    private static int busy;

    // Back-off when helpers do not get a core (an oversubscribed machine): the caller then spends much of
    // each job waiting for a preempted helper. Only speed depends on this, never the bits.
    private const int StrikesToBackOff = 3;
    private const int BackOffRuns = 256;
    private static int strikes, calm, backOff;
    [ThreadStatic] private static long callerWaitTicks;

    /// <summary>Records time the calling thread (worker 0) spent waiting inside a job for work held by a helper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NoteCallerWait(int worker, long ticks)
    {
        if (worker == 0) callerWaitTicks += ticks;
    }

    /// <summary>Whether the team is currently skipped because helpers were found starved of CPU.</summary>
    internal static bool BackingOff => Volatile.Read(ref backOff) > 0;

    /// <summary>Jobs run by the caller alone because of the back-off (for benchmarks).</summary>
    internal static long BackedOffJobs;

    /// <summary>Jobs shared with helpers (for benchmarks).</summary>
    internal static long SharedJobs;

    /// <summary>Jobs in which a helper claimed at least one work item (tests use it to know that threads really cooperated).</summary>
    internal static long HelperParticipations;

    /// <summary>Whether the back-off may switch the team off (tests of thread determinism turn it off).</summary>
    internal static bool BackOffEnabled { get; set; } = true;

    /// <summary>How long (µs) a helper keeps polling for the next job before it blocks.</summary>
    internal const int HelperSpinMicroseconds = 200;

    /// <summary>Threads this machine offers to kernels (processor count).</summary>
    public static int HardwareThreads => Environment.ProcessorCount;

    /// <summary>Runs <paramref name="job"/> on the caller and up to <paramref name="threads"/> − 1 helpers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(KernelJob job, int threads)
    {
        if (threads <= 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            job.Execute(0);
            return;
        }
        try
        {
            if (backOff > 0 && BackOffEnabled)
            {
                backOff--;
                BackedOffJobs++;
                job.Execute(0);
                return;
            }
            SharedJobs++;
            Helper[] team = EnsureHelpers(threads - 1);
            int h = Math.Min(threads - 1, team.Length);
            job.CallerClaims = 0;
            job.HelperClaims = 0;
            bool wakingUp = false;
            for (int i = 0; i < h; i++) wakingUp |= team[i].Post(job);
            Exception? error = null;
            callerWaitTicks = 0;
            long start = Stopwatch.GetTimestamp();
            try
            {
                job.Execute(0);
            }
            catch (Exception e)
            {
                error = e;
            }
            long joined = Stopwatch.GetTimestamp();
            for (int i = 0; i < h; i++)
            {
                Exception? e = team[i].Collect();
                error ??= e;
            }
            long end = Stopwatch.GetTimestamp();
            if (job.HelperClaims > 0) Interlocked.Increment(ref HelperParticipations);
            // A helper that had to be woken up (it was blocked after a pause) is late by the wake-up latency,
            // not starved: such a job says nothing about the load.
            if (!wakingUp) JudgeHelpers(callerWaitTicks + (end - joined), end - start, job.CallerClaims, job.HelperClaims, h + 1);
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>
    /// A job is a strike when the caller waited for helpers during more than half of its time (and more than
    /// 200 µs), or when the helpers took less than half their fair share of its work items (at least 8 items);
    /// three strikes (with fewer than 16 calm jobs in between each) switch the team off for the next
    /// <see cref="BackOffRuns"/> jobs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void JudgeHelpers(long waited, long total, int callerClaims, int helperClaims, int threads)
    {
        long minWait = Stopwatch.Frequency / 5000;
        int items = callerClaims + helperClaims;
        bool starved = items >= 8 && 2L * helperClaims * threads < (long)items * (threads - 1);
        if ((waited > minWait && 2 * waited > total) || starved)
        {
            if (++strikes >= StrikesToBackOff)
            {
                strikes = 0;
                backOff = BackOffRuns;
            }
        }
        else if (strikes > 0 && ++calm >= 16)
        {
            calm = 0;
            strikes--;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Helper[] EnsureHelpers(int count)
    {
        Helper[] team = Volatile.Read(ref helpers);
        if (team.Length >= count) return team;
        lock (CreateLock)
        {
            team = helpers;
            if (team.Length >= count) return team;
            var grown = new Helper[count];
            Array.Copy(team, grown, team.Length);
            for (int i = team.Length; i < count; i++) grown[i] = new Helper(i + 1);
            Volatile.Write(ref helpers, grown);
            return grown;
        }
    }

    // Helpers live as long as the process (background threads), so their wait handle is never disposed.
#pragma warning disable CA1001
    private sealed class Helper
#pragma warning restore CA1001
    {
        private const int Idle = 0, Posted = 1, Running = 2, Done = 3;
        private readonly int id;
        private readonly ManualResetEventSlim wake = new(false, 0);
        private KernelJob? job;
        private Exception? error;
        private int state;
        private bool parked;

        public Helper(int id)
        {
            this.id = id;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Multilevel kernel helper {id}" };
            thread.Start();
        }

        /// <summary>Posts a job; returns whether the helper was blocked (so it starts only after a wake-up).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Post(KernelJob work)
        {
            job = work;
            error = null;
            Volatile.Write(ref state, Posted);
            bool wasParked = Volatile.Read(ref parked);
            wake.Set();
            return wasParked;
        }

        /// <summary>Waits for the helper's share to finish, or withdraws the job if it never started.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public Exception? Collect()
        {
            if (Interlocked.CompareExchange(ref state, Idle, Posted) == Posted)
            {
                job = null;
                return null;
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref state) != Done) spin.SpinOnce(-1);
            job = null;
            Exception? e = error;
            error = null;
            Volatile.Write(ref state, Idle);
            return e;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            long spinTicks = Stopwatch.Frequency * HelperSpinMicroseconds / 1_000_000;
            while (true)
            {
                if (Volatile.Read(ref state) != Posted)
                {
                    long until = Stopwatch.GetTimestamp() + spinTicks;
                    var spin = new SpinWait();
                    while (Volatile.Read(ref state) != Posted && Stopwatch.GetTimestamp() < until) spin.SpinOnce(-1);
                    if (Volatile.Read(ref state) != Posted)
                    {
                        Volatile.Write(ref parked, true);
                        wake.Wait();
                        Volatile.Write(ref parked, false);
                    }
                    wake.Reset();
                }
                if (Interlocked.CompareExchange(ref state, Running, Posted) != Posted) continue;
                try
                {
                    job!.Execute(id);
                }
                catch (Exception e)
                {
                    error = e;
                }
                Volatile.Write(ref state, Done);
            }
        }
    }
}
