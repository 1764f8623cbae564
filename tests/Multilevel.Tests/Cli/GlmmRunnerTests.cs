using System.Text.Json;
using Multilevel.Cli;
using Multilevel.Cli.Commands.Fit;
using Multilevel.Tests.Models.Glmm;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>
/// The GLMM branch of <c>mlm fit</c>: JSON with the reference field names (values against lme4's tight fit at the
/// README's GLMM tolerances), lme4's summary text, the method names, and usage errors for bad option values.
/// </summary>
public class GlmmRunnerTests
{
    private static (int Code, string Out, string Err) Run(GlmmRequest request)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = GlmmRunner.Run(request, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private static GlmmRequest Cbpp(bool json = true, int? nagq = null, bool fast = false, string? link = null) => new()
    {
        DataName = "cbpp",
        Data = GlmmDesigns.CbppData(),
        Formula = GlmmDesigns.CbppFormula,
        Family = "binomial",
        Link = link,
        Nagq = nagq,
        Fast = fast,
        Json = json,
    };

    [Fact]
    public void JsonCarriesTheReferenceFields()
    {
        var (code, text, _) = Run(Cbpp());
        Assert.Equal(CliApp.Ok, code);
        using var doc = JsonDocument.Parse(text);
        var j = doc.RootElement;
        foreach (var field in new[] { "formula", "family", "link", "method", "nobs", "rows_dropped", "ngroups", "logLik", "df", "AIC", "BIC",
            "deviance", "conditional_deviance", "theta", "fixef", "varcorr", "singular", "ranef_first", "converged", "warnings" })
        {
            Assert.True(j.TryGetProperty(field, out _), $"missing {field}");
        }
        var tight = GlmmReference.Load("../reference-extra/glmm/cbpp_laplace_tight.json");
        Assert.Equal("Laplace", j.GetProperty("method").GetString());
        Assert.Equal(56, j.GetProperty("nobs").GetInt32());
        Assert.Equal(15, j.GetProperty("ngroups").GetProperty("herd").GetInt32());
        Assert.True(Math.Abs(j.GetProperty("deviance").GetDouble() - tight.GetProperty("deviance").GetDouble()) < 1e-6 * 184);
        Assert.Equal(-j.GetProperty("deviance").GetDouble() / 2, j.GetProperty("logLik").GetDouble(), 10);
        var fe = j.GetProperty("fixef").GetProperty("period2");
        var fe0 = tight.GetProperty("fixef").GetProperty("period2");
        Assert.True(Math.Abs(fe.GetProperty("estimate").GetDouble() - fe0.GetProperty("estimate").GetDouble()) < 1e-4);
        Assert.True(Math.Abs(fe.GetProperty("se").GetDouble() / fe0.GetProperty("se").GetDouble() - 1) < 1e-3);
        Assert.Equal("herd", j.GetProperty("varcorr")[0].GetProperty("group").GetString());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("varcorr")[0].GetProperty("var2").ValueKind);
        Assert.Equal("1", j.GetProperty("ranef_first").GetProperty("herd")[0].GetProperty("level").GetString());
        Assert.True(j.GetProperty("converged").GetBoolean());
    }

    [Theory]
    [InlineData(null, false, "Laplace")]
    [InlineData(9, false, "AGQ9")]
    [InlineData(null, true, "PIRLS-fast")]
    [InlineData(0, false, "PIRLS-fast")]
    public void MethodFollowsNagq(int? nagq, bool fast, string method)
    {
        var (_, text, _) = Run(Cbpp(nagq: nagq, fast: fast));
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(method, doc.RootElement.GetProperty("method").GetString());
        // one −2 log-likelihood scale for every nAGQ (lme4's nAGQ = 9 would say 100.01)
        Assert.True(Math.Abs(doc.RootElement.GetProperty("deviance").GetDouble() - 184.0) < 0.2);
    }

    [Fact]
    public void TextIsLme4Summary()
    {
        var (code, text, _) = Run(Cbpp(json: false));
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("Generalized linear mixed model fit by maximum likelihood (Laplace", text, StringComparison.Ordinal);
        Assert.Contains(" Family: binomial  ( logit )", text, StringComparison.Ordinal);
        Assert.Contains("Pr(>|z|)", text, StringComparison.Ordinal);
        Assert.Contains("Number of obs: 56, groups:  herd, 15", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("binomial", "log")]
    [InlineData("poisson", "logit")]
    [InlineData("gamma", null)]
    [InlineData("gaussian", null)]
    public void BadFamilyOrLinkIsAUsageError(string family, string? link)
    {
        var request = Cbpp() with { Family = family, Link = link };
        Assert.Throws<UsageException>(() => Run(request));
    }

    [Fact]
    public void ContradictoryQuadratureOptionsAreAUsageError()
    {
        Assert.Throws<UsageException>(() => Run(Cbpp(nagq: 5, fast: true)));
        Assert.Throws<UsageException>(() => Run(Cbpp(nagq: -2)));
    }

    [Fact]
    public void CommandOptionsParse()
    {
        var options = new GlmmCommandOptions();
        var command = new System.CommandLine.Command("fit");
        options.AddTo(command);
        var parse = command.Parse(["--nagq", "9"]);
        var request = options.Request(parse, "cbpp", GlmmDesigns.CbppData(), GlmmDesigns.CbppFormula, "binomial", null, null, true);
        Assert.Equal(9, request.Nagq);
        Assert.False(request.Fast);
        Assert.True(options.Request(command.Parse(["--fast"]), "cbpp", GlmmDesigns.CbppData(), GlmmDesigns.CbppFormula, "binomial", null, null, true).Fast);
    }
}
