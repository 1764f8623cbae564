using System.Text.Json;
using Multilevel.Cli;
using Multilevel.Cli.Commands.Fit;
using Multilevel.Data;
using Multilevel.Design;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>The runner behind `mlm fit` for fits without random effects, driven with hand-built designs.</summary>
public class PoolingRunnerTests
{
    private static readonly Hsb Data = LoadHsb();

    private static Frame HsbFrame() => new([
        new NumericColumn("schoolid", Data.School.Select(c => double.Parse(Data.SchoolLevels[c], System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
        new NumericColumn("mathach", Data.MathAch),
        new NumericColumn("ses", Data.Ses),
    ]);

    private static ModelDesign SesDesign() =>
        MakeDesign("mathach ~ ses", "mathach", Data.MathAch, [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses)]);

    private static JsonElement RunJson(PoolingRequest request)
    {
        var sw = new StringWriter();
        Assert.Equal(CliApp.Ok, PoolingRunner.Run(request with { Json = true }, sw, TextWriter.Null));
        using var doc = JsonDocument.Parse(sw.ToString());
        return doc.RootElement.Clone();
    }

    [Fact]
    public void OlsJsonMatchesTheReference()
    {
        var r = RunJson(new PoolingRequest { DataName = "hsb", Data = HsbFrame(), Design = SesDesign() });
        var reference = Reference("hsb_ols_ses.json");
        Assert.Equal("OLS", r.GetProperty("method").GetString());
        Assert.Equal("iid", r.GetProperty("vcov_type").GetString());
        foreach (var field in new[] { "logLik", "AIC", "BIC", "sigma", "r_squared", "adj_r_squared", "f_statistic" })
        {
            Near(reference.GetProperty(field).GetDouble(), r.GetProperty(field).GetDouble(), 1e-6, field);
        }
        Near(reference.GetProperty("fixef").GetProperty("ses").GetProperty("se").GetDouble(),
            r.GetProperty("fixef").GetProperty("ses").GetProperty("se").GetDouble(), 1e-8, "se");
    }

    [Fact]
    public void ClusterAndHc1AreSwitchedByOptions()
    {
        var frame = HsbFrame();
        var cl = RunJson(new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), Cluster = ["schoolid"] });
        Assert.Equal("CR1(schoolid)", cl.GetProperty("vcov_type").GetString());
        Assert.Equal(159, cl.GetProperty("t_df").GetInt32());
        var hc = RunJson(new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), Vcov = "hc1" });
        Assert.Equal("HC1", hc.GetProperty("vcov_type").GetString());
        Assert.Throws<UsageException>(() => PoolingRunner.Run(
            new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), Vcov = "HC3" }, TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void BetweenAndByGroup()
    {
        var frame = HsbFrame();
        var b = RunJson(new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), Between = "schoolid" });
        Assert.Equal("between", b.GetProperty("method").GetString());
        Assert.Equal(160, b.GetProperty("nobs").GetInt32());
        Printed(5.9093, 4, b.GetProperty("fixef").GetProperty("ses").GetProperty("estimate").GetDouble(), "tutorial MODEL 2 slope");
        var g = RunJson(new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), By = "schoolid" });
        Assert.Equal("by-group", g.GetProperty("method").GetString());
        Assert.Equal(160, g.GetProperty("groups").GetArrayLength());
        Assert.Equal("1224", g.GetProperty("groups")[0].GetProperty("level").GetString());
        var text = new StringWriter();
        PoolingRunner.Run(new PoolingRequest { DataName = "hsb", Data = frame, Design = SesDesign(), Between = "schoolid" }, text, TextWriter.Null);
        Assert.Contains("No. Observations:                 160", text.ToString());
    }

    [Fact]
    public void AbsorbedFitClusteredByAVariableWithMissingValues()
    {
        // The cluster column is missing for school 1224's rows: those rows are dropped (and counted) before fitting.
        var school = new AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School);
        var design = MakeDesign("mathach ~ ses | schoolid", "mathach", Data.MathAch, [("ses", Data.Ses)], absorbed: [school]);
        var cl = Data.School.Select((c, i) => c == 0 ? double.NaN : i % 37).ToArray();
        var frame = new Frame([new NumericColumn("c2", cl)]);
        var r = RunJson(new PoolingRequest { DataName = "hsb", Data = frame, Design = design, Cluster = ["c2"] });
        int dropped = Data.School.Count(c => c == 0);
        Assert.Equal(dropped, r.GetProperty("rows_dropped").GetInt32());
        Assert.Equal(Data.N - dropped, r.GetProperty("nobs").GetInt32());
        Assert.Equal("CR1(c2)", r.GetProperty("vcov_type").GetString());
        Assert.Equal(159, r.GetProperty("absorbed_parameters").GetInt32());
        Assert.Contains(r.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("missing c2"));
    }
}
