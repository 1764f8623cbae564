using System.Numerics;

namespace Multilevel.Numerics.Internals;

/// <summary>
/// Multiply–add of the small-block kernels, specialised by the JIT per struct: <see cref="FusedArith"/>
/// (one rounding, when the hardware has FMA) or <see cref="PlainArith"/>. The scalar and vector forms of
/// one struct round identically, so a row or column computes the same bits in a vector lane or in a
/// scalar tail.
/// </summary>
internal interface IArith
{
    /// <summary>c + a·b.</summary>
    static abstract Vector<double> Mad(Vector<double> a, Vector<double> b, Vector<double> c);

    /// <summary>c + a·b.</summary>
    static abstract double Mad(double a, double b, double c);
}

/// <summary>Fused multiply–add (a single rounding).</summary>
internal readonly struct FusedArith : IArith
{
    /// <inheritdoc/>
    public static Vector<double> Mad(Vector<double> a, Vector<double> b, Vector<double> c) => Vector.FusedMultiplyAdd(a, b, c);

    /// <inheritdoc/>
    public static double Mad(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}

/// <summary>Multiply, then add (two roundings; for hardware without FMA).</summary>
internal readonly struct PlainArith : IArith
{
    /// <inheritdoc/>
    public static Vector<double> Mad(Vector<double> a, Vector<double> b, Vector<double> c) => c + a * b;

    /// <inheritdoc/>
    public static double Mad(double a, double b, double c) => c + a * b;
}
