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

    /// <summary>
    /// Two fits of the same data from different sources are the same fit:
    /// <list type="bullet">
    /// <item>the minimised objective agrees to <paramref name="tolerance"/> relative;</item>
    /// <item>θ̂ refined on each source's own deviance function (<see cref="Refine"/>) agrees to <paramref name="tolerance"/>:
    /// each deviance function has the same minimiser;</item>
    /// <item>every estimate at that θ̂ — β̂, standard errors, σ̂, variance components, conditional modes — agrees to
    /// <paramref name="tolerance"/>.</item>
    /// </list>
    /// The optimiser's own θ̂ is compared too, but to 1e-5 (ten times its final trust-region radius): where two sources sum the rows in different orders their
    /// deviances differ by rounding (about 1e-15 relative) and BOBYQA, which stops at a trust-region radius of 1e-6,
    /// may take another path through that noise and stop elsewhere in the flat bottom of the objective. The same data
    /// in memory fitted with ρ_end 1e-6 and 1e-11 differ by as much (θ 1e-7), so this is the optimiser's precision,
    /// not a difference between the sources; the refined θ̂ removes it.
    /// </summary>
    public static void SameFit(GramDesign expectedDesign, GramDesign actualDesign, double tolerance, LmmCriterion criterion = LmmCriterion.Reml,
        bool sameLevelOrder = true)
    {
        var options = new LinearMixedModelOptions { Criterion = criterion };
        var expected = LinearMixedModel.Fit(expectedDesign, options);
        var actual = LinearMixedModel.Fit(actualDesign, options);
        Close(expected.Objective, actual.Objective, tolerance, "objective");
        Assert.Equal(expected.ThetaNames, actual.ThetaNames);
        Assert.Equal(expected.FixedEffectNames, actual.FixedEffectNames);
        for (int i = 0; i < expected.Theta.Length; i++) Close(expected.Theta[i], actual.Theta[i], 1e-5, $"optimiser's θ[{i}] {expected.ThetaNames[i]}");
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.RowsDropped, actual.RowsDropped);
        Assert.Equal(expected.Groups.Select(g => (g.Group, g.Levels, g.MinSize, g.MaxSize)), actual.Groups.Select(g => (g.Group, g.Levels, g.MinSize, g.MaxSize)));

        var e = Refine(expectedDesign, expected, options);
        var a = Refine(actualDesign, actual, options);
        SameEstimates(e, a, tolerance, sameLevelOrder);
    }

    /// <summary>Objective, θ, β̂, standard errors, σ̂, variance components and conditional modes equal to <paramref name="tolerance"/> relative.</summary>
    public static void SameEstimates(LinearMixedModelFit expected, LinearMixedModelFit actual, double tolerance, bool sameLevelOrder = true)
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
        for (int i = 0; i < expected.VarCorr.Count; i++)
        {
            Close(expected.VarCorr[i].VarianceOrCovariance, actual.VarCorr[i].VarianceOrCovariance, tolerance, $"varcorr {expected.VarCorr[i]}");
        }
        for (int k = 0; k < expected.ConditionalModes.Count; k++)
        {
            var em = expected.ConditionalModes[k];
            var am = actual.ConditionalModes[k];
            if (sameLevelOrder) Assert.Equal(em.Levels, am.Levels);
            else Assert.Equal(em.Levels.Order(StringComparer.Ordinal), am.Levels.Order(StringComparer.Ordinal));
            var position = am.Levels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
            // modes are differences of large sums: compare them on the scale of the term's standard deviation
            double scale = Math.Sqrt(expected.VarCorr.Where(v => v.Group == em.DisplayGroup && v.Name2 is null).Max(v => v.VarianceOrCovariance));
            for (int l = 0; l < em.Levels.Count; l++)
            {
                int la = position[em.Levels[l]];
                for (int c = 0; c < em.Q; c++)
                {
                    double d = Math.Abs(em[l, c] - am[la, c]) / Math.Max(scale, 1e-300);
                    Assert.True(d <= tolerance, $"conditional mode of {em.Group} level {em.Levels[l]}, column {c}: expected {em[l, c]:R}, got {am[la, c]:R}");
                }
            }
        }
    }

    /// <summary>
    /// The fit at θ̂ refined by Newton steps on the source's own deviance function, with derivatives by central
    /// differences of step 1e-2: the rounding noise of the deviance (about 1e-15 relative) then moves the step by about
    /// 1e-11 only (1e-10 in a direction as flat as a grouping factor of four levels), so the refined θ̂ is the minimiser of the smooth part of the deviance, the same for every source of
    /// the same data. θ on its lower bound stays there.
    /// </summary>
    public static LinearMixedModelFit Refine(GramDesign design, LinearMixedModelFit fit, LinearMixedModelOptions options)
    {
        var deviance = LinearMixedModel.CreateDevianceFromSums(design, options);
        var theta = (double[])fit.Theta.Clone();
        var lower = deviance.LowerBounds;
        const double h = 1e-2;
        int[] free = [.. Enumerable.Range(0, theta.Length).Where(i => theta[i] > lower[i] + 2 * h)];
        for (int step = 0; step < 2 && free.Length > 0; step++)
        {
            double F(double[] t) => deviance.Evaluate(t);
            double f0 = F(theta);
            int m = free.Length;
            var g = new double[m];
            var hess = new double[m, m];
            for (int a = 0; a < m; a++)
            {
                double fp = F(Shift(theta, free[a], h)), fm = F(Shift(theta, free[a], -h));
                g[a] = (fp - fm) / (2 * h);
                hess[a, a] = (fp - 2 * f0 + fm) / (h * h);
                for (int b = 0; b < a; b++)
                {
                    double fpp = F(Shift(Shift(theta, free[a], h), free[b], h)), fpm = F(Shift(Shift(theta, free[a], h), free[b], -h));
                    double fmp = F(Shift(Shift(theta, free[a], -h), free[b], h)), fmm = F(Shift(Shift(theta, free[a], -h), free[b], -h));
                    hess[a, b] = hess[b, a] = (fpp - fpm - fmp + fmm) / (4 * h * h);
                }
            }
            var delta = Solve(hess, g);
            for (int a = 0; a < m; a++) theta[free[a]] = Math.Max(lower[free[a]], theta[free[a]] - delta[a]);
        }
        return LinearMixedModel.CreateFitFromSums(design, deviance, fit.OptSummary with { Final = theta }, options);
    }

    private static double[] Shift(double[] theta, int i, double by)
    {
        var t = (double[])theta.Clone();
        t[i] += by;
        return t;
    }

    /// <summary>Solves the small symmetric system H x = g by Gaussian elimination with partial pivoting.</summary>
    private static double[] Solve(double[,] h, double[] g)
    {
        int n = g.Length;
        var a = (double[,])h.Clone();
        var b = (double[])g.Clone();
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
            }
            for (int k = 0; k < n; k++) (a[c, k], a[p, k]) = (a[p, k], a[c, k]);
            (b[c], b[p]) = (b[p], b[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k < n; k++) a[r, k] -= f * a[c, k];
                b[r] -= f * b[c];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r, k] * x[k];
            x[r] = s / a[r, r];
        }
        return x;
    }
}
