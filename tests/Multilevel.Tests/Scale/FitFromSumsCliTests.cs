using System.Text.Json;
using Multilevel.Tests.Data;
using Multilevel.Tests.Design;
using Xunit;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Scale;

/// <summary><c>mlm fit</c> with a database URL or <c>--stream</c>: the same numbers as the fit in memory, the scaled
/// residuals marked as not available, where the sums were computed, and clear errors.</summary>
[Collection(SerialCollection.Name)]
public class FitFromSumsCliTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    private static JsonElement Json(string output)
    {
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task StreamedFileGivesTheInMemoryJsonFigures()
    {
        string path = FixtureData.DataPath("hsb_missing.csv");
        var (exit, memory, _) = await Run("fit", path, "mathach ~ ses * sector + (1|schoolid)", "--json");
        Assert.Equal(0, exit);
        (exit, var streamed, var err) = await Run("fit", path, "mathach ~ ses * sector + (1|schoolid)", "--json", "--stream", "--chunk-rows", "1000");
        Assert.True(exit == 0, err);
        var m = Json(memory);
        var s = Json(streamed);
        foreach (var field in new[] { "nobs", "rows_dropped", "REMLcrit", "sigma" })
        {
            Assert.Equal(m.GetProperty(field).GetDouble(), s.GetProperty(field).GetDouble());
        }
        Assert.Equal(m.GetProperty("fixef").ToString(), s.GetProperty("fixef").ToString());
        Assert.Equal(3, s.GetProperty("sums").GetProperty("passes").GetInt32());
        Assert.Contains("hsb_missing.csv", s.GetProperty("data_source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedSummarySaysScaledResidualsAreNotAvailable()
    {
        var (exit, output, err) = await Run("fit", FixtureData.DataPath("hsb.csv"), "mathach ~ ses + (1|schoolid)", "--stream");
        Assert.True(exit == 0, err);
        Assert.Contains("Scaled residuals: \n(not available: fitted from sums over the rows, which were not read into memory)", output, StringComparison.Ordinal);
        Assert.Contains("ses           2.3902", output, StringComparison.Ordinal);
        Assert.Contains("3 passes over the file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedFitsGiveTheIccAndR2()
    {
        var (exit, output, err) = await Run("fit", FixtureData.DataPath("hsb.csv"), "mathach ~ ses + (1|schoolid)", "--stream", "--icc", "--r2");
        Assert.True(exit == 0, err);
        // the in-memory fit's figures (performance::icc 0.1141, r2_nakagawa 0.0766 / 0.1820 on hsb)
        Assert.Contains("ICC adjusted:    0.1141   95% profile interval [0.0895, 0.1451]", output, StringComparison.Ordinal);
        Assert.Contains("marginal 0.0766, conditional 0.1820", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedFitsGiveSatterthwaiteAndProfilesAsInMemory()
    {
        string[] args = ["mathach ~ ses * sector + (1 + ses|schoolid)", "--satterthwaite", "--ci", "profile", "--ci", "wald"];
        var (exit, memory, err) = await Run(["fit", FixtureData.DataPath("hsb.csv"), .. args]);
        Assert.True(exit == 0, err);
        (exit, var streamed, err) = await Run(["fit", FixtureData.DataPath("hsb.csv"), .. args, "--stream"]);
        Assert.True(exit == 0, err);
        // the tables after the summary (tests, Wald and profile intervals) are the same text
        static string Tables(string text)
        {
            int start = text.IndexOf("Satterthwaite", StringComparison.Ordinal);
            int end = text.IndexOf("Sums over the rows", StringComparison.Ordinal);
            return text[start..(end > 0 ? end : text.Length)];
        }
        Assert.Contains("Satterthwaite", memory, StringComparison.Ordinal);
        Assert.Contains("profile", streamed, StringComparison.Ordinal);
        Assert.Equal(Tables(memory), Tables(streamed));
    }

    [Fact]
    public async Task MistakesAreUsageErrorsOrDataErrors()
    {
        var (exit, _, err) = await Run("fit", FixtureData.DataPath("hsb.csv"), "mathach ~ ses", "--stream");
        Assert.Equal(2, exit);
        Assert.Contains("no random-effects term", err, StringComparison.Ordinal);
        (exit, _, err) = await Run("fit", FixtureData.DataPath("hsb.csv"), "mathach ~ ses + (1|schoolid)", "--stream", "--satterthwaite", "--icc", "--ci", "wald", "--ci", "boot");
        Assert.Equal(2, exit);
        Assert.Contains("--ci boot: the parametric bootstrap simulates responses row by row", err, StringComparison.Ordinal);
        Assert.Contains("--ci wald, --ci profile, --satterthwaite, --icc and --r2 are available here", err, StringComparison.Ordinal);
        (exit, _, err) = await Run("fit", "hsb", "mathach ~ ses + (1|schoolid)", "--table", "hsb");
        Assert.Equal(2, exit);
        Assert.Contains("--table and --query apply to a database URL", err, StringComparison.Ordinal);
        (exit, _, err) = await Run("fit", "postgresql://nobody@127.0.0.1:1/none", "y ~ 1 + (1|g)");
        Assert.Equal(1, exit);
        Assert.Contains("names no table", err, StringComparison.Ordinal);
        (exit, _, err) = await Run("fit", "postgresql://nobody:secret@127.0.0.1:1/none?table=t", "y ~ 1 + (1|g)");
        Assert.Equal(1, exit);
        Assert.Contains("cannot connect to postgresql://nobody@127.0.0.1:1/none?table=t", err, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", err, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task DatabaseFitsPrintTheSameEstimatesAsMemory()
    {
        var (exit, memory, _) = await Run("fit", FixtureData.DataPath("hsb.csv"), "mathach ~ ses + (1|schoolid)", "--json");
        Assert.Equal(0, exit);
        var m = Json(memory);
        foreach (var url in new[] { DatabaseServers.Pg("hsb"), DatabaseServers.Ch("hsb_dist") })
        {
            (exit, var output, var err) = await Run("fit", url, "mathach ~ ses + (1|schoolid)", "--json");
            Assert.True(exit == 0, err);
            var d = Json(output);
            ScaleAssert.Close(m.GetProperty("REMLcrit").GetDouble(), d.GetProperty("REMLcrit").GetDouble(), 1e-9, "REMLcrit");
            // the optimiser's own estimates: equal to its precision (see ScaleAssert.SameFit; SqlSourceTests compares
            // every estimate to 1e-9 at the refined optimum)
            foreach (var term in new[] { "(Intercept)", "ses" })
            {
                ScaleAssert.Close(m.GetProperty("fixef").GetProperty(term).GetProperty("estimate").GetDouble(),
                    d.GetProperty("fixef").GetProperty(term).GetProperty("estimate").GetDouble(), 1e-7, term);
            }
            Assert.Equal(3, d.GetProperty("sums").GetProperty("queries").GetInt32());
        }
        var (code, text, _) = await Run("fit", DatabaseServers.Postgres!, "mathach ~ ses + (1|schoolid)", "--query", "SELECT * FROM hsb WHERE sector = 0");
        Assert.Equal(0, code);
        Assert.Contains("Number of obs: 3642, groups:  schoolid, 90", text, StringComparison.Ordinal);
    }

    /// <summary>Wald intervals need only the estimates: a streamed fit prints (and writes in JSON) the in-memory ones.</summary>
    [Fact]
    public async Task WaldIntervalsFromSumsEqualTheInMemoryOnes()
    {
        string path = FixtureData.DataPath("hsb.csv");
        const string formula = "mathach ~ ses + (1 + ses|schoolid)";
        var (exit, memory, _) = await Run("fit", path, formula, "--ci", "wald", "--level", "0.9");
        Assert.Equal(0, exit);
        (exit, var streamed, var err) = await Run("fit", path, formula, "--ci", "wald", "--level", "0.9", "--stream");
        Assert.True(exit == 0, err);
        static string Intervals(string text) => text[text.IndexOf("Wald 90% intervals", StringComparison.Ordinal)..].Split("\nSums over")[0].TrimEnd();
        Assert.Contains("Wald 90% intervals", streamed, StringComparison.Ordinal);
        Assert.Equal(Intervals(memory), Intervals(streamed));
        (exit, var json, err) = await Run("fit", path, formula, "--ci", "wald", "--stream", "--json");
        Assert.True(exit == 0, err);
        (exit, var memoryJson, _) = await Run("fit", path, formula, "--ci", "wald", "--json");
        Assert.Equal(0, exit);
        var names = Json(memoryJson).EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith("seconds", StringComparison.Ordinal)).ToHashSet();
        var streamedNames = Json(json).EnumerateObject().Select(p => p.Name).ToHashSet();
        var inference = names.Where(n => n.Contains("wald", StringComparison.OrdinalIgnoreCase) || n.Contains("confint", StringComparison.OrdinalIgnoreCase) || n.Contains("interval", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(inference);
        foreach (var n in inference) Assert.Equal(Json(memoryJson).GetProperty(n).ToString(), Json(json).GetProperty(n).ToString());
    }
}
