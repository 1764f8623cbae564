using System.Text.Json;
using Multilevel.Cli;
using Multilevel.Tests.Data;
using Xunit;

namespace Multilevel.Tests.Cli;

/// <summary>
/// The contract every command keeps: <c>--json</c> puts exactly one JSON object with the contract's fields on stdout;
/// exit codes 0 / 1 (data or model) / 2 (usage) / 130 (cancelled); errors point at the formula position or the file;
/// <c>--quiet</c>, <c>--version</c>, <c>--help</c> with examples.
/// </summary>
[Collection(SerialCollection.Name)]
public class CliContractTests
{
    public static TheoryData<string[], string[]> JsonCommands => new()
    {
        { ["datasets", "--json"], ["datasets"] },
        { ["describe", "hsb", "mathach", "ses", "--json"], ["data", "rows", "numeric"] },
        { ["crosstab", "hsb", "sector", "female", "--json"], ["data", "row", "columns", "counts", "rows_dropped"] },
        { ["formula", "hsb", "mathach ~ ses + (1 | schoolid)", "--json"], ["formula", "response", "columns", "nobs", "rows_dropped"] },
        { ["fit", "hsb", "mathach ~ ses + (1 | schoolid)", "--json"], ["formula", "method", "nobs", "rows_dropped", "warnings", "converged", "deviance", "fixef", "varcorr"] },
        { ["fit", "hsb", "mathach ~ ses", "--json"], ["formula", "method", "nobs", "rows_dropped", "warnings", "converged", "fixef"] },
        { ["hausman", "hsb", "mathach ~ ses", "--group", "schoolid", "--json"], ["chisq", "df", "p", "re_estimator", "terms"] },
        { ["compare", "hsb", "mathach ~ 1 + (1|schoolid)", "mathach ~ ses + (1|schoolid)", "--json"], ["models", "refit_ml", "tests", "chisq", "df", "p"] },
        { ["simulate", "exams", "--json"], ["seed"] },
        { ["pooling", "sleepstudy", "Reaction ~ Days", "--group", "Subject", "--json"], ["formula", "group", "family", "nobs", "groups", "rows_dropped", "models", "no_pooling", "icc_null", "hausman", "reading", "notes", "warnings"] },
        { ["pooling", "hsb", "mathach ~ ses", "--group", "schoolid", "--json"], ["models", "no_pooling", "icc_null", "hausman", "hausman_swamy_arora", "mundlak", "random_slopes_test", "reading"] },
        { ["report", "dyestuff", "Yield ~ 1 + (1 | Batch)", "-o", "@tmp/r.html", "--json"], ["output", "bytes", "formula", "model", "method", "nobs", "rows_dropped", "figures", "warnings"] },
        { ["plot", "qq", "dyestuff", "Yield ~ 1 + (1 | Batch)", "-o", "@tmp/q.svg", "--json"], ["output", "kind", "width", "height", "bytes", "formula"] },
        { ["demo", "-o", "@tmp/demo.html", "--json"], ["data", "output", "figures", "ols_students", "within_slope", "mixed_models", "icc_null", "variance_reduction", "lrt"] },
    };

    [Theory]
    [MemberData(nameof(JsonCommands))]
    public async Task JsonIsOneObjectWithTheContractsFields(string[] args, string[] fields)
    {
        using var dir = new Cli.TempDir();
        var resolved = args.Select(a => a.Replace("@tmp", dir.Path, StringComparison.Ordinal)).ToArray();
        var r = await Cli.Run(resolved);
        Assert.True(r.Exit == 0, $"{string.Join(' ', args)}: exit {r.Exit}: {r.Err}");
        var j = r.Json();   // throws unless stdout is exactly one JSON value
        foreach (var f in fields) Assert.True(j.TryGetProperty(f, out _), $"{args[0]} --json lacks '{f}'");
    }

    [Theory]
    [InlineData(2, "fit", "hsb", "mathach ~ ses +", "formula error at column 15")]
    [InlineData(2, "fit", "hsb", "mathach ~ ses", "--bogus", "Unrecognized command or argument '--bogus'")]
    [InlineData(2, "report", "hsb", "mathach ~ (ses", "'(' is never closed")]
    [InlineData(2, "pooling", "hsb", "mathach ~ ses", "--group", "schoolid", "--link", "probit", "needs --family")]
    [InlineData(1, "fit", "hsb", "mathach ~ sess + (1 | schoolid)", "unknown column 'sess' (did you mean 'ses'?)")]
    [InlineData(1, "report", "no-such-file.csv", "y ~ x", "no such file")]
    [InlineData(2, "frobnicate", "Unrecognized command or argument 'frobnicate'")]
    public async Task ExitCodesAndMessages(int code, params string[] argsAndMessage)
    {
        var args = argsAndMessage[..^1];
        var r = await Cli.Run(args);
        Assert.Equal(code, r.Exit);
        Assert.Contains(argsAndMessage[^1], r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task FormulaErrorsShowTheCaret()
    {
        var r = await Cli.Run("report", "hsb", "mathach ~ sess + (1 | schoolid)");
        Assert.Equal(1, r.Exit);
        var lines = r.Err.Split('\n');
        int at = Array.FindIndex(lines, l => l.Contains("mathach ~ sess", StringComparison.Ordinal));
        Assert.True(at >= 0);
        Assert.Equal(lines[at].IndexOf("sess", StringComparison.Ordinal), lines[at + 1].IndexOf('^', StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadDataNamesFileAndLine()
    {
        using var dir = new Cli.TempDir();
        string file = dir.File("bad.csv");
        File.WriteAllText(file, "y,x,g\n1,2,a\n3\n4,5,b\n");
        var r = await Cli.Run("report", file, "y ~ x");
        Assert.Equal(1, r.Exit);
        Assert.Contains("bad.csv:3:", r.Err, StringComparison.Ordinal);
        Assert.Contains("has 1 field but the header has 3", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuietSilencesNotesButNotErrors()
    {
        var loud = await Cli.Run("hausman", "hsb", "mathach ~ ses + sector", "--group", "schoolid");
        var quiet = await Cli.Run("hausman", "hsb", "mathach ~ ses + sector", "--group", "schoolid", "--quiet");
        Assert.Equal(0, quiet.Exit);
        Assert.Equal(loud.Out, quiet.Out);
        Assert.Equal("", quiet.Err);
        var error = await Cli.Run("fit", "hsb", "mathach ~ sess + (1|schoolid)", "-q");
        Assert.Equal(1, error.Exit);
        Assert.Contains("unknown column", error.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledRunsExitWith130()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = await Cli.Run(cts.Token, "fit", "hsb", "mathach ~ ses + (1 + ses | schoolid)");
        Assert.Equal(CliApp.Cancelled, r.Exit);
        Assert.Contains("cancelled (Ctrl+C)", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionAndHelpWithExamples()
    {
        var v = await Cli.Run("--version");
        Assert.Equal(0, v.Exit);
        Assert.Matches(@"^mlm \d+\.\d+\.\d+", v.Out);
        foreach (var command in new[] { "demo", "fit", "pooling", "report", "plot", "compare", "hausman", "describe" })
        {
            var h = await Cli.Run(command, "--help");
            Assert.Equal(0, h.Exit);
            Assert.Contains("Examples:", h.Out, StringComparison.Ordinal);
            Assert.Contains($"mlm {command} ", h.Out, StringComparison.Ordinal);
            Assert.Contains("--quiet", h.Out, StringComparison.Ordinal);
        }
    }
}
