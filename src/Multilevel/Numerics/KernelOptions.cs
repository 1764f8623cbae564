using Multilevel.Numerics.Internals;

namespace Multilevel.Numerics;

/// <summary>
/// How the dense kernels of <see cref="DenseKernels"/> may use the machine. Every kernel gives the same
/// bits whatever these options say about threads (the work is split by rows, columns or tiles of the
/// result, never by the order in which an element's terms are summed).
/// </summary>
public readonly record struct KernelOptions
{
    /// <summary>Most threads one kernel call may use. 0 (the default) means the processor count, capped at 8; 1 means single-threaded.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Multiply–adds (m·n·k of one matrix product inside a kernel) from which that product is shared between
    /// threads. 0 (the default) means 2²⁰ ≈ 10⁶, about 50 µs of single-threaded work on a current x86 core.
    /// </summary>
    public long ParallelThreshold { get; init; }

    /// <summary>Forces an instruction-set path (tests and benchmarks); null = the best this machine has.</summary>
    internal KernelIsa? Isa { get; init; }

    /// <summary>Automatic threads and threshold.</summary>
    public static KernelOptions Default => default;

    /// <summary>One thread.</summary>
    public static KernelOptions SingleThreaded => new() { MaxDegreeOfParallelism = 1 };

    /// <summary>Default thread count: the processor count, capped at 8.</summary>
    internal static int DefaultThreads { get; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    internal KernelContext Context()
    {
        KernelGuard.Options(this);
        return new KernelContext(
            Isa is { } isa ? KernelSet.For(isa) : KernelSet.Best,
            MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : DefaultThreads,
            ParallelThreshold);
    }
}
