using System.Text.Json;
using Multilevel.Tests.Data;
using Multilevel.Tests.Design;
using Xunit;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Cli;

/// <summary>
/// <c>mlm fit … --family binomial|poisson</c> for GLMMs, run in-process: the slides' voters models (varying
/// intercepts; varying slopes; with the state-level predictor and the cross-level interaction, against lme4), the
/// quadrature and fast variants, and the exit codes of usage errors (2) and unfittable models (1).
/// </summary>
[Collection(SerialCollection.Name)]
public class GlmmFitCommandTests
{
    private static string Voters => FixtureData.DataPath("voters.csv");

    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("vote ~ income + (1|state)")]
    [InlineData("vote ~ income + (1 + income|state)")]
    public async Task SlidesModelsRun(string formula)
    {
        var (exit, output, _) = await Run("fit", Voters, formula, "--family", "binomial");
        Assert.Equal(0, exit);
        Assert.Contains(" Family: binomial  ( logit )", output, StringComparison.Ordinal);
        Assert.Contains("Number of obs: 3000, groups:  state, 50", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullSlidesModelMatchesLme4()
    {
        var (exit, output, _) = await Run("fit", Voters, "vote ~ income * state_income + (1 + income | state)", "--family", "binomial", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var j = doc.RootElement;
        var tight = Multilevel.Tests.Models.Glmm.GlmmReference.Load("../reference-extra/glmm/voters_slopes_laplace_tight.json");
        Assert.Equal("Laplace", j.GetProperty("method").GetString());
        Assert.True(Math.Abs(j.GetProperty("deviance").GetDouble() / tight.GetProperty("deviance").GetDouble() - 1) < 1e-7);
        foreach (var p in tight.GetProperty("fixef").EnumerateObject())
        {
            double e = p.Value.GetProperty("estimate").GetDouble();
            double a = j.GetProperty("fixef").GetProperty(p.Name).GetProperty("estimate").GetDouble();
            Assert.True(Math.Abs(a - e) <= 1e-4 * Math.Abs(e), p.Name);
        }
        Assert.Equal(3, j.GetProperty("theta").GetArrayLength());
        Assert.Equal(3, j.GetProperty("varcorr").GetArrayLength());
    }

    [Theory]
    [InlineData("--nagq", "9", "AGQ9")]
    [InlineData("--fast", null, "PIRLS-fast")]
    public async Task QuadratureAndFastVariants(string option, string? value, string method)
    {
        string[] args = value is null
            ? ["fit", "cbpp", "cbind(incidence, size - incidence) ~ period + (1|herd)", "--family", "binomial", option, "--json"]
            : ["fit", "cbpp", "cbind(incidence, size - incidence) ~ period + (1|herd)", "--family", "binomial", option, value, "--json"];
        var (exit, output, _) = await Run(args);
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(method, doc.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public async Task PoissonWithThreeFactors()
    {
        var (exit, output, _) = await Run("fit", "grouseticks", "TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION)", "--family", "poisson");
        Assert.Equal(0, exit);
        Assert.Contains(" Family: poisson  ( log )", output, StringComparison.Ordinal);
        Assert.Contains("Number of obs: 403, groups:  INDEX, 403; BROOD, 118; LOCATION, 63", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--link", "log")]
    [InlineData("--nagq", "-1")]
    public async Task UsageErrorsExitTwo(string option, string value)
    {
        var (exit, _, err) = await Run("fit", "cbpp", "cbind(incidence, size - incidence) ~ period + (1|herd)", "--family", "binomial", option, value);
        Assert.Equal(2, exit);
        Assert.Contains("mlm", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuadratureWithSeveralTermsExitsOne()
    {
        var (exit, _, err) = await Run("fit", "grouseticks", "TICKS ~ YEAR + (1|BROOD) + (1|LOCATION)", "--family", "poisson", "--nagq", "5");
        Assert.Equal(1, exit);
        Assert.Contains("single random-effects term", err, StringComparison.Ordinal);
    }
}
