using System.Globalization;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Models.Linear;
using Multilevel.Reporting.Svg;

namespace Multilevel.Reporting.Figures;

/// <summary>
/// The plots that apply to a fitted model (<see cref="FigureKinds"/>), drawn from the fit's own numbers: box plots of
/// the response by group, each group's fitted line, the total/between/within/random-effects lines, the conditional
/// modes (caterpillar, density and rug, QQ), residuals against fitted values and the shrinkage from no pooling to
/// partial pooling. A kind that does not apply to the model (no grouping factor, no numeric predictor …) is left out;
/// <see cref="NotApplicable"/> says why, for <c>mlm plot</c>.
/// </summary>
public static class FitFigures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The figures of a linear mixed model.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="data">The data it was fitted to (for the values of the predictors).</param>
    /// <param name="options">Which figures, which predictor, which groups.</param>
    public static IReadOnlyList<FitFigure> For(LinearMixedModelFit fit, Frame data, FitFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        var view = new MixedView(fit.Design, fit.FixedEffectNames, fit.FixedEffects, fit.ConditionalModes, fit.VarCorr,
            fit.Fitted, fit.Fitted, fit.Residuals, null, null, fit.ResponseName);
        return Mixed(view, data, options ?? new FitFigureOptions());
    }

    /// <summary>The figures of a generalized linear mixed model (no box plots or scatter of a non-Gaussian response;
    /// residuals are Pearson residuals against the linear predictor).</summary>
    public static IReadOnlyList<FitFigure> For(GeneralizedLinearMixedModelFit fit, Frame data, FitFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        var view = new MixedView(fit.Design, fit.FixedEffectNames, fit.FixedEffects, fit.ConditionalModes, fit.VarCorr,
            fit.LinearPredictor, fit.Fitted, fit.PearsonResiduals, fit.Family, fit.Link, fit.ResponseName);
        return Mixed(view, data, options ?? new FitFigureOptions());
    }

    /// <summary>The figures of a least-squares fit (OLS, WLS, or absorbed fixed effects: then also the box plots and
    /// the group lines of the first absorbed factor).</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="design">Its design.</param>
    /// <param name="data">The data.</param>
    /// <param name="options">Which figures.</param>
    public static IReadOnlyList<FitFigure> For(LinearModelFit fit, ModelDesign design, Frame data, FitFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitFigureOptions();
        var list = new List<FitFigure>();
        int n = fit.Fitted.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = fit.Fitted[i] + fit.Residuals[i];
        var rows = fit.RowIndex ?? design.RowIndex;
        Grouping? groups = null;
        string? groupName = null;
        if (fit.Absorbed is { Factors.Count: > 0 } absorbed)
        {
            var f = absorbed.Factors[0];
            groups = new Grouping(f.Codes, f.Levels);
            groupName = f.Name;
        }
        if (groups is not null && options.Wants(FigureKinds.Boxplot) && groups.Count <= options.MaxBoxplotGroups)
        {
            list.Add(BoxplotFigure(y, groups, fit.ResponseName, groupName!));
        }
        string? x = ChooseX(options.X, fit.CoefficientNames, data, rows, groups);
        if (x is not null && options.Wants(FigureKinds.Scatter))
        {
            var xs = Values(data, x, rows);
            if (groups is not null)
            {
                var effect = PlotStatistics.GroupMeans(Subtract(fit.Fitted, xs, Coefficient(fit.CoefficientNames, fit.Coefficients, x)), groups.Codes, groups.Count);
                list.Add(GroupLinesFigure(xs, y, fit.Fitted, groups, groupName!, x, fit.ResponseName, effect, "fixed effect", options.Groups,
                    "Within (fixed-effects) fit: each group's fitted line"));
            }
            else if (fit.CoefficientNames.Count == 2 && fit.CoefficientNames[0] == "(Intercept)" && fit.CoefficientNames[1] == x)
            {
                var line = new FittedLine($"OLS: {Num(fit.Coefficients[0])} + {Num(fit.Coefficients[1])}·{x}", fit.Coefficients[0], fit.Coefficients[1]);
                list.Add(new FitFigure(FigureKinds.Scatter, $"{fit.ResponseName} against {x} with the least-squares line.",
                    Plots.Scatter(xs, y, $"{fit.ResponseName} against {x}", x, fit.ResponseName, lines: [line], pointsLabel: "Observations")));
            }
        }
        if (options.Wants(FigureKinds.Residuals)) list.Add(ResidualsFigure(fit.Fitted, fit.Residuals, "Fitted values", "Residuals"));
        if (options.Wants(FigureKinds.Qq))
        {
            list.Add(new FitFigure(FigureKinds.Qq, "Normal QQ plot of the residuals: points on the line mean normally distributed errors.",
                Plots.NormalQq(fit.Residuals, "Normal QQ plot of the residuals", "Residuals")));
        }
        return list;
    }

    /// <summary>The figures of a GLM: Pearson residuals against the linear predictor.</summary>
    public static IReadOnlyList<FitFigure> For(GlmFit fit, ModelDesign design, Frame data, FitFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitFigureOptions();
        var list = new List<FitFigure>();
        if (options.Wants(FigureKinds.Residuals))
        {
            int n = fit.Fitted.Length;
            var pearson = new double[n];
            for (int i = 0; i < n; i++)
            {
                double v = fit.Family.Variance(fit.Fitted[i]);
                pearson[i] = (fit.Response[i] - fit.Fitted[i]) * Math.Sqrt(fit.PriorWeights[i]) / Math.Sqrt(v);
            }
            list.Add(ResidualsFigure(fit.LinearPredictor, pearson, "Linear predictor", "Pearson residuals"));
        }
        return list;
    }

    /// <summary>Why <paramref name="kind"/> is not drawn for a model of this kind (for the error of <c>mlm plot</c>).</summary>
    public static string NotApplicable(string kind, string modelKind) => kind switch
    {
        FigureKinds.Boxplot => $"box plots by group need a grouping factor (a random-effects term or an absorbed factor) and a Gaussian response; the model here is {modelKind}",
        FigureKinds.Scatter => $"the scatter plot needs a numeric predictor among the fixed effects (choose one with --x) and a Gaussian response; the model here is {modelKind}",
        FigureKinds.ModelComparison => $"the model-comparison plot needs y ~ x + (1 | g) with a numeric x (one predictor, one grouping factor, Gaussian); the model here is {modelKind}",
        FigureKinds.Caterpillar or FigureKinds.Density or FigureKinds.Shrinkage => $"{kind} plots show random effects: fit a mixed model (add a term such as (1 | g)); the model here is {modelKind}",
        FigureKinds.Qq => $"the QQ plot is drawn for Gaussian residuals or random effects; the model here is {modelKind}",
        _ => $"'{kind}' does not apply to {modelKind}",
    };

    private sealed record MixedView(ModelDesign Design, IReadOnlyList<string> FixedNames, double[] Beta, IReadOnlyList<TermConditionalModes> Modes,
        IReadOnlyList<VarianceComponent> VarCorr, double[] LinearPredictor, double[] Fitted, double[] Residuals, GlmFamily? Family, GlmLink? Link,
        string ResponseName)
    {
        public bool Gaussian => Family is null;
    }

    private static List<FitFigure> Mixed(MixedView m, Frame data, FitFigureOptions options)
    {
        var list = new List<FitFigure>();
        var design = m.Design;
        var term = design.RandomEffects[0];
        var modes = m.Modes[0];
        var groups = new Grouping(term.Codes.ToArray(), term.Levels);
        string groupName = term.GroupName;
        var y = design.Response.Values;
        if (m.Gaussian && options.Wants(FigureKinds.Boxplot) && groups.Count <= options.MaxBoxplotGroups)
        {
            list.Add(BoxplotFigure(y, groups, m.ResponseName, groupName));
        }
        string? x = m.Gaussian ? ChooseX(options.X, m.FixedNames, data, design.RowIndex, groups) : null;
        if (x is not null)
        {
            var xs = Values(data, x, design.RowIndex);
            if (options.Wants(FigureKinds.Scatter))
            {
                var effect = new double[groups.Count];
                for (int l = 0; l < effect.Length; l++) effect[l] = modes[l, 0];
                list.Add(GroupLinesFigure(xs, y, m.Fitted, groups, groupName, x, m.ResponseName, effect, modes.ColumnNames[0] == "(Intercept)" ? "random intercept" : $"random {modes.ColumnNames[0]} effect", options.Groups,
                    "Mixed model: each group's fitted line (fixed effects + its conditional modes)"));
            }
            if (options.Wants(FigureKinds.ModelComparison) && design.RandomEffects.Count == 1 && m.FixedNames.Count == 2
                && m.FixedNames[0] == "(Intercept)" && m.FixedNames[1] == x && design.Weights is null)
            {
                list.Add(ModelComparisonFigure(xs, y, groups, groupName, x, m.ResponseName, m.Beta[0], m.Beta[1]));
            }
        }
        if (options.Wants(FigureKinds.Caterpillar))
        {
            for (int k = 0; k < m.Modes.Count; k++) list.Add(CaterpillarFigure(m.Modes[k]));
        }
        if (options.Wants(FigureKinds.Density))
        {
            var values = new double[modes.Levels.Count];
            for (int l = 0; l < values.Length; l++) values[l] = modes[l, 0];
            var sd = m.VarCorr.FirstOrDefault(v => !v.IsCovariance && v.Group == modes.DisplayGroup && v.Name1 == modes.ColumnNames[0]);
            var normal = sd is { StandardDeviationOrCorrelation: > 0 } ? new NormalReference(0, sd.StandardDeviationOrCorrelation, $"N(0, {Num(sd.StandardDeviationOrCorrelation)}²), the model's distribution") : null;
            list.Add(new FitFigure(FigureKinds.Density,
                $"Distribution of the conditional modes of {modes.ColumnNames[0]} | {modes.DisplayGroup}: kernel density and rug, with the normal distribution the model assumes. " +
                "Conditional modes are shrunk, so their spread is smaller than the model's standard deviation.",
                Plots.Density(values, $"Random effects: {modes.ColumnNames[0]} | {modes.DisplayGroup}", "Conditional mode", normal: normal)));
        }
        if (options.Wants(FigureKinds.Shrinkage))
        {
            var est = ShrinkageEstimates.Compute(design, m.FixedNames, m.Beta, modes, 0, m.LinearPredictor, m.Family, m.Link);
            list.Add(ShrinkageFigure(est, m.Gaussian ? null : "on the scale of the linear predictor"));
        }
        if (options.Wants(FigureKinds.Residuals))
        {
            list.Add(m.Gaussian
                ? ResidualsFigure(m.Fitted, m.Residuals, "Fitted values", "Residuals")
                : ResidualsFigure(m.LinearPredictor, m.Residuals, "Linear predictor", "Pearson residuals"));
        }
        if (options.Wants(FigureKinds.Qq))
        {
            if (m.Gaussian)
            {
                list.Add(new FitFigure(FigureKinds.Qq, "Normal QQ plot of the residuals: points on the line mean normally distributed errors within groups.",
                    Plots.NormalQq(m.Residuals, "Normal QQ plot of the residuals", "Residuals")));
            }
            else
            {
                var values = new double[modes.Levels.Count];
                for (int l = 0; l < values.Length; l++) values[l] = modes[l, 0];
                list.Add(new FitFigure(FigureKinds.Qq, $"Normal QQ plot of the conditional modes of {modes.ColumnNames[0]} | {modes.DisplayGroup} (the model assumes them normal).",
                    Plots.NormalQq(values, $"Normal QQ plot of the random effects ({modes.DisplayGroup})", "Conditional modes")));
            }
        }
        return list;
    }

    internal static FitFigure BoxplotFigure(IReadOnlyList<double> y, Grouping groups, string response, string group, BoxOrder order = BoxOrder.ByMedian)
    {
        string sorted = order == BoxOrder.ByMedian ? " Groups are sorted by median." : "";
        return new FitFigure(FigureKinds.Boxplot,
            $"{response} by {group}: raw (left) and minus each group's mean (right). The left panel shows how much the groups differ, the right how much the {group}s vary inside.{sorted}",
            Plots.BoxplotsRawAndDemeaned(y, groups, $"{response} by {group}", response, group, order));
    }

    internal static FitFigure ResidualsFigure(IReadOnlyList<double> fitted, IReadOnlyList<double> residuals, string xLabel, string yLabel) =>
        new(FigureKinds.Residuals, $"{yLabel} against {xLabel.ToLowerInvariant()}, with a local linear smooth: a flat smooth around zero means no trend left in the residuals.",
            Plots.ResidualsVsFitted(fitted, residuals, $"{yLabel} vs {xLabel.ToLowerInvariant()}", xLabel, yLabel));

    internal static FitFigure CaterpillarFigure(TermConditionalModes modes)
    {
        int n = modes.Levels.Count, q = modes.Q;
        var terms = new List<CaterpillarTerm>();
        var cv = modes.ConditionalVariances;
        for (int c = 0; c < q; c++)
        {
            var est = new double[n];
            var sd = new double[n];
            for (int l = 0; l < n; l++)
            {
                est[l] = modes[l, c];
                sd[l] = Math.Sqrt(Math.Max(0, cv[l * q * q + c * q + c]));
            }
            terms.Add(new CaterpillarTerm(modes.ColumnNames[c], est, sd));
        }
        return new FitFigure(FigureKinds.Caterpillar,
            $"Conditional modes of the random effects of {modes.DisplayGroup} with 95% intervals (± 1.96 conditional standard deviations), sorted. " +
            "Groups whose interval lies away from zero differ from the average group.",
            Plots.Caterpillar(modes.Levels, terms, $"Random effects of {modes.DisplayGroup}", modes.Group));
    }

    internal static FitFigure ShrinkageFigure(ShrinkageEstimates est, string? scaleNote)
    {
        int q = est.Columns.Count;
        var keep = new List<int>();
        for (int l = 0; l < est.Levels.Count; l++)
        {
            bool ok = true;
            for (int c = 0; c < Math.Min(q, 2); c++) ok &= double.IsFinite(est.NoPooling[l * q + c]);
            if (ok) keep.Add(l);
        }
        if (keep.Count == 0) throw new PlotDataException($"no group of {est.Group} has its own estimate of {string.Join(", ", est.Columns)} (each group is too small or separated)");
        int dropped = est.Levels.Count - keep.Count;
        string droppedNote = dropped == 0 ? "" : $" {dropped} group(s) without an estimate of their own (too few rows, no variation or separation) are left out.";
        string scale = scaleNote is null ? "" : $" ({scaleNote})";
        var levels = keep.Select(l => est.Levels[l]).ToList();
        if (q == 1)
        {
            var np = keep.Select(l => est.NoPooling[l]).ToList();
            var pp = keep.Select(l => est.PartialPooling[l]).ToList();
            var sizes = keep.Select(l => (double)est.Sizes[l]).ToList();
            string column = est.Columns[0] == "(Intercept)" ? "intercept" : est.Columns[0];
            var fig = Plots.Shrinkage(levels, np, pp, est.Pooled[0], sizes, $"Shrinkage of the {column} of {est.Group}", $"{est.Columns[0]} of the group{scale}");
            return new FitFigure(FigureKinds.Shrinkage,
                $"Each {est.Group}'s own estimate of the {column} (no pooling, open circles) and its mixed-model estimate (partial pooling, dots), against the group size; " +
                $"the dashed line is the fixed effect. Small groups are pulled hardest toward it.{droppedNote}",
                droppedNote.Length == 0 ? fig : fig with { Note = fig.Note + droppedNote });
        }
        var npx = keep.Select(l => est.NoPooling[l * q]).ToList();
        var npy = keep.Select(l => est.NoPooling[l * q + 1]).ToList();
        var ppx = keep.Select(l => est.PartialPooling[l * q]).ToList();
        var ppy = keep.Select(l => est.PartialPooling[l * q + 1]).ToList();
        var fig2 = Plots.Shrinkage2D(levels, npx, npy, ppx, ppy, est.Pooled[0], est.Pooled[1], est.Columns[0], est.Columns[1],
            $"Shrinkage of {est.Columns[0]} and {est.Columns[1]} by {est.Group}");
        return new FitFigure(FigureKinds.Shrinkage,
            $"Each {est.Group}'s own estimates of {est.Columns[0]} and {est.Columns[1]} (no pooling) with arrows to its mixed-model estimates (partial pooling); " +
            $"the large dot marks the fixed effects{scale}.{droppedNote}",
            fig2);
    }

    internal static FitFigure ModelComparisonFigure(IReadOnlyList<double> x, IReadOnlyList<double> y, Grouping groups, string group, string xName, string yName,
        double reIntercept, double reSlope, string title = "")
    {
        var total = LeastSquaresLine(x, y);
        var mx = PlotStatistics.GroupMeans(x, groups.Codes, groups.Count);
        var my = PlotStatistics.GroupMeans(y, groups.Codes, groups.Count);
        var between = LeastSquaresLine(mx.Where(double.IsFinite).ToArray(), my.Where(double.IsFinite).ToArray());
        var dx = PlotStatistics.Demean(x, groups.Codes, groups.Count);
        var dy = PlotStatistics.Demean(y, groups.Codes, groups.Count);
        var within = LeastSquaresLine(dx, dy);
        double xbar = x.Average(), ybar = y.Average();
        var (lo, hi) = (x.Min(), x.Max());
        bool hasBetween = double.IsFinite(between.Slope);
        var lines = new List<FittedLine>
        {
            new($"All rows (total): slope {Num(total.Slope)}", total.Intercept, total.Slope) { Color = Palette.SkyBlue, From = lo, To = hi },
        };
        if (hasBetween)
        {
            lines.Add(new($"{group} means (between): slope {Num(between.Slope)}", between.Intercept, between.Slope) { Color = Palette.Vermillion, From = lo, To = hi });
        }
        lines.Add(new($"Random effects: slope {Num(reSlope)}", reIntercept, reSlope) { Color = Palette.ReddishPurple, From = lo, To = hi });
        lines.Add(new($"De-meaned (within, fixed effects): slope {Num(within.Slope)}", ybar - within.Slope * xbar, within.Slope) { Color = Palette.Ink, Dash = LineDash.Dashed, From = lo, To = hi });
        string t = title.Length > 0 ? title : $"Predicting {yName} from {xName} ({groups.Count} {group}s, {x.Count} rows)";
        string reading;
        if (!hasBetween)
        {
            reading = $"{xName} has the same mean in every {group}, so there is no between slope: the total, within and random-effects slopes estimate the same thing.";
        }
        else if (reSlope >= Math.Min(within.Slope, between.Slope) - 1e-12 && reSlope <= Math.Max(within.Slope, between.Slope) + 1e-12)
        {
            reading = $"The random-effects slope ({Num(reSlope)}) lies between the within ({Num(within.Slope)}) and between ({Num(between.Slope)}) slopes: it pools the two.";
        }
        else
        {
            reading = $"The random-effects slope ({Num(reSlope)}) is the within ({Num(within.Slope)}) and between ({Num(between.Slope)}) slopes pooled with the model's weights.";
        }
        return new FitFigure(FigureKinds.ModelComparison,
            $"Every row (grey), the {group} means (dots) and {(hasBetween ? "four" : "three")} lines: OLS on all rows (total), {(hasBetween ? $"OLS on the {group} means (between), " : "")}the within slope " +
            $"(de-meaned {xName}, the fixed-effects estimate, drawn through the grand mean) and the random-intercept model. {reading}",
            Plots.ModelComparison(x, y, groups, lines, t, xName, yName, "Rows", $"{group} means"));
    }

    /// <summary>Each group's points and fitted line (least-squares line through its fitted values: exact when the model is
    /// linear in x within the group), prototypical or chosen groups in colour.</summary>
    internal static FitFigure GroupLinesFigure(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double> fitted, Grouping groups, string group,
        string xName, string yName, IReadOnlyList<double> effect, string effectName, IReadOnlyList<string>? chosen, string title)
    {
        var rows = new List<int>[groups.Count];
        for (int g = 0; g < rows.Length; g++) rows[g] = [];
        for (int i = 0; i < x.Count; i++) if (groups.Codes[i] >= 0) rows[groups.Codes[i]].Add(i);
        var lines = new List<GroupLine>();
        for (int g = 0; g < groups.Count; g++)
        {
            if (rows[g].Count == 0) continue;
            var gx = rows[g].Select(i => x[i]).ToArray();
            var gy = rows[g].Select(i => fitted[i]).ToArray();
            var (a, b) = LeastSquaresLine(gx, gy);
            if (double.IsFinite(a) && double.IsFinite(b)) lines.Add(new GroupLine(g, a, b));
            else if (gx.Length > 0) lines.Add(new GroupLine(g, gy.Average(), 0));
        }
        var highlights = new List<GroupHighlight>();
        if (chosen is { Count: > 0 })
        {
            foreach (var level in chosen)
            {
                int g = IndexOf(groups.Levels, level);
                if (g < 0)
                {
                    throw new PlotDataException($"--groups: '{level}' is not a level of {group} (levels such as {string.Join(", ", groups.Levels.Take(5))} …)");
                }
                highlights.Add(new GroupHighlight(g, $"{group} {level}"));
            }
        }
        else
        {
            var present = Enumerable.Range(0, groups.Count).Where(g => rows[g].Count > 0 && double.IsFinite(effect[g])).OrderBy(g => effect[g]).ToList();
            if (present.Count > 0)
            {
                int lo = present[0], mid = present[present.Count / 2], hi = present[^1];
                highlights.Add(new GroupHighlight(hi, $"{group} {groups.Levels[hi]}: largest {effectName}"));
                if (mid != hi && mid != lo) highlights.Add(new GroupHighlight(mid, $"{group} {groups.Levels[mid]}: median {effectName}"));
                if (lo != hi) highlights.Add(new GroupHighlight(lo, $"{group} {groups.Levels[lo]}: smallest {effectName}"));
            }
        }
        string which = chosen is { Count: > 0 } ? "the chosen groups" : $"prototypical {group}s (largest, median and smallest {effectName})";
        return new FitFigure(FigureKinds.Scatter,
            $"{yName} against {xName}: every {group}'s fitted line (grey) and {which} in colour with their rows.",
            Plots.GroupLines(x, y, groups, lines, highlights, title, xName, yName));
    }

    private static string? ChooseX(string? requested, IReadOnlyList<string> fixedNames, Frame data, IReadOnlyList<int> rows, Grouping? groups)
    {
        if (requested is not null)
        {
            if (data.Find(requested) is not NumericColumn) throw new PlotDataException($"--x '{requested}' is not a numeric column of the data");
            return requested;
        }
        foreach (var name in fixedNames)
        {
            if (name == "(Intercept)" || data.Find(name) is not NumericColumn) continue;
            if (groups is null || VariesWithinGroups(Values(data, name, rows), groups)) return name;
        }
        foreach (var name in fixedNames)
        {
            if (name != "(Intercept)" && data.Find(name) is NumericColumn) return name;
        }
        return null;
    }

    private static bool VariesWithinGroups(double[] x, Grouping groups)
    {
        var first = new double[groups.Count];
        Array.Fill(first, double.NaN);
        for (int i = 0; i < x.Length; i++)
        {
            int g = groups.Codes[i];
            if (g < 0) continue;
            if (double.IsNaN(first[g])) first[g] = x[i];
            else if (first[g] != x[i]) return true;
        }
        return false;
    }

    private static double[] Values(Frame data, string column, IReadOnlyList<int> rows)
    {
        var col = (NumericColumn)data[column];
        var v = new double[rows.Count];
        for (int i = 0; i < v.Length; i++) v[i] = col[rows[i]];
        return v;
    }

    private static double[] Subtract(double[] fitted, double[] x, double slope)
    {
        var r = new double[fitted.Length];
        for (int i = 0; i < r.Length; i++) r[i] = fitted[i] - slope * x[i];
        return r;
    }

    private static double Coefficient(IReadOnlyList<string> names, double[] values, string name)
    {
        int j = IndexOf(names, name);
        return j >= 0 ? values[j] : 0;
    }

    /// <summary>Least-squares intercept and slope of y on x (NaN slope when x has no spread).</summary>
    internal static (double Intercept, double Slope) LeastSquaresLine(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx;
            sxx += dx * dx;
            sxy += dx * (y[i] - my);
        }
        // x constant up to rounding (e.g. group means of a balanced predictor): no slope
        if (!(sxx > 1e-12 * n * Math.Max(mx * mx, 1e-300))) return (my, double.NaN);
        double b = sxy / sxx;
        return (my - b * mx, b);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        return -1;
    }

    internal static string Num(double v) => v.ToString("0.###", Inv);
}
