using System.Text.Json;
using Multilevel.Tests.Data;
using Multilevel.Tests.Design;
using Xunit;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Formulas;

/// <summary><c>mlm formula DATA FORMULA</c>, run in-process with the console redirected.</summary>
[Collection(SerialCollection.Name)]
public class FormulaCommandTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task JsonDescribesTheNestedModelAsLme4()
    {
        var (exit, output, _) = await Run("formula", "pastes", "strength ~ 1 + (1|batch/cask)", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("numeric", root.GetProperty("response").GetProperty("kind").GetString());
        var re = root.GetProperty("random_effects").EnumerateArray().ToArray();
        Assert.Equal(["cask:batch", "batch"], re.Select(r => r.GetProperty("group").GetString()));
        Assert.Equal([30, 10], re.Select(r => r.GetProperty("levels").GetInt32()));
        Assert.Equal(["(Intercept)"], root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(60, root.GetProperty("nobs").GetInt32());
        Assert.Equal(0, root.GetProperty("rows_dropped").GetInt32());
    }

    [Fact]
    public async Task TextListsTermsColumnsAndDroppedRows()
    {
        var (exit, output, _) = await Run("formula", FixtureData.DataPath("hsb_missing.csv"), "mathach ~ ses * sector + (1 | schoolid)");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Equal("formula     mathach ~ ses * sector + (1 | schoolid)", lines[0]);
        Assert.Contains("  ses:sector", lines);
        Assert.Contains("  schoolid  (Intercept)  160", lines);
        Assert.Contains("rows        6935 used, 250 dropped (of 7185)", lines);
        Assert.Contains(lines, l => l.StartsWith("note: 250 of 7185 rows dropped for missing values (ses: 150, mathach: 100, sector: 3)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AliasedColumnsAreMarked()
    {
        var (exit, output, _) = await Run("formula", "hsb", "mathach ~ meanses + factor(schoolid)", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        // meanses is constant within schools: R 4.2, names(which(is.na(coef(lm(mathach ~ meanses + factor(schoolid), hsb)))))
        // is "factor(schoolid)9586"
        Assert.Equal(["factor(schoolid)9586"], json.RootElement.GetProperty("aliased").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(161, json.RootElement.GetProperty("columns").GetArrayLength());
    }

    [Fact]
    public async Task SyntaxErrorExitsTwoWithTheCaret()
    {
        var (exit, output, error) = await Run("formula", "hsb", "mathach ~ ses +");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("'+' has nothing after it", error, StringComparison.Ordinal);
        Assert.Contains("  mathach ~ ses +\n                ^", error.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownColumnExitsOne()
    {
        var (exit, _, error) = await Run("formula", "hsb", "mathach ~ sess");
        Assert.Equal(1, exit);
        Assert.Contains("unknown column 'sess' (did you mean 'ses'?)", error, StringComparison.Ordinal);
        Assert.Contains("the data has: schoolid, minority", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CategoricalAsNumberExitsOne()
    {
        var (exit, _, error) = await Run("formula", "penicillin", "diameter ~ log(plate)");
        Assert.Equal(1, exit);
        Assert.Contains("'plate' is categorical", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FactorOptionChangesTheColumns()
    {
        var (exit, output, _) = await Run("formula", "hsb", "mathach ~ sector", "--factor", "sector", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(["(Intercept)", "sector1"], json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
    }
}
