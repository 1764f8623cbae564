using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Linear;
using Multilevel.Numerics;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>The within estimator equals LSDV (the regression with every dummy) — the equivalence the
/// reference README names as the check for absorbed fixed effects.</summary>
public class AbsorbedFixedEffectsTests
{
    private static readonly Hsb Data = LoadHsb();

    [Fact]
    public void SchoolEffectsAbsorbedMatchRsLsdv()
    {
        var school = new AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School);
        var fit = AbsorbedFixedEffects.Fit(MakeDesign("mathach ~ ses | schoolid", "mathach", Data.MathAch,
            [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)], absorbed: [school]));
        var r = Reference("hsb_ols_ses_fe.json");
        Assert.Equal(["ses"], fit.CoefficientNames);
        Assert.Equal(160, fit.AbsorbedParameters);
        Assert.Equal(7024, fit.ResidualDf);
        var ses = r.GetProperty("fixef").GetProperty("ses");
        Near(ses.GetProperty("estimate").GetDouble(), fit.Coefficients[0], 1e-8, "ses");
        Near(ses.GetProperty("se").GetDouble(), VarianceEstimators.Iid(fit).StandardErrors()[0], 1e-8, "ses se");
        Near(r.GetProperty("sigma").GetDouble(), fit.Sigma, 1e-6, "sigma");
        Near(r.GetProperty("logLik").GetDouble(), fit.LogLikelihood, 1e-6, "logLik");
        Near(r.GetProperty("AIC").GetDouble(), fit.Aic, 1e-6, "AIC");
        Near(r.GetProperty("BIC").GetDouble(), fit.Bic, 1e-6, "BIC");
        Near(r.GetProperty("r_squared").GetDouble(), fit.RSquared, 1e-6, "R²");
        Near(r.GetProperty("adj_r_squared").GetDouble(), fit.AdjustedRSquared, 1e-6, "adj. R²");
        Assert.Equal(r.GetProperty("df").GetInt32(), fit.LogLikelihoodDf);
        Assert.Equal(0, fit.Absorbed!.SingletonsDropped);
        // Fitted + residual = y.
        for (int i = 0; i < Data.N; i += 97) Assert.Equal(Data.MathAch[i], fit.Fitted[i] + fit.Residuals[i], 1e-10);
    }

    /// <summary>A simulated unbalanced panel with three crossed factors.</summary>
    private static (ModelDesign Absorbed, ModelDesign Lsdv, int Rank) Panel(int n, int[] levels, int seed, bool weighted, bool disconnect = false, bool nested = false)
    {
        var rng = new Random(seed);
        var codes = levels.Select(_ => new int[n]).ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < levels.Length; k++) codes[k][i] = (int)Math.Min(levels[k] - 1, Math.Floor(Math.Pow(rng.NextDouble(), 1.5) * levels[k]));
        }
        // Every level present at least twice (no singletons), so the LSDV comparison uses the same rows.
        for (int k = 0; k < levels.Length; k++)
            for (int l = 0; l < levels[k]; l++) { codes[k][2 * l % n] = l; codes[k][(2 * l + 1) % n] = l; }
        if (nested)
        {
            // The third factor is coarser than the first: each f1 level lies inside one f3 level, so the
            // f3 dummies add nothing to the span of the f1 dummies.
            for (int i = 0; i < n; i++) codes[2][i] = codes[0][i] % levels[2];
        }
        if (disconnect)
        {
            // Two blocks: the first half of factor-1 levels only meet the first half of factor-2 levels.
            int half1 = levels[0] / 2, half2 = levels[1] / 2;
            for (int i = 0; i < n; i++)
                codes[1][i] = codes[0][i] < half1 ? codes[1][i] % half2 : half2 + codes[1][i] % (levels[1] - half2);
        }
        var effects = levels.Select(L => Enumerable.Range(0, L).Select(_ => rng.NextDouble() * 4 - 2).ToArray()).ToArray();
        var x1 = new double[n];
        var x2 = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = 0;
            for (int k = 0; k < levels.Length; k++) a += effects[k][codes[k][i]];
            x1[i] = 0.5 * a + rng.NextDouble();
            x2[i] = rng.NextDouble() * 3 - 1;
            y[i] = 1.5 * x1[i] - 0.7 * x2[i] + a + (rng.NextDouble() - 0.5);
        }
        var w = weighted ? Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray() : null;
        var factors = levels.Select((L, k) => new AbsorbedFactor($"f{k + 1}", Enumerable.Range(0, L).Select(l => l.ToString()).ToArray(), codes[k])).ToList();
        var absorbed = MakeDesign("y ~ x1 + x2 | f1 + f2 + f3", "y", y, [("x1", x1), ("x2", x2)], weights: w, absorbed: factors);
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(n)), ("x1", x1), ("x2", x2) };
        for (int k = 0; k < levels.Length; k++)
            cols.AddRange(Dummies(codes[k], factors[k].Levels.ToArray(), $"factor(f{k + 1})"));
        var lsdv = MakeDesign("y ~ x1 + x2 + factor(f1) + factor(f2) + factor(f3)", "y", y, cols, weights: w);
        // Rank of the LSDV matrix, by the QR (independent of the component counting under test).
        var x = new double[n * cols.Count];
        for (int j = 0; j < cols.Count; j++) cols[j].Item2.CopyTo(x, j * n);
        int rank = HouseholderQr.Factor(x, n, cols.Count).Rank;
        return (absorbed, lsdv, rank);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void ThreeFactorsMatchLsdv(bool weighted, bool disconnect, bool nested)
    {
        var (abs, lsdv, rank) = Panel(3000, [60, 25, 8], 42, weighted, disconnect, nested);
        var fe = AbsorbedFixedEffects.Fit(abs);
        var ls = LinearModel.Fit(lsdv);
        Assert.True(fe.Absorbed!.Converged);
        // Coefficients equal LSDV's to 1e-8 (relative).
        for (int j = 0; j < 2; j++) Near(ls.Coefficients[1 + j], fe.Coefficients[j], 1e-8, fe.CoefficientNames[j]);
        // Absorbed parameters = rank of [1, dummies] (the LSDV rank minus x1, x2): here the exact count, 2
        // redundancies, 3 with two disconnected blocks of f1 × f2, or all of f3 when it is nested in f1.
        Assert.Equal(rank - 2, fe.AbsorbedParameters);
        Assert.Equal(ls.ResidualDf, fe.ResidualDf);
        var seFe = VarianceEstimators.Iid(fe).StandardErrors();
        var seLs = VarianceEstimators.Iid(ls).StandardErrors();
        for (int j = 0; j < 2; j++) Near(seLs[1 + j], seFe[j], 1e-8, fe.CoefficientNames[j] + " se");
        Near(ls.LogLikelihood, fe.LogLikelihood, 1e-10, "logLik");
        Near(ls.RSquared, fe.RSquared, 1e-10, "R²");
        Near(ls.Aic, fe.Aic, 1e-10, "AIC");
        // HC1 with every parameter counted equals HC1 on the dummies.
        var hFe = VarianceEstimators.HC1(fe).StandardErrors();
        var hLs = VarianceEstimators.HC1(ls).StandardErrors();
        for (int j = 0; j < 2; j++) Near(hLs[1 + j], hFe[j], 1e-8, fe.CoefficientNames[j] + " HC1");
    }

    [Fact]
    public void SingletonsAreDroppedRepeatedlyWithoutChangingTheCoefficients()
    {
        // Factor a: level 9 has one row (singleton, row 13). Dropping it leaves level 6 of factor b with
        // one row (row 12), which is then a singleton too; after that no level is alone.
        int[] a = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 4, 9];
        int[] b = [0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 6];
        int n = a.Length;
        var rng = new Random(5);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 2 * x[i] + a[i] * 0.3 + rng.NextDouble()).ToArray();
        var fa = new AbsorbedFactor("a", Enumerable.Range(0, 10).Select(l => l.ToString()).ToArray(), a);
        var fb = new AbsorbedFactor("b", Enumerable.Range(0, 7).Select(l => l.ToString()).ToArray(), b);
        var fit = AbsorbedFixedEffects.Fit(MakeDesign("y ~ x | a + b", "y", y, [("x", x)], absorbed: [fa, fb]));
        Assert.Equal(2, fit.Absorbed!.SingletonsDropped);
        Assert.Equal(12, fit.Observations);
        Assert.Contains(fit.Messages, m => m.Contains("2 singleton"));
        Assert.Equal(Enumerable.Range(0, 12), fit.RowIndex!);
        // LSDV on all 15 rows gives the same slope (singletons are fitted exactly by their own effect).
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(n)), ("x", x) };
        cols.AddRange(Dummies(a, fa.Levels.ToArray(), "a").Where(c => c.Item2.Any(v => v != 0)));
        cols.AddRange(Dummies(b, fb.Levels.ToArray(), "b"));
        var ls = LinearModel.Fit(MakeDesign("y ~ x + a + b", "y", y, cols));
        Near(ls.Coefficients[1], fit.Coefficients[0], 1e-10, "x");
        // Same residual sum of squares; the singletons' residuals are 0 in LSDV.
        Near(ls.ResidualSumOfSquares, fit.ResidualSumOfSquares, 1e-8, "RSS");
    }

    [Fact]
    public void AVariableWithoutWithinVariationIsRemoved()
    {
        var school = new AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School);
        var fit = AbsorbedFixedEffects.Fit(MakeDesign("mathach ~ ses + meanses | schoolid", "mathach", Data.MathAch,
            [("ses", Data.Ses), ("meanses", Data.MeanSes)], absorbed: [school]));
        Assert.Equal(["ses"], fit.CoefficientNames);
        Assert.Contains("meanses", fit.AliasedColumns);
        Assert.Contains(fit.Messages, m => m.Contains("collinear with the fixed effects"));
        Near(2.19117196501858, fit.Coefficients[0], 1e-8, "ses");
    }

    [Fact]
    public void ParameterCountsUseConnectedComponentsOfTheFirstTwoFactors()
    {
        // Two components: {a0, a1, b0, b1} and {a2, b2}.
        int[] a = [0, 1, 0, 2, 2, 1];
        int[] b = [0, 1, 1, 2, 2, 0];
        Assert.Equal(2, AbsorbedFixedEffects.ConnectedComponents(a, 3, b, 3));
        var counts = AbsorbedFixedEffects.ParameterCounts(
            [new AbsorbedFactor("a", ["0", "1", "2"], a), new AbsorbedFactor("b", ["0", "1", "2"], b)], 6);
        Assert.Equal([3, 1], counts);
        // A third factor coarser than the first (c = a's level mod 2) adds nothing.
        int[] c = [.. a.Select(l => l % 2)];
        var three = AbsorbedFixedEffects.ParameterCounts(
            [new AbsorbedFactor("a", ["0", "1", "2"], a), new AbsorbedFactor("b", ["0", "1", "2"], b), new AbsorbedFactor("c", ["0", "1"], c)], 6);
        Assert.Equal([3, 1, 0], three);
    }
}
