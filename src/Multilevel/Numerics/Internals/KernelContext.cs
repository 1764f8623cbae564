namespace Multilevel.Numerics.Internals;

/// <summary>What a kernel call runs with: the micro-kernel set, the most threads, and the parallel threshold.</summary>
internal readonly struct KernelContext(KernelSet set, int threads, long parallelThreshold)
{
    /// <summary>Default multiply–adds (m·n·k) below which one GEMM call stays on one thread.</summary>
    public const long DefaultParallelThreshold = 1L << 20;

    /// <summary>Micro-kernel set (instruction-set path).</summary>
    public KernelSet Set { get; } = set;

    /// <summary>Most threads (≥ 1).</summary>
    public int Threads { get; } = Math.Max(1, threads);

    /// <summary>Multiply–adds below which a call stays on one thread.</summary>
    public long ParallelThreshold { get; } = parallelThreshold > 0 ? parallelThreshold : DefaultParallelThreshold;

    /// <summary>The same context restricted to the calling thread.</summary>
    public KernelContext Single => new(Set, 1, ParallelThreshold);

    /// <summary>Whether a piece of work of <paramref name="multiplyAdds"/> should be shared between threads.</summary>
    public bool Parallel(long multiplyAdds) => Threads > 1 && multiplyAdds >= ParallelThreshold;

    /// <summary>Best kernels, one thread.</summary>
    public static KernelContext SingleThreaded => new(KernelSet.Best, 1, 0);
}
