using System.Text.Json;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>GLMs against R's glm (README: GLM 1e-6): cbpp_glm.json from the shared references, the other
/// families and links from fixtures/reference/pooling (make_pooling_references.R).</summary>
public class GeneralizedLinearModelTests
{
    private const double Tol = 1e-6;

    private static void Matches(GlmFit fit, JsonElement r)
    {
        Assert.Equal(r.GetProperty("nobs").GetInt32(), fit.Observations);
        Assert.Equal(r.GetProperty("df").GetInt32(), fit.LogLikelihoodDf);
        Assert.Equal(r.GetProperty("family").GetString(), fit.Family.Name);
        Assert.Equal(r.GetProperty("link").GetString(), fit.Link.Name);
        Assert.True(fit.Converged);
        Near(r.GetProperty("logLik").GetDouble(), fit.LogLikelihood, Tol, "logLik");
        Near(r.GetProperty("AIC").GetDouble(), fit.Aic, Tol, "AIC");
        Near(r.GetProperty("BIC").GetDouble(), fit.Bic, Tol, "BIC");
        Near(r.GetProperty("deviance").GetDouble(), fit.Deviance, Tol, "deviance");
        Near(r.GetProperty("null_deviance").GetDouble(), fit.NullDeviance, Tol, "null deviance");
        if (r.TryGetProperty("df_residual", out var dfr)) Assert.Equal(dfr.GetInt32(), fit.ResidualDf);
        if (r.TryGetProperty("df_null", out var dfn)) Assert.Equal(dfn.GetInt32(), fit.NullDf);
        if (r.TryGetProperty("dispersion", out var disp)) Near(disp.GetDouble(), fit.Dispersion, Tol, "dispersion");
        if (r.TryGetProperty("iterations", out var it)) Assert.Equal(it.GetInt32(), fit.Iterations);
        var se = fit.Covariance().StandardErrors();
        foreach (var term in r.GetProperty("fixef").EnumerateObject())
        {
            int j = fit.CoefficientNames.ToList().IndexOf(term.Name);
            Assert.True(j >= 0, $"missing coefficient {term.Name}");
            Near(term.Value.GetProperty("estimate").GetDouble(), fit.Coefficients[j], Tol, term.Name);
            Near(term.Value.GetProperty("se").GetDouble(), se[j], Tol, term.Name + " se");
        }
    }

