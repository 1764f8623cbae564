using System.Text.Json;
using Multilevel.Tests.Data;
using Multilevel.Tests.Models.Lmm;
using Xunit;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Cli;

/// <summary><c>mlm fit</c> for linear mixed models, run in-process with the console redirected.</summary>
[Collection(SerialCollection.Name)]
public class FitCommandTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task StatsmodelsStylePrintsTheTutorialFigures()
    {
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses + (1|schoolid)", "--style", "statsmodels");
        Assert.Equal(0, exit);
        Assert.Contains("No. Groups:       160     Scale:              37.0344    ", output, StringComparison.Ordinal);
        Assert.Contains("Min. group size:  14      Likelihood:         -23322.5847", output, StringComparison.Ordinal);
        Assert.Contains("Max. group size:  67      Converged:          Yes        ", output, StringComparison.Ordinal);
        Assert.Contains("Mean group size:  44.9", output, StringComparison.Ordinal);
        Assert.Contains("Intercept      12.657", output, StringComparison.Ordinal);
        Assert.Contains("ses             2.390", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultIsLme4Summary()
    {
        var (exit, output, _) = await Run("fit", "sleepstudy", "Reaction ~ Days + (Days|Subject)");
        Assert.Equal(0, exit);
        var expected = File.ReadAllLines(Fixtures.ReferencePath("../reference-extra/lmm/sleepstudy_reml_summary.txt"))
            .Where(l => !l.StartsWith("Control:", StringComparison.Ordinal));
        Assert.Equal(string.Join("\n", expected), output.TrimEnd('\n'));
    }

    [Fact]
    public async Task JsonHasTheReferenceFieldsAndMatchesIt()
    {
        var (exit, output, _) = await Run("fit", "hsb", "mathach ~ ses + (1|schoolid)", "--ml", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var field in new[] { "formula", "family", "link", "method", "nobs", "ngroups", "logLik", "df", "AIC", "BIC", "deviance", "sigma", "theta", "fixef", "varcorr", "singular", "ranef_first", "converged", "evaluations", "seconds", "rows_dropped", "warnings" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }
        Assert.False(root.TryGetProperty("REMLcrit", out _));
        Assert.Equal("ML", root.GetProperty("method").GetString());
        Assert.True(root.GetProperty("converged").GetBoolean());
        var reference = Fixtures.Reference("hsb_ses_ml.json");
        Assert.Equal(reference.GetProperty("deviance").GetDouble(), root.GetProperty("deviance").GetDouble(), 1e-6 * 46641);
        Assert.Equal(reference.GetProperty("ngroups").GetProperty("schoolid").GetInt32(), root.GetProperty("ngroups").GetProperty("schoolid").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("varcorr")[1].GetProperty("var1").ValueKind);
        Assert.Equal("1224", root.GetProperty("ranef_first").GetProperty("schoolid")[0].GetProperty("level").GetString());
    }

    [Fact]
    public async Task RowsDroppedAreReported()
    {
        var (exit, output, _) = await Run("fit", DataFixtures.DataFile("hsb_missing.csv"), "mathach ~ ses * sector + (1|schoolid)");
        Assert.Equal(0, exit);
        Assert.Contains("250 of 7185 rows were left out for missing values; 6935 used.", output, StringComparison.Ordinal);
        var (_, json, _) = await Run("fit", DataFixtures.DataFile("hsb_missing.csv"), "mathach ~ ses * sector + (1|schoolid)", "--json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(250, doc.RootElement.GetProperty("rows_dropped").GetInt32());
    }

    [Fact]
    public async Task SingularFitWarnsAndExitsZero()
    {
        var (exit, output, _) = await Run("fit", "dyestuff2", "Yield ~ 1 + (1|Batch)");
        Assert.Equal(0, exit);
        Assert.Contains("boundary (singular) fit", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsMapToExitCodes()
    {
        Assert.Equal(2, (await Run("fit", "hsb", "mathach ~ ses + (1|")).Exit);
        Assert.Equal(2, (await Run("fit", "hsb", "mathach ~ ses + (1|schoolid)", "--style", "spss")).Exit);
        var (exit, _, err) = await Run("fit", "hsb", "mathach ~ ses + (1|nosuch)");
        Assert.Equal(1, exit);
        Assert.Contains("nosuch", err, StringComparison.Ordinal);
    }
}
