using System.Text.Json;
using Multilevel.Design;
using Xunit;

namespace Multilevel.Tests.Design;

/// <summary>The design of every formula in fixtures/reference/*.json against R: model-matrix column names
/// equal the names of <c>fixef</c> (in order), the number of observations equals <c>nobs</c>, the grouping
/// factors and their level counts equal <c>ngroups</c> (in lme4's order), and the first levels of each
/// grouping factor equal those of <c>ranef_first</c>.</summary>
public class ReferenceDesignTests
{
    public static TheoryData<string> References()
    {
        var data = new TheoryData<string>();
        var paths = Directory.GetFiles(Path.Combine(FixtureData.Root, "reference"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(FixtureData.Root, "reference-extra"), "*.json"));
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("formula", out _) || !root.TryGetProperty("fixef", out var fixef)
                || fixef.ValueKind != JsonValueKind.Object || !root.TryGetProperty("nobs", out _)) continue;
            data.Add(Path.GetRelativePath(FixtureData.Root, path));
        }
        return data;
    }

    [Fact]
    public void EveryReferenceWithAFormulaIsCovered()
    {
        // reference/: 23 fits carry a formula and fixed effects (insteval's data is the built-in data set);
        // reference-extra/: 9 more (GLM links and families, offsets, nAGQ = 0, voters)
        Assert.Equal(23 + 9, References().Count);
    }

    [Theory]
    [MemberData(nameof(References))]
    public void DesignMatchesR(string reference)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureData.Root, reference)));
        var root = doc.RootElement;
        string formula = root.GetProperty("formula").GetString()!;
        var frame = FixtureData.Load(root.GetProperty("data").GetString()!);
        var design = DesignBuilder.Build(formula, frame);

        var expectedNames = root.GetProperty("fixef").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(expectedNames, design.X.ColumnNames);
        Assert.Empty(design.X.AliasedColumns);
        Assert.Equal(root.GetProperty("nobs").GetInt32(), design.Observations);
        if (root.TryGetProperty("rows_dropped", out var dropped))
        {
            Assert.Equal(dropped.GetInt32(), design.RowsDropped);
            Assert.Equal(root.GetProperty("rows_in_file").GetInt32(), design.RowsInData);
        }
        else
        {
            Assert.Equal(0, design.RowsDropped);
        }

        if (root.TryGetProperty("ngroups", out var ngroups))
        {
            var expected = ngroups.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).ToArray();
            var actual = design.RandomEffects.Select(t => (t.GroupName, t.LevelCount)).Distinct().ToArray();
            Assert.Equal(expected, actual);
        }
        else if (!formula.Contains('|', StringComparison.Ordinal))
        {
            Assert.Empty(design.RandomEffects);
        }
        if (root.TryGetProperty("ranef_first", out var first))
        {
            foreach (var group in first.EnumerateObject())
            {
                var term = design.RandomEffects.First(t => t.GroupName == group.Name);
                var levels = group.Value.EnumerateArray().Select(e => e.GetProperty("level").GetString()!).ToArray();
                Assert.Equal(levels, term.Levels.Take(levels.Length));
                // the columns of each group's terms are the ranef columns
                var columns = group.Value[0].EnumerateObject().Select(p => p.Name).Where(n => n != "level").ToArray();
                Assert.Equal(columns, design.RandomEffects.Where(t => t.GroupName == group.Name).SelectMany(t => t.ColumnNames).ToArray());
            }
        }
    }
}
