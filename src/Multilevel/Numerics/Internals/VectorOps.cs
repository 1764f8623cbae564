using System.Numerics;
using System.Runtime.CompilerServices;

namespace Multilevel.Numerics.Internals;

/// <summary>Level-1 vector operations shared by the QR factorisations and PIRLS.</summary>
internal static class VectorOps
{
    /// <summary>y += t x, vectorised: a product, then a sum per element (no fused multiply-add), so the bits are those
    /// of the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(double t, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length > y.Length) throw new ArgumentException($"x has {x.Length} elements, y only {y.Length}", nameof(x));
        int w = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var tv = new Vector<double>(t);
            for (; i + w <= x.Length; i += w)
            {
                (new Vector<double>(y[i..]) + tv * new Vector<double>(x[i..])).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++) y[i] += t * x[i];
    }
}
