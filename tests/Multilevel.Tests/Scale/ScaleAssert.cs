using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>Comparisons of designs and fits from different sources of the same data.</summary>
internal static class ScaleAssert
{
    /// <summary>Relative difference with an absolute floor of 1 (for values near zero, such as θ on the boundary).</summary>
    public static double RelativeDifference(double a, double b) => Math.Abs(a - b) / Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    public static void Close(double expected, double actual, double tolerance, string what)
    {
        double d = RelativeDifference(expected, actual);
        Assert.True(d <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (relative difference {d:E2} > {tolerance:E0})");
    }

    /// <summary>Same names, counts and level order, and every element of A equal (bitwise when <paramref name="tolerance"/> is 0).</summary>
    public static void SameDesign(GramDesign expected, GramDesign actual, double tolerance)
    {
        Assert.Equal(expected.Info.FixedEffectNames, actual.Info.FixedEffectNames);
        Assert.Equal(expected.Info.AliasedColumns, actual.Info.AliasedColumns);
        Assert.Equal(expected.Info.ResponseName, actual.Info.ResponseName);
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.RowsInData, actual.RowsInData);
        Assert.Equal(expected.Info.RandomEffects.Count, actual.Info.RandomEffects.Count);
        for (int k = 0; k < expected.Info.RandomEffects.Count; k++)
        {
            var e = expected.Info.RandomEffects[k];
            var a = actual.Info.RandomEffects[k];
            Assert.Equal(e.GroupName, a.GroupName);
            Assert.Equal(e.ColumnNames, a.ColumnNames);
            Assert.Equal(e.Levels, a.Levels);
            Assert.Equal(e.GroupSizes, a.GroupSizes);
        }
        Assert.Equal(expected.Gram.Order, actual.Gram.Order);
        Assert.Equal(expected.Gram.Observations, actual.Gram.Observations);
        Assert.Equal(expected.Gram.SumLogWeights, actual.Gram.SumLogWeights, 12);
        int order = expected.Gram.Order;
        for (int j = 0; j < order; j++)
        {
            for (int i = j; i < order; i++)
            {
                double e = expected.Gram.Element(i, j), a = actual.Gram.Element(i, j);
                if (tolerance == 0)
                {
                    Assert.True(e.Equals(a), $"A[{i},{j}]: expected {e:R}, got {a:R}");
                }
                else
                {
                    double scale = Math.Sqrt(Math.Abs(expected.Gram.Element(i, i) * expected.Gram.Element(j, j)));
                    Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(scale, 1e-300), $"A[{i},{j}]: expected {e:R}, got {a:R}");
                }
            }
        }
    }

    /// <summary>Objective, θ, β̂, standard errors and σ̂ equal to <paramref name="tolerance"/> relative.</summary>
    public static void SameFit(LinearMixedModelFit expected, LinearMixedModelFit actual, double tolerance)
    {
        Close(expected.Objective, actual.Objective, tolerance, "objective");
        Assert.Equal(expected.FixedEffectNames, actual.FixedEffectNames);
        Assert.Equal(expected.ThetaNames, actual.ThetaNames);
        for (int i = 0; i < expected.Theta.Length; i++) Close(expected.Theta[i], actual.Theta[i], tolerance, $"θ[{i}] {expected.ThetaNames[i]}");
        for (int i = 0; i < expected.FixedEffects.Length; i++)
        {
            Close(expected.FixedEffects[i], actual.FixedEffects[i], tolerance, $"β {expected.FixedEffectNames[i]}");
            Close(expected.StandardErrors[i], actual.StandardErrors[i], tolerance, $"se {expected.FixedEffectNames[i]}");
        }
        Close(expected.Sigma, actual.Sigma, tolerance, "σ");
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.RowsDropped, actual.RowsDropped);
        Assert.Equal(expected.Groups.Select(g => (g.Group, g.Levels, g.MinSize, g.MaxSize)), actual.Groups.Select(g => (g.Group, g.Levels, g.MinSize, g.MaxSize)));
    }
}
