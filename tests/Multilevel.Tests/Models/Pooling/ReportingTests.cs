using System.Text.Json;
using Multilevel.Inference;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Multilevel.Reporting;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

public class ReportingTests
{
    private static readonly Hsb Data = LoadHsb();

    [Theory]
    // Python: '%#8.4g' % 1074.69454 == '   1075.', '%#6.3g' % 8.71e-220 == '8.71e-220',
    // '%#8.5g' % -23548.97 == ' -23549.', '%#8.4g' % 47101.94 == '4.710e+04', '%#8.3g' % 1.2825 == '    1.28',
    // '%#8.3g' % 3.2e-05 == '3.20e-05', '%#8.4g' % 253.1 == '   253.1', '%.2g' % 12345.0 == '1.2e+04',
    // '%g' % 0.0001 == '0.0001', '%g' % 100000.0 == '100000', '%g' % 1e6 == '1e+06', '%#.3g' % 0.0 == '0.00'
    [InlineData(1074.69454371544, 4, 8, true, "   1075.")]
    [InlineData(8.71e-220, 3, 6, true, "8.71e-220")]
    [InlineData(-23548.9698031116, 5, 8, true, " -23549.")]
    [InlineData(47101.9396062232, 4, 8, true, "4.710e+04")]
    [InlineData(1.2825, 3, 8, true, "    1.28")]
    [InlineData(3.2e-05, 3, 8, true, "3.20e-05")]
    [InlineData(253.1, 4, 8, true, "   253.1")]
    [InlineData(12345.0, 2, 0, false, "1.2e+04")]
    [InlineData(0.0001, 6, 0, false, "0.0001")]
    [InlineData(100000.0, 6, 0, false, "100000")]
    [InlineData(1e6, 6, 0, false, "1e+06")]
    [InlineData(0.0, 3, 0, true, "0.00")]
    public void PrintfGMatchesC(double x, int precision, int width, bool alternate, string expected) =>
        Assert.Equal(expected, CFormat.G(x, precision, width, alternate));

    [Fact]
    public void ForgSwitchesToGOutsideItsRange()
    {
        Assert.Equal("  12.7474", CFormat.Forg(12.7473961883944, 4).TrimStart().PadLeft(9));
        Assert.Equal("    0.076", CFormat.Forg(0.0756864369114535));
        Assert.Equal(" 1.23e+04", CFormat.Forg(12345.678));
        Assert.Equal("    1e-05", CFormat.Forg(1e-5));
    }

