using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Internals;

/// <summary>The built-in optimisers by name.</summary>
internal static class OptimizerFactory
{
    public static IBoundedOptimizer Create(LmmOptimizer which) => which switch
    {
        LmmOptimizer.Bobyqa => new Bobyqa(),
        _ => throw new NotSupportedException($"optimizer {which} is not available in this build"),
    };
}
