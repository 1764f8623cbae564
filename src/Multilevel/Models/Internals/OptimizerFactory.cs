using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Internals;

/// <summary>The built-in optimisers by name.</summary>
internal static class OptimizerFactory
{
    public static IBoundedOptimizer Create(LmmOptimizer which) => which switch
    {
        LmmOptimizer.Bobyqa => new Bobyqa(),
        LmmOptimizer.NelderMead => new NelderMead(),
        _ => throw new ArgumentOutOfRangeException(nameof(which), which, "unknown optimizer"),
    };
}
