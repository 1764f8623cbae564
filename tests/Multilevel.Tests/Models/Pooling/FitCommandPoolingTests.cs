using System.Text.Json;
using Multilevel.Tests.Data;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Models.Pooling;

/// <summary><c>mlm fit</c> without random-effects terms, run in-process: the tutorial's tables and models, one
/// command each.</summary>
[Collection(SerialCollection.Name)]
public class FitCommandPoolingTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task TutorialModel1()
    {
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        // The tutorial's MODEL 1 table (statsmodels), line for line where the layouts coincide.
        Assert.Contains("Dep. Variable:                mathach   R-squared:                       0.130", lines);
        Assert.Contains("Method:                 Least Squares   F-statistic:                     1075.", lines);
        Assert.Contains(lines, l => l.StartsWith("Intercept     12.7474      0.076    168.424      0.000", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ses            3.1839      0.097     32.783      0.000", StringComparison.Ordinal));
        Assert.Contains("Omnibus:                      310.172   Durbin-Watson:                   1.820", lines);
        Assert.Contains("Kurtosis:                       2.362   Cond. No.                         1.28", lines);
    }

    [Fact]
    public async Task TutorialModel2IsTheBetweenEstimator()
    {
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses", "--between", "schoolid");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Contains("Dep. Variable:                mathach   R-squared:                       0.616", lines);
        Assert.Contains(lines, l => l.StartsWith("No. Observations:                 160   AIC:                             667.9", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ses            5.9093      0.371     15.910      0.000       5.176       6.643", StringComparison.Ordinal));
        Assert.Contains("Skew:                          -0.122   Prob(JB):                     3.20e-05", lines);
    }

    [Fact]
    public async Task TutorialFixedEffectsModels()
    {
        // The tutorial prints result.params of `ses + schoolmean_ses` and `demeaned_ses`.
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses + gmean(ses, schoolid)", "--params");
        Assert.Equal(0, exit);
        Assert.Contains("Intercept               12.747033\n", output);
        Assert.Contains("ses                      2.191172\n", output);
        Assert.Contains("gmean(ses, schoolid)     3.525709\n", output);
        (exit, output, _) = await Run("fit", "hsb", "mathach ~ demean(ses, schoolid)", "--params");
        Assert.Equal(0, exit);
        Assert.Contains("Intercept                12.747853\n", output);
        Assert.Contains("demean(ses, schoolid)     2.191172\n", output);
    }

    [Fact]
    public async Task JsonOfOlsGlmAndAbsorbedFits()
    {
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses + factor(schoolid)", "--json");
        Assert.Equal(0, exit);
        using (var doc = JsonDocument.Parse(output))
        {
            LinearModelTestsJson.Matches(doc.RootElement, Reference("hsb_ols_ses_fe.json"));
        }
        (exit, output, _) = await Run("fit", "cbpp", "cbind(incidence, size - incidence) ~ period", "--family", "binomial", "--json");
        Assert.Equal(0, exit);
        using (var doc = JsonDocument.Parse(output))
        {
            var r = Reference("cbpp_glm.json");
            Near(r.GetProperty("deviance").GetDouble(), doc.RootElement.GetProperty("deviance").GetDouble(), 1e-6, "deviance");
            Near(r.GetProperty("null_deviance").GetDouble(), doc.RootElement.GetProperty("null_deviance").GetDouble(), 1e-6, "null deviance");
            Assert.Equal("IRLS", doc.RootElement.GetProperty("method").GetString());
        }
        (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses | schoolid", "--cluster", "schoolid", "--json");
        Assert.Equal(0, exit);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal("within", doc.RootElement.GetProperty("method").GetString());
            Assert.Equal("CR1(schoolid)", doc.RootElement.GetProperty("vcov_type").GetString());
        }
    }

    [Fact]
    public async Task SeparationIsAModelProblemAndBadOptionsAreUsageErrors()
    {
        // sector is constant within each school: the school dummies predict it perfectly.
        var (exit, _, err) = await Run("fit", "hsb", "sector ~ factor(schoolid)", "--family", "binomial");
        Assert.Equal(1, exit);
        Assert.Contains("complete separation: 7185 of 7185 observations", err);
        (exit, _, err) = await Run("fit", "hsb", "mathach ~ ses", "--vcov", "HC3");
        Assert.Equal(2, exit);
        Assert.Contains("--vcov", err);
        (exit, _, _) = await Run("fit", "hsb", "mathach ~ ses", "--between", "schoolid", "--by", "schoolid");
        Assert.Equal(2, exit);
    }
}

internal static class LinearModelTestsJson
{
    public static void Matches(JsonElement j, JsonElement r)
    {
        Assert.Equal(r.GetProperty("nobs").GetInt32(), j.GetProperty("nobs").GetInt32());
        Assert.Equal(r.GetProperty("df").GetInt32(), j.GetProperty("df").GetInt32());
        foreach (var field in new[] { "logLik", "AIC", "BIC", "sigma", "r_squared", "adj_r_squared", "f_statistic" })
        {
            Near(r.GetProperty(field).GetDouble(), j.GetProperty(field).GetDouble(), 1e-6, field);
        }
        foreach (var term in r.GetProperty("fixef").EnumerateObject())
        {
            var t = j.GetProperty("fixef").GetProperty(term.Name);
            Near(term.Value.GetProperty("estimate").GetDouble(), t.GetProperty("estimate").GetDouble(), 1e-8, term.Name);
            Near(term.Value.GetProperty("se").GetDouble(), t.GetProperty("se").GetDouble(), 1e-8, term.Name + " se");
        }
    }
}
