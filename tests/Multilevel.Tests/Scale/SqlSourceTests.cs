using Multilevel.Data;
using Multilevel.Data.Csv;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Models;
using Multilevel.Sources;
using Multilevel.Sources.Sql;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Scale;

/// <summary>
/// Fits whose sums are computed inside PostgreSQL, a ClickHouse MergeTree table and a ClickHouse Distributed table over
/// two shards equal the fit of the same data in memory and streamed from its CSV file: objective, θ, fixed effects,
/// their standard errors and σ to 1e-9 relative; the same names, levels, group sizes and rows dropped.
/// </summary>
public class SqlSourceTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string, string> HsbModels() => new()
    {
        { "hsb", "mathach ~ 1 + (1|schoolid)" },
        { "hsb", "mathach ~ ses * sector + (1 + ses|schoolid)" },
        { "hsb", "mathach ~ log(ses + 3) + I(ses^2) + factor(sector) + female:minority + (1|schoolid)" },
        { "hsb", "mathach ~ C(factor(sector), sum) + ses + exp(cses / 4) + (ses||schoolid)" },
        { "hsb", "mathach ~ 0 + factor(minority):ses + offset(meanses) + (1|schoolid) + (1|sector:female)" },
        { "hsb", "mathach ~ ses + sector + I(2 * sector) + (1|schoolid)" },
        { "hsb_missing", "mathach ~ ses * sector + (1|schoolid)" },
        { "hsb_missing", "sqrt(mathach) ~ log(ses + 1.5) + sqrt(meanses + 0.5) + (1|schoolid)" },
    };

    private static LinearMixedModelFit Fit(GramDesign design) => LinearMixedModel.Fit(design);

    private static GramDesign Memory(string table, string formula) =>
        MemoryGramSource.FromDesign(DesignBuilder.Build(formula, CsvFile.Read(FixtureData.DataPath(table + ".csv"))));

    private static GramDesign Database(string url, string formula, FrameSchema? schema = null)
    {
        var source = GramSources.OpenDatabase(url, schema);
        try
        {
            return source.Accumulate(formula);
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
    }

    [DatabaseTheory]
    [MemberData(nameof(HsbModels))]
    public void HsbFitsAgreeAcrossSources(string table, string formula)
    {
        var memory = Memory(table, formula);
        var streamed = StreamingGramSource.Open(FixtureData.DataPath(table + ".csv"), chunkRows: 2000).Accumulate(formula);
        ScaleAssert.SameDesign(memory, streamed, 0);
        ScaleAssert.SameFit(memory, streamed, Tolerance);
        foreach (var url in new[] { DatabaseServers.Pg(table), DatabaseServers.Ch(table), DatabaseServers.Ch(table + "_dist") })
        {
            var design = Database(url, formula);
            ScaleAssert.SameDesign(memory, design, 1e-12);
            Assert.Equal(memory.Info.Messages, design.Info.Messages);
            ScaleAssert.SameFit(memory, design, Tolerance);
            var fit = Fit(design);
            Assert.False(fit.RowValuesAvailable);
            Assert.Contains(table, fit.DataSource, StringComparison.Ordinal);
        }
    }

    /// <summary>InstEval's students crossed with departments (2972 × 14), with the built-in data set's level order given
    /// by --levels, as R holds it, from every database source.</summary>
    [DatabaseFact]
    public void InstEvalCrossedFitAgreesAcrossSources()
    {
        const string formula = "y ~ 1 + service + (1|s) + (1|dept)";
        var builtin = Datasets.Load("insteval");
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, builtin));
        var schema = BuiltinLevels(builtin, "s", "dept", "service");
        foreach (var url in new[] { DatabaseServers.Pg("insteval"), DatabaseServers.Ch("insteval"), DatabaseServers.Ch("insteval_dist") })
        {
            ScaleAssert.SameFit(expected, Database(url, formula, schema), Tolerance);
        }
    }

    /// <summary>lme4's InstEval model, three crossed factors (2972 students × 1128 lecturers × 14 departments), summed
    /// by two ClickHouse shards behind a Distributed table (the slowest test here: two fits of 73,421 rows with a
    /// supernodal factor of order 1145).</summary>
    [DatabaseFact]
    public void InstEvalThreeCrossedFactorsFromADistributedTable()
    {
        const string formula = "y ~ 1 + service + (1|s) + (1|d) + (1|dept)";
        var builtin = Datasets.Load("insteval");
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, builtin));
        var design = Database(DatabaseServers.Ch("insteval_dist"), formula, BuiltinLevels(builtin, "s", "d", "dept", "service"));
        ScaleAssert.SameDesign(expected, design, 1e-12);
        ScaleAssert.SameFit(expected, design, Tolerance);
    }

    private static FrameSchema BuiltinLevels(Frame builtin, params string[] columns) =>
        new(null, columns.Select(c => new KeyValuePair<string, IReadOnlyList<string>>(c, ((CategoricalColumn)builtin[c]).Levels)));

    /// <summary>Without --levels the levels are sorted (numbers numerically, text numerically when all are numbers):
    /// another order of the same levels, hence the same fit; --factor makes a numeric column a factor.</summary>
    [DatabaseFact]
    public void SortedLevelsGiveTheSameFit()
    {
        const string formula = "y ~ 1 + service + lectage + (1|dept)";
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula, Datasets.Load("insteval")));
        var pg = Database(DatabaseServers.Pg("insteval"), formula, new FrameSchema(["service", "lectage"]));
        var ch = Database(DatabaseServers.Ch("insteval_dist"), formula);
        ScaleAssert.SameFit(expected, pg, Tolerance, sameLevelOrder: false);
        ScaleAssert.SameFit(expected, ch, Tolerance, sameLevelOrder: false);
        var dept = ch.Info.RandomEffects.Single(m => m.GroupName == "dept").Levels;
        Assert.Equal(dept.OrderBy(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)), dept);
        Assert.NotEqual(expected.Info.RandomEffects[0].Levels, dept);
    }

    [DatabaseFact]
    public void AFormulaNamingAMissingColumnFailsBeforeAnyQueryScans()
    {
        foreach (var url in new[] { DatabaseServers.Pg("hsb"), DatabaseServers.Ch("hsb_dist") })
        {
            var source = (SqlGramSource)GramSources.OpenDatabase(url);
            try
            {
                var e = Assert.Throws<UnknownFormulaColumnException>(() => source.Accumulate("mathach ~ sess + (1|schoolid)"));
                Assert.Contains("unknown column 'sess' (did you mean 'ses'?)", e.Message, StringComparison.Ordinal);
                // only the query that reads the columns (SELECT * … LIMIT 0) ran
                Assert.Equal(1, source.QueriesRun);
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
        }
    }

    [DatabaseFact]
    public void FeaturesThatNeedAllRowsFirstAreRejectedWithAReason()
    {
        var e = Assert.Throws<FormulaEvaluationException>(() => Database(DatabaseServers.Ch("hsb"), "mathach ~ scale(ses) + (1|schoolid)"));
        Assert.Contains("scale() needs the mean and standard deviation of all rows", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<FormulaEvaluationException>(() => Database(DatabaseServers.Pg("hsb"), "mathach ~ demean(ses, schoolid) + (1|schoolid)"));
        Assert.Contains("demean() needs the group means", e.Message, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public void AQueryCanBeTheData()
    {
        const string formula = "mathach ~ ses + (1|schoolid)";
        var expected = MemoryGramSource.FromDesign(DesignBuilder.Build(formula,
            Filter(CsvFile.Read(FixtureData.DataPath("hsb.csv")), "sector", 1)));
        var pg = GramSources.OpenDatabase(DatabaseServers.Postgres!, query: "SELECT * FROM hsb WHERE sector = 1").Accumulate(formula);
        using var chSource = GramSources.OpenDatabase(DatabaseServers.ClickHouse!, query: "SELECT * FROM hsb_dist WHERE sector = 1") as ClickHouseGramSource;
        var ch = chSource!.Accumulate(formula);
        ScaleAssert.SameFit(expected, pg, Tolerance);
        ScaleAssert.SameFit(expected, ch, Tolerance);
    }

    [DatabaseFact]
    public void SourcesReportTheirTrafficAndTheServerErrorsClearly()
    {
        var design = Database(DatabaseServers.Ch("hsb_dist"), "mathach ~ ses + (1|schoolid)");
        var stats = design.Info.Statistics;
        Assert.Equal(3, stats.Queries); // columns, survey with the fixed sums, one grouping factor
        Assert.Equal(160 + 1, stats.RowsReceived);
        Assert.True(stats.BytesReceived is > 0 and < 100_000, $"{stats.BytesReceived} bytes received");
        var e = Assert.Throws<SqlSourceException>(() => Database(DatabaseServers.Ch("no_such_table"), "y ~ 1 + (1|g)"));
        Assert.Contains("no_such_table", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<SqlSourceException>(() => Database(DatabaseServers.Pg("no_such_table"), "y ~ 1 + (1|g)"));
        Assert.Contains("no_such_table", e.Message, StringComparison.Ordinal);
    }

    private static Frame Filter(Frame frame, string column, double value)
    {
        var values = ((NumericColumn)frame[column]).Values.ToArray();
        var rows = Enumerable.Range(0, frame.RowCount).Where(i => values[i] == value).ToArray();
        return frame.Take(rows);
    }
}
