using System.CommandLine;
using System.Globalization;
using Multilevel.Cli.Infrastructure;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Models.Linear;
using Multilevel.Reporting;
using Multilevel.Reporting.Figures;
using Multilevel.Reporting.Html;

namespace Multilevel.Cli.Commands.Report;

/// <summary>
/// A model fitted for <c>mlm report</c> and <c>mlm plot</c>, whatever its kind (CONTRACT.md, "Which model fit fits"):
/// its summary text, tables for the report, and a function drawing its figures.
/// </summary>
internal sealed class ReportedModel
{
    /// <summary>What kind of model, for people ("linear mixed model (REML)").</summary>
    public required string Kind { get; init; }

    /// <summary>The CONTRACT's <c>method</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The formula as given.</summary>
    public required string Formula { get; init; }

    /// <summary>Rows used.</summary>
    public required int Observations { get; init; }

    /// <summary>Rows left out for missing values.</summary>
    public required int RowsDropped { get; init; }

    /// <summary>Groups of each grouping factor (random-effects terms or absorbed factors).</summary>
    public IReadOnlyList<(string Group, int Levels)> Groupings { get; init; } = [];

    /// <summary>The model's summary in its default layout (lme4 for mixed models, statsmodels for OLS/GLM).</summary>
    public required string Summary { get; init; }

    /// <summary>Tables for the report (coefficients, variance components, ICC and R²).</summary>
    public IReadOnlyList<HtmlTable> Tables { get; init; } = [];

    /// <summary>Draws the figures that apply.</summary>
    public required Func<FitFigureOptions, IReadOnlyList<FitFigure>> Figures { get; init; }

    /// <summary>Messages of the design and the fit (rows dropped, aliased columns).</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>Warnings (singular fit, convergence).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The model options of <c>mlm report</c> and <c>mlm plot</c> (the same meaning as in <c>mlm fit</c>).</summary>
internal sealed class ModelOptions
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public Option<string?> Family { get; } = new("--family") { Description = "gaussian (default), binomial or poisson: a GLM, or a GLMM with random-effects terms", HelpName = "FAMILY" };

    public Option<string?> Link { get; } = new("--link") { Description = "link function (default: the family's canonical link)", HelpName = "LINK" };

    public Option<bool> Ml { get; } = new("--ml") { Description = "linear mixed models: maximum likelihood instead of REML" };

    public Option<string?> Weights { get; } = new("--weights") { Description = "a column of prior weights", HelpName = "COL" };

    public Option<int?> Nagq { get; } = new("--nagq") { Description = "GLMM: quadrature nodes (1 = Laplace, the default; 0 = fast)", HelpName = "N" };

    public Option<string?> X { get; } = new("--x") { Description = "the numeric predictor on the horizontal axis of the scatter and model-comparison plots (default: the first numeric one)", HelpName = "COL" };

    public Option<string?> Groups { get; } = new("--groups") { Description = "levels of the grouping factor to draw in colour in the scatter plot, comma-separated (default: the groups with the largest, median and smallest effect)", HelpName = "L1,L2,..." };

    public void AddTo(Command command)
    {
        command.Options.Add(Family);
        command.Options.Add(Link);
        command.Options.Add(Ml);
        command.Options.Add(Weights);
        command.Options.Add(Nagq);
        command.Options.Add(X);
        command.Options.Add(Groups);
    }

    /// <summary>The figure options of the command line (and the kinds wanted).</summary>
    public FitFigureOptions FigureOptions(ParseResult parse, IReadOnlyCollection<string>? kinds) => new()
    {
        Kinds = kinds,
        X = parse.GetValue(X),
        Groups = parse.GetValue(Groups) is { Length: > 0 } g ? g.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
    };

