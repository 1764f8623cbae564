using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Multilevel.Numerics.Internals;

/// <summary>The instruction-set paths of the kernels (internal: tests force each one).</summary>
internal enum KernelIsa
{
    /// <summary>Scalar loops, no SIMD.</summary>
    Scalar,
    /// <summary>System.Numerics.Vector&lt;double&gt; (any SIMD width, e.g. ARM NEON).</summary>
    Portable,
    /// <summary>x86 AVX2 with FMA (256-bit).</summary>
    Avx2,
    /// <summary>x86 AVX-512F (512-bit).</summary>
    Avx512,
}

/// <summary>
/// A micro-kernel and its register-block shape: the packed GEMM engine packs A in panels of MR rows and
/// B in panels of NR rows and calls <see cref="Kernel"/> once per MR × NR tile.
/// </summary>
internal sealed unsafe class KernelSet
{
    private KernelSet(KernelIsa isa, string name, int mr, int nr, bool fused,
        delegate*<int, double*, double*, double*, nint, double, int, int, int, void> kernel)
    {
        Isa = isa;
        Name = name;
        MR = mr;
        NR = nr;
        Fused = fused;
        Kernel = kernel;
    }

    /// <summary>Instruction-set path.</summary>
    public KernelIsa Isa { get; }

    /// <summary>Kernel name (for benchmarks).</summary>
    public string Name { get; }

    /// <summary>Rows of a register tile (A panel width).</summary>
    public int MR { get; }

    /// <summary>Columns of a register tile (B panel width).</summary>
    public int NR { get; }

    /// <summary>Whether the kernel uses fused multiply-add.</summary>
    public bool Fused { get; }

    /// <summary>The micro-kernel (see <see cref="MicroKernels"/>).</summary>
    public delegate*<int, double*, double*, double*, nint, double, int, int, int, void> Kernel { get; }

    /// <summary>Whether this machine can run the given path.</summary>
    public static bool IsSupported(KernelIsa isa) => isa switch
    {
        KernelIsa.Avx512 => Avx512F.IsSupported,
        KernelIsa.Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported,
        KernelIsa.Portable => Vector.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>The kernel set of a path (throws if this machine cannot run it).</summary>
    public static KernelSet For(KernelIsa isa)
    {
        if (!IsSupported(isa)) throw new PlatformNotSupportedException($"Kernel path {isa} is not supported on this machine.");
        return isa switch
        {
            KernelIsa.Avx512 => Avx512,
            KernelIsa.Avx2 => Avx2,
            KernelIsa.Portable => Portable,
            _ => Scalar,
        };
    }

    /// <summary>AVX-512 24 × 8.</summary>
    public static readonly KernelSet Avx512 = new(KernelIsa.Avx512, "avx512-24x8", 24, 8, true, &MicroKernels.Avx512x24x8);

    /// <summary>AVX-512 16 × 12 (alternative shape, for benchmarks).</summary>
    public static readonly KernelSet Avx512Wide = new(KernelIsa.Avx512, "avx512-16x12", 16, 12, true, &MicroKernels.Avx512x16x12);

    /// <summary>AVX2 8 × 6.</summary>
    public static readonly KernelSet Avx2 = new(KernelIsa.Avx2, "avx2-8x6", 8, 6, true, &MicroKernels.Avx2x8x6);

    /// <summary>AVX2 12 × 4 (alternative shape, for benchmarks).</summary>
    public static readonly KernelSet Avx2Tall = new(KernelIsa.Avx2, "avx2-12x4", 12, 4, true, &MicroKernels.Avx2x12x4);

    /// <summary>Vector&lt;double&gt; (2·Count) × 4.</summary>
    public static readonly KernelSet Portable = PortableUsesFma
        ? new(KernelIsa.Portable, "vector-fma", 2 * Vector<double>.Count, 4, true, &MicroKernels.PortableFused)
        : new(KernelIsa.Portable, "vector", 2 * Vector<double>.Count, 4, false, &MicroKernels.PortablePlain);

    /// <summary>Scalar 4 × 4.</summary>
    public static readonly KernelSet Scalar = new(KernelIsa.Scalar, "scalar-4x4", 4, 4, false, &MicroKernels.Scalar4x4);

    private static bool PortableUsesFma => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;

    /// <summary>The kernel set used when no path is forced.</summary>
    public static KernelSet Best { get; } = For(BestIsa);

    /// <summary>The best path on this machine.</summary>
    public static KernelIsa BestIsa =>
        IsSupported(KernelIsa.Avx512) ? KernelIsa.Avx512
        : IsSupported(KernelIsa.Avx2) ? KernelIsa.Avx2
        : IsSupported(KernelIsa.Portable) ? KernelIsa.Portable
        : KernelIsa.Scalar;
}
