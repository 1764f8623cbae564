using System.Text.Json;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Multilevel.Tests.Data;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>
/// <c>mlm pooling</c>: every slope is the estimate of the fit it names (fitted here independently), the Hausman test is
/// plm's (and the REML version of the reference), the Mundlak slope is the within slope, the ICC is lme4's.
/// </summary>
[Collection(SerialCollection.Name)]
public class PoolingCommandTests
{
    private static JsonElement Model(JsonElement root, string key) =>
        root.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("key").GetString() == key);

    private static double Slope(JsonElement root, string key, string term = "ses") =>
        Model(root, key).GetProperty("estimates").GetProperty(term).GetProperty("estimate").GetDouble();

    private static double Se(JsonElement root, string key, string term = "ses") =>
        Model(root, key).GetProperty("estimates").GetProperty(term).GetProperty("se").GetDouble();

    private static string F4(double x) => x.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task TextShowsTheComparisonAndTheHausmanTest()
    {
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses", "--group", "schoolid");
        Assert.Equal(0, r.Exit);
        foreach (var name in new[] { "Full pooling (OLS)", "No pooling (160 schoolid regressions)", "Between (schoolid means, OLS)", "Fixed effects (within)",
                     "Random intercepts (REML)", "Random intercepts and slopes (REML)", "Mundlak (random intercepts + group means)" })
        {
            Assert.Contains(name, r.Out, StringComparison.Ordinal);
        }
        // R's lm(mathach ~ ses), lm(mathach ~ ses + factor(schoolid)) and lmer(mathach ~ ses + (1 | schoolid)), printed
        // with four decimals as "slope (se)"
        var ols = Fixtures.Reference("hsb_ols_ses.json").GetProperty("fixef").GetProperty("ses");
        var fe = Fixtures.Reference("hsb_ols_ses_fe.json").GetProperty("fixef").GetProperty("ses");
        var ri = Fixtures.Reference("hsb_ses_reml.json").GetProperty("fixef").GetProperty("ses");
        foreach (var e in new[] { ols, fe, ri })
        {
            Assert.Contains($"{F4(e.GetProperty("estimate").GetDouble())} ({F4(e.GetProperty("se").GetDouble())})", r.Out, StringComparison.Ordinal);
        }
        // the Hausman statistics of plm (Swamy–Arora) and of the REML random-intercept model
        var h = Fixtures.Reference("hsb_hausman.json");
        Assert.Contains($"│ {F4(h.GetProperty("chisq").GetDouble())} │", r.Out, StringComparison.Ordinal);
        Assert.Contains($"│  {F4(h.GetProperty("reml_chisq").GetDouble())} │", r.Out, StringComparison.Ordinal);
        string re = h.GetProperty("reml_re_ses").GetDouble().ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        string within = h.GetProperty("fe_ses").GetDouble().ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"the schoolid effects are correlated with ses: the random-effects slope ({re}) is biased", r.Out, StringComparison.Ordinal);
        Assert.Contains($"use the within estimate ({within})", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BalancedPredictorLeavesMundlakOutAndEveryEstimatorAgrees()
    {
        // sleepstudy: Days is 0..9 for every Subject, so its Subject means are constant (no between variation): OLS,
        // within and random-effects slopes are all lme4's Days estimate, the Mundlak model is left out with a note
        var r = await Cli.Run("pooling", "sleepstudy", "Reaction ~ Days", "--group", "Subject", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        double days = Fixtures.Reference("sleepstudy_reml.json").GetProperty("fixef").GetProperty("Days").GetProperty("estimate").GetDouble();
        foreach (var key in new[] { "full_pooling", "fixed_effects", "random_intercepts" }) Assert.Equal(days, Slope(j, key, "Days"), 1e-5 * days);
        Assert.False(j.TryGetProperty("mundlak", out _));
        Assert.DoesNotContain(j.GetProperty("models").EnumerateArray(), m => m.GetProperty("key").GetString() == "mundlak");
        Assert.Contains(j.GetProperty("notes").EnumerateArray(), x => x.GetString()!.Contains("left out of the Mundlak model", StringComparison.Ordinal));
        Assert.True(j.GetProperty("hausman").GetProperty("chisq").GetDouble() < 1e-6);
    }

    [Fact]
    public async Task SlopesAreTheUnderlyingFitsEstimates()
    {
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses", "--group", "schoolid", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        var hsb = Datasets.Load("hsb");
        var design = DesignBuilder.Build("mathach ~ ses", hsb, new DesignOptions { Response = ResponseKind.Numeric });
        var g = GroupingVariable.FromColumn(hsb, "schoolid", design.RowIndex);

        var ols = LinearModel.Fit(design);
        Assert.Equal(ols.Coefficients[1], Slope(j, "full_pooling"), 1e-12);
        Assert.Equal(VarianceEstimators.Iid(ols).StandardErrors()[1], Se(j, "full_pooling"), 1e-12);
        var between = BetweenEstimator.Fit(design, "schoolid", g.Codes, g.Levels.Count);
        Assert.Equal(between.Coefficients[1], Slope(j, "between"), 1e-12);
        var within = Hausman.Within(design, g);
        Assert.Equal(within.Coefficients[0], Slope(j, "fixed_effects"), 1e-12);
        var noPooling = NoPooling.Fit(design, "schoolid", g.Codes, g.Levels);
        var slopes = noPooling.Groups.Select(x => x.Estimates[1]).ToArray();
        Assert.Equal(slopes.Average(), Slope(j, "no_pooling"), 1e-12);
        Assert.Equal(slopes.Length, j.GetProperty("no_pooling").GetProperty("terms").GetProperty("ses").GetProperty("groups").GetInt32());
        var ri = LinearMixedModel.Fit("mathach ~ ses + (1 | schoolid)", hsb);
        Assert.Equal(ri.FixedEffects[1], Slope(j, "random_intercepts"), 1e-10);
        Assert.Equal(ri.StandardErrors[1], Se(j, "random_intercepts"), 1e-10);
        var ris = LinearMixedModel.Fit("mathach ~ ses + (1 + ses | schoolid)", hsb);
        Assert.Equal(ris.FixedEffects[1], Slope(j, "random_slopes"), 1e-10);
        // R's references for the fits lme4 and lm make
        var reml = Fixtures.Reference("hsb_ses_reml.json");
        Assert.Equal(reml.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), Slope(j, "random_intercepts"), 1e-5 * 2.39);
        Assert.Equal(reml.GetProperty("fixef").GetProperty("ses").GetProperty("se").GetDouble(), Se(j, "random_intercepts"), 1e-4 * 0.106);
        // Mundlak: with the school means added, the coefficient of ses is the within slope (exactly, in theory)
        Assert.Equal(within.Coefficients[0], Slope(j, "mundlak"), 1e-6);
        // the variance components of the random-intercept model are lme4's
        var model = Model(j, "random_intercepts");
        Assert.Equal(reml.GetProperty("varcorr")[0].GetProperty("vcov").GetDouble(), model.GetProperty("var_between").GetDouble(), 1e-4 * 4.77);
        Assert.Equal(reml.GetProperty("varcorr")[1].GetProperty("vcov").GetDouble(), model.GetProperty("var_within").GetDouble(), 1e-4 * 37.0);
    }

    [Fact]
    public async Task HausmanAndIccMatchR()
    {
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses", "--group", "schoolid", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        var h = Fixtures.Reference("hsb_hausman.json");
        var swar = j.GetProperty("hausman_swamy_arora");
        Assert.Equal(h.GetProperty("chisq").GetDouble(), swar.GetProperty("chisq").GetDouble(), 1e-6 * 112.2);
        Assert.Equal(h.GetProperty("df").GetInt32(), swar.GetProperty("df").GetInt32());
        Assert.Equal(h.GetProperty("fe_ses").GetDouble(), swar.GetProperty("terms").GetProperty("ses").GetProperty("fe").GetDouble(), 1e-8);
        Assert.Equal(h.GetProperty("fe_se").GetDouble(), swar.GetProperty("terms").GetProperty("ses").GetProperty("fe_se").GetDouble(), 1e-8);
        Assert.Equal(h.GetProperty("re_ses").GetDouble(), swar.GetProperty("terms").GetProperty("ses").GetProperty("re").GetDouble(), 1e-6);
        Assert.Equal(h.GetProperty("re_se").GetDouble(), swar.GetProperty("terms").GetProperty("ses").GetProperty("re_se").GetDouble(), 1e-6);
        Assert.Equal(h.GetProperty("p").GetDouble(), swar.GetProperty("p").GetDouble(), 1e-6 * 3.2e-26);
        var reml = j.GetProperty("hausman");
        // REML: β and its SE to lme4's tolerances (1e-5, 1e-4 relative); χ² = d²/(V_FE − V_RE) amplifies them
        Assert.Equal(h.GetProperty("reml_re_ses").GetDouble(), reml.GetProperty("terms").GetProperty("ses").GetProperty("re").GetDouble(), 1e-5 * 2.39);
        Assert.Equal(h.GetProperty("reml_re_se").GetDouble(), reml.GetProperty("terms").GetProperty("ses").GetProperty("re_se").GetDouble(), 1e-4 * 0.106);
        Assert.Equal(h.GetProperty("reml_chisq").GetDouble(), reml.GetProperty("chisq").GetDouble(), 2e-3 * 63.14);
        var icc = Fixtures.Reference("../reference-extra/inference/hsb_null_icc_profile.json");
        var n = j.GetProperty("icc_null");
        Assert.Equal(icc.GetProperty("icc").GetDouble(), n.GetProperty("icc").GetDouble(), 1e-5);
        Assert.Equal(icc.GetProperty("icc_lower").GetDouble(), n.GetProperty("lower").GetDouble(), 1e-4);
        Assert.Equal(icc.GetProperty("icc_upper").GetDouble(), n.GetProperty("upper").GetDouble(), 1e-4);
        Assert.Contains(j.GetProperty("reading").EnumerateArray(), x => x.GetString()!.Contains("correlated with ses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALevelTwoPredictorIsNamedAndSkippedByTheWithinModel()
    {
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses + sector", "--group", "schoolid", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        Assert.False(Model(j, "fixed_effects").GetProperty("estimates").TryGetProperty("sector", out _));
        Assert.True(Model(j, "random_intercepts").GetProperty("estimates").TryGetProperty("sector", out _));
        Assert.Contains("(1 + ses | schoolid)", Model(j, "random_slopes").GetProperty("formula").GetString(), StringComparison.Ordinal);
        Assert.Contains(j.GetProperty("reading").EnumerateArray(), x => x.GetString()!.Contains("sector is constant within schoolids", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeveralPredictorsAreNamedInTheJointTests()
    {
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses + female", "--group", "schoolid", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        Assert.Equal(2, j.GetProperty("hausman").GetProperty("df").GetInt32());
        Assert.Equal(2, j.GetProperty("mundlak").GetProperty("df").GetInt32());
        string reading = string.Join("\n", j.GetProperty("reading").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains("correlated with ses, female", reading, StringComparison.Ordinal);
        Assert.Contains("the random-effects slope of ses (", reading, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinomialComparesGlmDummiesAndGlmms()
    {
        // the slides' voters: a 0/1 vote by income in states (simulated with a seed by mlm simulate)
        using var dir = new Cli.TempDir();
        string csv = dir.File("voters.csv");
        Assert.Equal(0, (await Cli.Run("simulate", "voters", "--seed", "3", "--out", csv)).Exit);
        var r = await Cli.Run("pooling", csv, "vote ~ income", "--group", "state", "--family", "binomial", "--json");
        Assert.Equal(0, r.Exit);
        var j = r.Json();
        Assert.Equal("binomial", j.GetProperty("family").GetString());
        var keys = j.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("key").GetString()).ToList();
        Assert.Equal(["full_pooling", "no_pooling", "fixed_effects", "random_intercepts", "random_slopes", "mundlak"], keys);
        var data = DataSource.Load(csv);
        var glm = GeneralizedLinearModel.Fit(DesignBuilder.Build("vote ~ income", data, new DesignOptions { Response = ResponseKind.Binomial }), GlmFamily.Binomial);
        Assert.Equal(glm.Coefficients[1], Slope(j, "full_pooling", "income"), 1e-10);
        var fe = GeneralizedLinearModel.Fit(DesignBuilder.Build("vote ~ income + factor(state)", data, new DesignOptions { Response = ResponseKind.Binomial }), GlmFamily.Binomial,
            options: new GlmOptions(1e-8, 50, SeparationAction.Warn));
        Assert.Equal(fe.Coefficients[fe.CoefficientNames.ToList().IndexOf("income")], Slope(j, "fixed_effects", "income"), 1e-10);
        Assert.False(j.TryGetProperty("hausman", out _));
        Assert.True(j.GetProperty("mundlak").GetProperty("df").GetInt32() == 1);
        // ICC on the latent scale: τ² / (τ² + π²/3)
        var icc = j.GetProperty("icc_null");
        Assert.Equal("latent", icc.GetProperty("scale").GetString());
        Assert.Equal(Math.PI * Math.PI / 3, icc.GetProperty("var_within").GetDouble(), 1e-12);
        double tau = icc.GetProperty("var_between").GetDouble();
        Assert.Equal(tau / (tau + Math.PI * Math.PI / 3), icc.GetProperty("icc").GetDouble(), 1e-12);
    }

    [Fact]
    public async Task BadInputGivesUsageOrModelExitCodes()
    {
        Assert.Equal(2, (await Cli.Run("pooling", "hsb", "mathach ~ ses")).Exit);   // --group is required
        Assert.Equal(2, (await Cli.Run("pooling", "hsb", "mathach ~ ses +", "--group", "schoolid")).Exit);
        Assert.Equal(2, (await Cli.Run("pooling", "hsb", "mathach ~ ses", "--group", "schoolid", "--family", "gamma")).Exit);
        var r = await Cli.Run("pooling", "hsb", "mathach ~ ses", "--group", "school");
        Assert.Equal(1, r.Exit);
        Assert.Contains("school", r.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await Cli.Run("pooling", "hsb", "mathach ~ ses + (1 | schoolid)", "--group", "schoolid")).Exit);
    }
}