    private static (double[] Incidence, double[] Size, List<(string, double[])> Period) Cbpp()
    {
        var c = Csv("cbpp.csv");
        var (codes, levels) = Factor(c["period"]);
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(codes.Length)) };
        cols.AddRange(Dummies(codes, levels, "period"));
        return (Numeric(c["incidence"]), Numeric(c["size"]), cols);
    }

    private static ModelDesign CbppCounts()
    {
        var (inc, size, cols) = Cbpp();
        var prop = inc.Select((v, i) => v / size[i]).ToArray();
        return MakeDesign("cbind(incidence, size - incidence) ~ period", "cbind(incidence, size - incidence)", prop, cols, trials: size);
    }

    [Fact]
    public void CbppLogitMatchesR() =>
        Matches(GeneralizedLinearModel.Fit(CbppCounts(), GlmFamily.Binomial), Reference("cbpp_glm.json"));

    [Fact]
    public void CbppProbitMatchesR() =>
        Matches(GeneralizedLinearModel.Fit(CbppCounts(), GlmFamily.Binomial, GlmLink.Probit), Reference("pooling/cbpp_glm_probit.json"));

    [Fact]
    public void CbppCloglogMatchesR() =>
        Matches(GeneralizedLinearModel.Fit(CbppCounts(), GlmFamily.Binomial, GlmLink.CLogLog), Reference("pooling/cbpp_glm_cloglog.json"));

    [Fact]
    public void PoissonWithAnOffsetMatchesR()
    {
        var (inc, size, cols) = Cbpp();
        var d = MakeDesign("incidence ~ period + offset(log(size))", "incidence", inc, cols, offset: size.Select(s => Math.Log(s)).ToArray());
        Matches(GeneralizedLinearModel.Fit(d, GlmFamily.Poisson), Reference("pooling/cbpp_glm_poisson_offset.json"));
    }

    private static ModelDesign Grouseticks(double[]? weights = null)
    {
        var c = Csv("grouseticks.csv");
        var (year, levels) = Factor(c["YEAR"]);
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(year.Length)) };
        cols.AddRange(Dummies(year, levels, "YEAR"));
        cols.Add(("cHEIGHT", Numeric(c["cHEIGHT"])));
        return MakeDesign("TICKS ~ YEAR + cHEIGHT", "TICKS", Numeric(c["TICKS"]), cols, weights: weights);
    }

    [Fact]
    public void PoissonMatchesR() =>
        Matches(GeneralizedLinearModel.Fit(Grouseticks(), GlmFamily.Poisson), Reference("pooling/grouseticks_glm_poisson.json"));

    [Fact]
    public void PoissonWithPriorWeightsMatchesR() =>
        Matches(GeneralizedLinearModel.Fit(Grouseticks(Enumerable.Range(0, 403).Select(i => 1.0 + i % 2).ToArray()), GlmFamily.Poisson),
            Reference("pooling/grouseticks_glm_poisson_weighted.json"));

    [Fact]
    public void LogitOnZeroOneResponseMatchesR()
    {
        var h = LoadHsb();
        var y = h.MathAch.Select(v => v > 13 ? 1.0 : 0.0).ToArray();
        var d = MakeDesign("I(mathach > 13) ~ ses + sector", "I(mathach > 13)", y,
            [("(Intercept)", Ones(h.N)), ("ses", h.Ses), ("sector", h.Sector)]);
        Matches(GeneralizedLinearModel.Fit(d, GlmFamily.Binomial), Reference("pooling/hsb_glm_logit01.json"));
    }

    [Fact]
    public void WeightedGaussianMatchesR()
    {
        var h = LoadHsb();
        var w = Enumerable.Range(0, h.N).Select(i => 1.0 + i % 3).ToArray();
        var d = MakeDesign("mathach ~ ses", "mathach", h.MathAch, [("(Intercept)", Ones(h.N)), ("ses", h.Ses)], weights: w);
        var fit = GeneralizedLinearModel.Fit(d, GlmFamily.Gaussian);
        Matches(fit, Reference("pooling/hsb_glm_gaussian_weighted.json"));
        Assert.Equal("t", Multilevel.Inference.CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, fit.Covariance()).StatisticName);
    }

    [Fact]
    public void CompleteSeparationIsReportedNotFitted()
    {
        double[] x = [1, 2, 3, 4, 5, 6];
        double[] y = [0, 0, 0, 1, 1, 1];
        var d = MakeDesign("y ~ x", "y", y, [("(Intercept)", Ones(6)), ("x", x)]);
        var ex = Assert.Throws<SeparationException>(() => GeneralizedLinearModel.Fit(d, GlmFamily.Binomial));
        Assert.True(ex.Report.Complete);
        Assert.Equal(6, ex.Report.Observations.Count);
        Assert.Contains("complete separation", ex.Message);
        Assert.Contains("x", ex.Report.Coefficients);
        // The direction: η grows with x (β_x > 0) and crosses 0 between 3 and 4: −β0/βx ∈ (3, 4).
        double b0 = ex.Report.Direction[0], b1 = ex.Report.Direction[1];
        Assert.True(b1 > 0);
        Assert.InRange(-b0 / b1, 3, 4);
    }

    [Fact]
    public void QuasiCompleteSeparationNamesThePerfectlyPredictedRows()
    {
        // x = 3 has both outcomes; every other row is predicted by the sign of x − 3.
        double[] x = [1, 2, 3, 3, 4, 5, 6];
        double[] y = [0, 0, 0, 1, 1, 1, 1];
        var d = MakeDesign("y ~ x", "y", y, [("(Intercept)", Ones(7)), ("x", x)]);
        var ex = Assert.Throws<SeparationException>(() => GeneralizedLinearModel.Fit(d, GlmFamily.Binomial));
        Assert.False(ex.Report.Complete);
        Assert.Equal([0, 1, 4, 5, 6], ex.Report.Observations);
        Assert.Equal(-3, ex.Report.Direction[0] / ex.Report.Direction[1], 1e-8);
        Assert.Contains("quasi-complete separation: 5 of 7 observations", ex.Message);
    }

    [Fact]
    public void AGroupWithOnlyOnesSeparatesItsDummy()
    {
        // Fixed-effects logit by dummies (the slides' vote ~ income + factor(state) - 1): state 2 votes 1
        // throughout, so its dummy diverges.
        var rng = new Random(3);
        int n = 60;
        var state = Enumerable.Range(0, n).Select(i => i % 3).ToArray();
        var income = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n).Select(i => state[i] == 2 ? 1.0 : (i % 5 < 2 ? 1.0 : 0.0)).ToArray();
        var cols = new List<(string, double[])> { ("income", income) };
        cols.AddRange(Dummies(state, ["1", "2", "3"], "factor(state)", includeFirst: true));
        var d = MakeDesign("vote ~ income + factor(state) - 1", "vote", y, cols);
        var ex = Assert.Throws<SeparationException>(() => GeneralizedLinearModel.Fit(d, GlmFamily.Binomial));
        Assert.Equal(["factor(state)3"], ex.Report.Coefficients);
        Assert.Equal(20, ex.Report.Observations.Count);
        Assert.All(ex.Report.Observations, i => Assert.Equal(2, state[i]));
        // Asked to warn, the fit goes on as R's would, with the description among its messages.
        var fit = GeneralizedLinearModel.Fit(d, GlmFamily.Binomial, options: new GlmOptions(Separation: SeparationAction.Warn));
        Assert.Contains(fit.Messages, m => m.Contains("quasi-complete separation"));
    }

    [Fact]
    public void PoissonLevelWithOnlyZerosIsSeparated()
    {
        var g = Enumerable.Range(0, 30).Select(i => i % 3).ToArray();
        var y = Enumerable.Range(0, 30).Select(i => g[i] == 1 ? 0.0 : 1 + i % 4).ToArray();
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(30)) };
        cols.AddRange(Dummies(g, ["a", "b", "c"], "g"));
        var ex = Assert.Throws<SeparationException>(() =>
            GeneralizedLinearModel.Fit(MakeDesign("y ~ g", "y", y, cols), GlmFamily.Poisson));
        Assert.Equal(["gb"], ex.Report.Coefficients);
        Assert.Equal(10, ex.Report.Observations.Count);
    }

    [Fact]
    public void OverlappingDataAreNotSeparated()
    {
        var (_, _, cols) = Cbpp();
        var report = Separation.Check(CbppCounts().X.Values, 56, CbppCounts().X.ColumnNames,
            CbppCounts().Response.Values, CbppCounts().Response.Trials, GlmFamily.Binomial);
        Assert.False(report.Separated);
        Assert.NotEmpty(cols);
    }
}
