using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;
using Multilevel.Reporting;

namespace Multilevel.Cli.Commands.Fit;

/// <summary>What a fit without random effects needs besides its design: the options of <c>mlm fit</c> that
/// concern pooling, fixed effects and GLMs.</summary>
public sealed record PoolingRequest
{
    /// <summary>The data argument as given (for the reports).</summary>
    public required string DataName { get; init; }

    /// <summary>The data (for grouping columns: --cluster, --between, --by).</summary>
    public required Frame Data { get; init; }

    /// <summary>The design of the formula.</summary>
    public required ModelDesign Design { get; init; }

    /// <summary><c>--family</c> (binomial, poisson, gaussian), or null for least squares.</summary>
    public string? Family { get; init; }

    /// <summary><c>--link</c>, or null for the family's default.</summary>
    public string? Link { get; init; }

    /// <summary><c>--between G</c>: OLS on the group means of G.</summary>
    public string? Between { get; init; }

    /// <summary><c>--by G</c>: the model fitted in every group of G.</summary>
    public string? By { get; init; }

    /// <summary><c>--cluster g</c> (once or twice): cluster-robust CR1 standard errors.</summary>
    public IReadOnlyList<string> Cluster { get; init; } = [];

    /// <summary><c>--vcov</c>: <c>iid</c> (default) or <c>HC1</c>.</summary>
    public string Vcov { get; init; } = "iid";

    /// <summary><c>--json</c>.</summary>
    public bool Json { get; init; }

    /// <summary><c>--params</c>: print only the estimates, as pandas prints statsmodels' <c>result.params</c>.</summary>
    public bool ParamsOnly { get; init; }

    /// <summary><c>--style</c>: <c>statsmodels</c> (default) or <c>lme4</c> (R's summary layouts).</summary>
    public string Style { get; init; } = "statsmodels";
}

