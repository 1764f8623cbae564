using System.Text.Json;
using Multilevel.Tests.Data;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Models.Pooling;

/// <summary><c>mlm hausman</c>, run in-process with the console redirected.</summary>
[Collection(SerialCollection.Name)]
public class HausmanCommandTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task JsonMatchesPlm()
    {
        var (exit, output, _) = await Run("hausman", "hsb", "mathach ~ ses", "--group", "schoolid", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var r = Reference("hsb_hausman.json");
        var j = doc.RootElement;
        Near(r.GetProperty("chisq").GetDouble(), j.GetProperty("chisq").GetDouble(), 1e-6, "chisq");
        Assert.Equal(1, j.GetProperty("df").GetInt32());
        Near(r.GetProperty("p").GetDouble(), j.GetProperty("p").GetDouble(), 1e-6, "p");
        var ses = j.GetProperty("terms").GetProperty("ses");
        Near(r.GetProperty("fe_ses").GetDouble(), ses.GetProperty("fe").GetDouble(), 1e-8, "fe");
        Near(r.GetProperty("re_ses").GetDouble(), ses.GetProperty("re").GetDouble(), 1e-8, "re");
        // By default the REML test follows under "reml".
        var reml = j.GetProperty("reml");
        Near(r.GetProperty("reml_chisq").GetDouble(), reml.GetProperty("chisq").GetDouble(), 1e-6, "reml chisq");
        Near(r.GetProperty("reml_re_ses").GetDouble(), reml.GetProperty("terms").GetProperty("ses").GetProperty("re").GetDouble(), 1e-5, "reml re");
    }

    [Fact]
    public async Task UsageErrorsExitWithTwo()
    {
        var (exit, _, err) = await Run("hausman", "hsb", "mathach ~ ses + (1 | schoolid)", "--group", "schoolid");
        Assert.Equal(2, exit);
        Assert.Contains("--group", err);
        (exit, _, _) = await Run("hausman", "hsb", "mathach ~ ses");
        Assert.Equal(2, exit);
    }
}
