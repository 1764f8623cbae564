using Multilevel.Reporting.Svg;

namespace Multilevel.Reporting.Figures;

/// <summary>A figure drawn from a fitted model, with the kind of plot (see <see cref="FigureKinds"/>) and its caption.</summary>
/// <param name="Kind">One of <see cref="FigureKinds.All"/> (the name <c>mlm plot KIND</c> takes).</param>
/// <param name="Caption">What the figure shows, in a sentence (the report's figure caption).</param>
/// <param name="Figure">The figure.</param>
public sealed record FitFigure(string Kind, string Caption, Figure Figure);

/// <summary>The plots a fitted model gets in a report (<c>mlm report</c>) or one at a time (<c>mlm plot KIND</c>).</summary>
public static class FigureKinds
{
    /// <summary>Box plots of the response by group, raw and de-meaned.</summary>
    public const string Boxplot = "boxplot";

    /// <summary>The observations and each group's fitted line, with chosen or prototypical groups in colour.</summary>
    public const string Scatter = "scatter";

    /// <summary>The tutorial's plot: total, between, within and random-effects lines on one plot.</summary>
    public const string ModelComparison = "model-comparison";

    /// <summary>Conditional modes with 95% intervals, sorted.</summary>
    public const string Caterpillar = "caterpillar";

    /// <summary>Kernel density and rug of the conditional modes, with the model's normal density.</summary>
    public const string Density = "density";

    /// <summary>Residuals against fitted values.</summary>
    public const string Residuals = "residuals";

    /// <summary>Normal QQ plot (residuals of a Gaussian model; conditional modes of a GLMM).</summary>
    public const string Qq = "qq";

    /// <summary>No-pooling against partial-pooling estimates of each group.</summary>
    public const string Shrinkage = "shrinkage";

    /// <summary>Every kind with a one-line description, in report order.</summary>
    public static IReadOnlyList<(string Kind, string Description)> All { get; } =
    [
        (Boxplot, "box plots of the response by group, raw and de-meaned (needs a grouping factor)"),
        (Scatter, "observations and each group's fitted line against a numeric predictor; chosen (--groups) or prototypical groups in colour"),
        (ModelComparison, "total, between, within and random-effects lines on one plot (y ~ x with one grouping factor)"),
        (Caterpillar, "conditional modes of the random effects with 95% intervals (mixed models)"),
        (Density, "density and rug of the conditional modes against the model's normal distribution (mixed models)"),
        (Residuals, "residuals against fitted values"),
        (Qq, "normal QQ plot of the residuals (Gaussian models) or of the conditional modes (GLMMs)"),
        (Shrinkage, "each group's own (no-pooling) estimate against its mixed-model (partial-pooling) estimate (mixed models)"),
    ];

    /// <summary>True when <paramref name="kind"/> names a plot kind.</summary>
    public static bool IsKnown(string kind) => All.Any(k => k.Kind == kind);
}

/// <summary>Which figures to draw and how (see <see cref="FitFigures"/>).</summary>
public sealed record FitFigureOptions
{
    /// <summary>Draw only these kinds (null: every kind that applies to the model).</summary>
    public IReadOnlyCollection<string>? Kinds { get; init; }

    /// <summary>The numeric predictor on the horizontal axis of the scatter and model-comparison plots (null: the first
    /// numeric column of the fixed effects that varies within groups).</summary>
    public string? X { get; init; }

    /// <summary>Levels of the grouping factor to draw in colour in the scatter plot (null: prototypical groups — the
    /// smallest, median and largest random intercept or group effect).</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Box plots are drawn for at most this many groups (beyond, the rows become unreadable).</summary>
    public int MaxBoxplotGroups { get; init; } = 300;

    /// <summary>True when <paramref name="kind"/> is wanted.</summary>
    public bool Wants(string kind) => Kinds is null || Kinds.Contains(kind);
}