    [Fact]
    public void StatsmodelsSummaryPrintsTheTutorialsModel1()
    {
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]));
        var text = OlsSummary.Statsmodels(fit, VarianceEstimators.Iid(fit));
        var lines = text.Split('\n');
        // The tutorial's lines (statsmodels 2015), whose cells our layout reproduces character for character.
        Assert.Contains("Dep. Variable:                mathach   R-squared:                       0.130", lines);
        Assert.Contains("Model:                            OLS   Adj. R-squared:                  0.130", lines);
        Assert.Contains("Method:                 Least Squares   F-statistic:                     1075.", lines);
        Assert.Contains("Omnibus:                      310.172   Durbin-Watson:                   1.820", lines);
        Assert.Contains("Prob(Omnibus):                  0.000   Jarque-Bera (JB):              152.430", lines);
        Assert.Contains("Skew:                          -0.159   Prob(JB):                     7.95e-34", lines);
        Assert.Contains("Kurtosis:                       2.362   Cond. No.                         1.28", lines);
        Assert.Contains(lines, l => l.StartsWith("Intercept     12.7474      0.076    168.424      0.000      12.599      12.896", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ses            3.1839      0.097     32.783      0.000       2.993       3.374", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Prob (F-statistic):          8.71e-220") && l.StartsWith("Date:", StringComparison.Ordinal) == false);
        Assert.Contains(lines, l => l.EndsWith("Log-Likelihood:                -23549.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("AIC:                         4.710e+04", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("BIC:                         4.712e+04", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Length > 0 && !l.StartsWith('[') && !l.StartsWith("Notes", StringComparison.Ordinal)), l => Assert.True(l.Length <= 78, l));
    }

    [Fact]
    public void StatsmodelsSummaryOfTheBetweenEstimatorIsTheTutorialsModel2()
    {
        var fit = BetweenEstimator.Fit(MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]),
            "schoolid", Data.School, Data.SchoolLevels.Length);
        var lines = OlsSummary.Statsmodels(fit, VarianceEstimators.Iid(fit)).Split('\n');
        Assert.Contains(lines, l => l.StartsWith("No. Observations:                 160   AIC:                             667.9", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Df Residuals:                     158   BIC:                             674.1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("Log-Likelihood:                -331.96", StringComparison.Ordinal));
        Assert.Contains("Omnibus:                        9.782   Durbin-Watson:                   2.166", lines);
        Assert.Contains("Prob(Omnibus):                  0.008   Jarque-Bera (JB):               20.702", lines);
        Assert.Contains("Skew:                          -0.122   Prob(JB):                     3.20e-05", lines);
        Assert.Contains("Kurtosis:                       4.745   Cond. No.                         2.42", lines);
        Assert.Contains(lines, l => l.StartsWith("ses            5.9093      0.371     15.910      0.000       5.176       6.643", StringComparison.Ordinal));
    }

    [Fact]
    public void JsonOfAnOlsFitCarriesTheContractFields()
    {
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]));
        var cov = VarianceEstimators.ClusterRobust(fit, [new ClusterVariable("schoolid", Data.School)]);
        using var doc = JsonDocument.Parse(PoolingJson.Linear(fit, cov));
        var r = doc.RootElement;
        foreach (var field in new[] { "formula", "method", "nobs", "rows_dropped", "warnings", "converged", "logLik", "df", "AIC", "BIC", "sigma", "r_squared", "adj_r_squared", "f_statistic", "f_df1", "f_df2", "fixef", "vcov_type" })
        {
            Assert.True(r.TryGetProperty(field, out _), field);
        }
        Assert.Equal("CR1(schoolid)", r.GetProperty("vcov_type").GetString());
        Assert.Equal("OLS", r.GetProperty("method").GetString());
        var reference = Reference("hsb_ols_ses.json");
        Near(reference.GetProperty("AIC").GetDouble(), r.GetProperty("AIC").GetDouble(), 1e-12, "AIC in JSON (R's convention)");
        Near(cov.StandardErrors()[1], r.GetProperty("fixef").GetProperty("ses").GetProperty("se").GetDouble(), 1e-15, "se");
    }

    [Fact]
    public void JsonOfAGlmAndAnAbsorbedFit()
    {
        var c = Csv("cbpp.csv");
        var (period, levels) = Factor(c["period"]);
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(period.Length)) };
        cols.AddRange(Dummies(period, levels, "period"));
        var inc = Numeric(c["incidence"]);
        var size = Numeric(c["size"]);
        var glm = GeneralizedLinearModel.Fit(MakeDesign("cbind(incidence, size - incidence) ~ period", "cbind(incidence, size - incidence)",
            inc.Select((v, i) => v / size[i]).ToArray(), cols, trials: size), GlmFamily.Binomial);
        using (var doc = JsonDocument.Parse(PoolingJson.Glm(glm)))
        {
            var r = doc.RootElement;
            Assert.Equal("IRLS", r.GetProperty("method").GetString());
            Near(Reference("cbpp_glm.json").GetProperty("deviance").GetDouble(), r.GetProperty("deviance").GetDouble(), 1e-6, "deviance");
            Assert.True(r.TryGetProperty("null_deviance", out _));
        }
        var text = GlmSummary.Statsmodels(glm);
        Assert.Contains("Generalized Linear Model Regression Results", text);
        Assert.Contains("P>|z|", text);
        var rtext = GlmSummary.R(glm, "cbpp");
        // R 4.2.2: summary(glm(cbind(incidence, size - incidence) ~ period, binomial, cbpp)).
        Assert.Contains("(Intercept)  -1.2690     0.1449  -8.757  < 2e-16 ***\n", rtext);
        Assert.Contains("period2      -1.1708     0.2915  -4.017 5.90e-05 ***\n", rtext);
        Assert.Contains("period4      -1.7823     0.4131  -4.315 1.60e-05 ***\n", rtext);
        Assert.Contains("(Dispersion parameter for binomial family taken to be 1)", rtext);
        Assert.Contains("Residual deviance: 114.10  on 52  degrees of freedom", rtext);
        Assert.Contains("    Null deviance: 154.82  on 55  degrees of freedom", rtext);
        Assert.Contains("AIC: 206.06", rtext);

        var fe = AbsorbedFixedEffects.Fit(MakeDesign("mathach ~ ses | schoolid", "mathach", Data.MathAch, [("ses", Data.Ses)],
            absorbed: [new Multilevel.Design.AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School)]));
        using (var doc = JsonDocument.Parse(PoolingJson.Linear(fe, VarianceEstimators.Iid(fe))))
        {
            var r = doc.RootElement;
            Assert.Equal("within", r.GetProperty("method").GetString());
            Assert.Equal("iid", r.GetProperty("vcov_type").GetString());
            Assert.Equal(["ses"], r.GetProperty("fixef").EnumerateObject().Select(p => p.Name));
            Assert.Equal(160, r.GetProperty("absorbed_parameters").GetInt32());
        }
    }

    [Fact]
    public void RSummaryLmLayout()
    {
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]));
        var text = OlsSummary.R(fit, VarianceEstimators.Iid(fit), "hsb");
        // R 4.2.2: summary(lm(mathach ~ ses, hsb)).
        Assert.Contains("     Min       1Q   Median       3Q      Max \n-19.4382  -4.7580   0.2334   5.0649  15.9007 \n", text);
        Assert.Contains("            Estimate Std. Error t value Pr(>|t|)    \n", text);
        Assert.Contains("(Intercept) 12.74740    0.07569  168.42   <2e-16 ***\n", text);
        Assert.Contains("ses          3.18387    0.09712   32.78   <2e-16 ***\n", text);
        Assert.Contains("Residual standard error: 6.416 on 7183 degrees of freedom\n", text);
        Assert.Contains("Multiple R-squared:  0.1301,\tAdjusted R-squared:   0.13 \n", text);
        Assert.Contains("F-statistic:  1075 on 1 and 7183 DF,  p-value: < 2.2e-16\n", text);
    }
}