    /// <summary>Fits the model the formula describes.</summary>
    public ReportedModel Fit(ParseResult parse, string dataName, Frame data, string formula, CancellationToken ct)
    {
        var terms = FormulaTerms.Parse(formula);
        var (family, link) = FamilyOptions.Parse(parse.GetValue(Family), parse.GetValue(Link));
        string? weights = parse.GetValue(Weights);
        int? nagq = parse.GetValue(Nagq);
        if (nagq is < 0) throw new UsageException($"--nagq must be 0, 1 or the number of quadrature nodes, not {nagq}");
        var designOptions = new DesignOptions { Weights = weights };
        using var progress = ProgressDisplay.Start(formula);
        if (terms.RandomEffects.Count > 0)
        {
            if (terms.Absorbed.Count > 0) throw new UsageException("absorbed fixed effects (y ~ x | g) cannot be combined with random-effects terms ( … | g); fit one or the other");
            if (family is not null)
            {
                var glmm = GeneralizedLinearMixedModel.Fit(formula, data, family, new GeneralizedLinearMixedModelOptions
                {
                    Link = link, Nagq = nagq, Design = designOptions, Progress = progress, CancellationToken = ct,
                });
                return Glmm(glmm, dataName, data);
            }
            if (nagq is not null) throw new UsageException("--nagq applies to GLMMs (--family binomial or poisson)");
            var lmm = LinearMixedModel.Fit(formula, data, new LinearMixedModelOptions
            {
                Criterion = parse.GetValue(Ml) ? LmmCriterion.MaximumLikelihood : LmmCriterion.Reml,
                Design = designOptions, Progress = progress, CancellationToken = ct,
            });
            return Lmm(lmm, dataName, data, ct);
        }
        if (parse.GetValue(Ml)) throw new UsageException("--ml applies to linear mixed models; least-squares and GLM fits are maximum likelihood already");
        if (family is not null)
        {
            if (terms.Absorbed.Count > 0) throw new UsageException("absorbed fixed effects (y ~ x | g) are fitted by least squares; for a GLM with fixed effects write factor(g) in the formula");
            var design = DesignBuilder.Build(terms, data, designOptions with { Response = family.Name == "binomial" ? ResponseKind.Binomial : ResponseKind.Numeric });
            var glm = GeneralizedLinearModel.Fit(design, family, link);
            return Glm(glm, design, dataName, data);
        }
        var ldesign = DesignBuilder.Build(terms, data, designOptions with { Response = ResponseKind.Numeric });
        var lm = ldesign.Absorbed.Count > 0 ? AbsorbedFixedEffects.Fit(ldesign) : LinearModel.Fit(ldesign);
        return Linear(lm, ldesign, dataName, data);
    }

    private static ReportedModel Lmm(LinearMixedModelFit fit, string dataName, Frame data, CancellationToken ct)
    {
        var cov = Covariance(fit.Vcov);
        var tables = new List<HtmlTable>
        {
            CoefficientHtml(CoefficientTable.Build(fit.FixedEffectNames, fit.FixedEffects, cov), "Fixed effects (Wald z tests and 95% intervals, normal approximation; lme4 prints no p-values)"),
            VarCorrHtml(fit.VarCorr),
        };
        var shares = VarianceDecomposition.Compute(fit);
        var iccRows = new List<IReadOnlyList<string>>
        {
            new[] { "ICC (adjusted): random effects / (random effects + residual)", F(shares.IccAdjusted) },
            new[] { "ICC (conditional): random effects / total", F(shares.IccConditional) },
            new[] { "R² marginal (fixed effects)", F(shares.R2Marginal) },
            new[] { "R² conditional (fixed and random effects)", F(shares.R2Conditional) },
        };
        if (VarianceDecomposition.ProfileIccInterval(fit, 0.95, ct) is { } ci)
        {
            iccRows.Insert(1, ["ICC (adjusted), 95% profile-likelihood interval", $"[{F(ci.Lower)}, {F(ci.Upper)}]"]);
        }
        tables.Add(new HtmlTable(["quantity", "value"], iccRows)
        {
            Caption = "Variance decomposition (Nakagawa and Schielzeth; R's performance::icc and r2_nakagawa)",
            Note = shares.Notes.Count > 0 ? string.Join(" ", shares.Notes) : null,
        });
        return new ReportedModel
        {
            Kind = $"linear mixed model ({fit.Method})",
            Method = fit.Method,
            Formula = fit.Formula,
            Observations = fit.Observations,
            RowsDropped = fit.RowsDropped,
            Groupings = [.. fit.Groups.Select(g => (g.Group, g.Levels))],
            Summary = LmerSummary.Render(fit, dataName),
            Tables = tables,
            Figures = o => FitFigures.For(fit, data, o),
            Messages = fit.Messages,
            Warnings = fit.Warnings,
        };
    }