/// <summary>
/// Runs the fits without random effects for <c>mlm fit</c>: OLS/WLS, GLM (<c>--family</c>), absorbed fixed
/// effects (<c>y ~ x | g</c>), the between estimator (<c>--between</c>) and no pooling (<c>--by</c>), with
/// iid, HC1 or cluster-robust standard errors, in text (statsmodels or R layout) or JSON.
/// </summary>
public static class PoolingRunner
{
    /// <summary>The CONTRACT's <c>method</c> this request will produce.</summary>
    public static string MethodOf(PoolingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.By is not null) return "by-group";
        if (request.Between is not null) return "between";
        if (request.Design.Absorbed.Count > 0) return "within";
        if (request.Family is not null) return "IRLS";
        return "OLS";
    }

    /// <summary>Fits and writes the result; returns the exit code.</summary>
    public static int Run(PoolingRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var r = request;
        if (r.Design.RandomEffects.Count > 0)
        {
            throw new UsageException("the formula has random-effects terms: this is a mixed model, not a pooling fit");
        }
        string style = r.Style.ToLowerInvariant();
        if (style is not ("statsmodels" or "lme4" or "r"))
        {
            throw new UsageException($"--style must be statsmodels or lme4, not '{r.Style}'");
        }
        bool rStyle = style != "statsmodels";
        string vcov = r.Vcov.ToUpperInvariant() switch
        {
            "IID" => "iid",
            "HC1" => "HC1",
            _ => throw new UsageException($"--vcov must be iid or HC1, not '{r.Vcov}' (cluster-robust errors: --cluster g)"),
        };
        if (r.Cluster.Count > 2) throw new UsageException("--cluster takes one or two variables (one-way or two-way clustering)");
        if (r.Cluster.Count > 0 && vcov == "HC1") throw new UsageException("give either --vcov HC1 or --cluster, not both");
        int modes = (r.By is not null ? 1 : 0) + (r.Between is not null ? 1 : 0);
        if (modes > 1) throw new UsageException("give either --between or --by, not both");

        GlmFamily? family = null;
        GlmLink? link = null;
        if (r.Family is not null)
        {
            family = GlmFamily.FromName(r.Family) ?? throw new UsageException($"--family must be binomial, poisson or gaussian, not '{r.Family}'");
        }
        if (r.Link is not null)
        {
            if (family is null) throw new UsageException("--link needs --family");
            link = GlmLink.FromName(r.Link) ?? throw new UsageException($"--link must be logit, probit, cloglog, log or identity, not '{r.Link}'");
        }

        var design = r.Design;
        var groupingNames = new List<string>();
        if (r.By is not null) groupingNames.Add(r.By);
        if (r.Between is not null) groupingNames.Add(r.Between);
        groupingNames.AddRange(r.Cluster);
        var groupings = groupingNames.Select(g => GroupingVariable.FromColumn(r.Data, g, design.RowIndex)).ToList();
        (design, var gs, _) = GroupingVariable.DropMissing(design, groupings);
        int gi = 0;
        var by = r.By is not null ? gs[gi++] : null;
        var between = r.Between is not null ? gs[gi++] : null;
        var clusters = gs.Skip(gi).ToList();

        if (by is not null)
        {
            if (clusters.Count > 0 || vcov != "iid") throw new UsageException("--by reports each group's classical standard errors; --cluster and --vcov do not apply");
            var fit = NoPooling.Fit(design, by.Name, by.Codes, by.Levels, family, link);
            output.Write(r.Json ? PoolingJson.ByGroup(fit) + "\n" : NoPoolingTable.Render(fit));
            return CliApp.Ok;
        }
        if (family is not null && !(family.Name == "gaussian" && (link is null || link.Name == "identity") && (between is not null || design.Absorbed.Count > 0)))
        {
            if (between is not null) throw new UsageException("--between fits least squares on group means; it does not take --family");
            if (design.Absorbed.Count > 0) throw new UsageException("absorbed fixed effects (y ~ x | g) are fitted by least squares; for a GLM with fixed effects write factor(g) in the formula");
            if (clusters.Count > 0 || vcov != "iid") throw new UsageException("--cluster and --vcov apply to least-squares fits; GLM standard errors are R's glm ones");
            var fit = GeneralizedLinearModel.Fit(design, family, link);
            output.Write(r.Json ? PoolingJson.Glm(fit) + "\n" : rStyle ? GlmSummary.R(fit, r.DataName) : GlmSummary.Statsmodels(fit, r.DataName));
            return CliApp.Ok;
        }

        LinearModelFit lm;
        string? groupNote = null;
        if (between is not null)
        {
            if (clusters.Count > 0) throw new UsageException("--between fits one row per group; --cluster does not apply");
            lm = BetweenEstimator.Fit(design, between.Name, between.Codes, between.Levels.Count);
            groupNote = $"Between estimator: OLS on the means of {lm.Observations} groups of {between.Name} ({design.Observations} rows).";
        }
        else
        {
            lm = design.Absorbed.Count > 0
                ? AbsorbedFixedEffects.Fit(design, new AbsorbedOptions { CancellationToken = cancellationToken })
                : LinearModel.Fit(design);
        }
        CoefficientCovariance cov;
        if (clusters.Count > 0)
        {
            // Cluster codes follow the fit's rows (absorbed fits may have dropped singletons).
            var position = new Dictionary<int, int>();
            for (int i = 0; i < design.RowIndex.Length; i++) position[design.RowIndex[i]] = i;
            var fitRows = lm.RowIndex ?? design.RowIndex;
            var cv = clusters.Select(c => new ClusterVariable(c.Name, [.. fitRows.Select(row => c.Codes[position[row]])])).ToList();
            cov = VarianceEstimators.ClusterRobust(lm, cv);
        }
        else cov = vcov == "HC1" ? VarianceEstimators.HC1(lm) : VarianceEstimators.Iid(lm);
        if (r.Json) output.Write(PoolingJson.Linear(lm, cov, between?.Name) + "\n");
        else if (r.ParamsOnly) output.Write(OlsSummary.Params(lm));
        else output.Write(rStyle ? OlsSummary.R(lm, cov, r.DataName) : OlsSummary.Statsmodels(lm, cov, groupNote, r.DataName));
        return CliApp.Ok;
    }
}