    private static ReportedModel Glmm(GeneralizedLinearMixedModelFit fit, string dataName, Frame data)
    {
        var cov = Covariance(fit.Vcov);
        return new ReportedModel
        {
            Kind = $"generalized linear mixed model ({fit.Family.Name}, {fit.Link.Name}; {fit.Method})",
            Method = fit.Method,
            Formula = fit.Formula,
            Observations = fit.Observations,
            RowsDropped = fit.RowsDropped,
            Groupings = [.. fit.Groups.Select(g => (g.Group, g.Levels))],
            Summary = GlmerSummary.Render(fit, dataName),
            Tables = [CoefficientHtml(CoefficientTable.Build(fit.FixedEffectNames, fit.FixedEffects, cov), $"Fixed effects on the {fit.Link.Name} scale (Wald z tests, 95% intervals)"), VarCorrHtml(fit.VarCorr)],
            Figures = o => FitFigures.For(fit, data, o),
            Messages = fit.Messages,
            Warnings = fit.Warnings,
        };
    }

    private static ReportedModel Linear(LinearModelFit fit, ModelDesign design, string dataName, Frame data)
    {
        var cov = VarianceEstimators.Iid(fit);
        string kind = fit.Method == "within" ? $"fixed effects (within; {string.Join(" + ", design.Absorbed.Select(a => a.Name))} absorbed)" : fit.Method == "WLS" ? "weighted least squares" : "ordinary least squares";
        return new ReportedModel
        {
            Kind = kind,
            Method = fit.Method == "WLS" ? "OLS" : fit.Method,
            Formula = fit.Formula,
            Observations = fit.Observations,
            RowsDropped = fit.RowsDropped,
            Groupings = fit.Absorbed is { } a ? [.. a.Factors.Select(f => (f.Name, f.Levels.Count))] : [],
            Summary = OlsSummary.Statsmodels(fit, cov, null, dataName),
            Tables = [CoefficientHtml(CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov), "Coefficients (t tests, 95% intervals)")],
            Figures = o => FitFigures.For(fit, design, data, o),
            Messages = fit.Messages,
        };
    }

    private static ReportedModel Glm(GlmFit fit, ModelDesign design, string dataName, Frame data) => new()
    {
        Kind = $"generalized linear model ({fit.Family.Name}, {fit.Link.Name})",
        Method = "IRLS",
        Formula = fit.Formula,
        Observations = fit.Observations,
        RowsDropped = fit.RowsDropped,
        Summary = GlmSummary.Statsmodels(fit, dataName),
        Tables = [CoefficientHtml(CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, fit.Covariance()), $"Coefficients on the {fit.Link.Name} scale")],
        Figures = o => FitFigures.For(fit, design, data, o),
        Messages = fit.Messages,
    };

    private static CoefficientCovariance Covariance(double[,] vcov)
    {
        int p = vcov.GetLength(0);
        var m = new double[p * p];
        for (int j = 0; j < p; j++) for (int i = 0; i < p; i++) m[j * p + i] = vcov[i, j];
        return new CoefficientCovariance("model", m, p, double.PositiveInfinity);
    }

    private static HtmlTable CoefficientHtml(CoefficientTable t, string caption)
    {
        var rows = t.Rows.Select(r => (IReadOnlyList<string>)[r.Name, G(r.Estimate), G(r.StandardError), r.Statistic.ToString("F3", Inv), PValue(r.PValue), G(r.Lower), G(r.Upper)]).ToList();
        return new HtmlTable(["term", "estimate", "std. error", $"{t.StatisticName} value", "p", "2.5%", "97.5%"], rows) { Caption = caption };
    }

    private static HtmlTable VarCorrHtml(IReadOnlyList<VarianceComponent> varCorr)
    {
        var rows = varCorr.Select(v => (IReadOnlyList<string>)[
            v.Group,
            v.Name1 ?? "",
            v.Name2 ?? "",
            v.IsCovariance ? "" : G(v.VarianceOrCovariance),
            v.IsCovariance ? "" : G(v.StandardDeviationOrCorrelation),
            v.IsCovariance ? v.StandardDeviationOrCorrelation.ToString("F3", Inv) : "",
        ]).ToList();
        return new HtmlTable(["group", "term", "with", "variance", "std. dev.", "correlation"], rows) { Caption = "Variance components (as lme4's VarCorr)" };
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F4", Inv) : "NA";

    private static string G(double v) => double.IsFinite(v) ? CFormat.G(v, 5) : "NA";

    private static string PValue(double p) => !double.IsFinite(p) ? "NA" : p < 2.2e-16 ? "< 2.2e-16" : CFormat.G(p, 3);
}
