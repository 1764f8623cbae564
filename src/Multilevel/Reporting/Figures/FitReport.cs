using Multilevel.Reporting.Html;

namespace Multilevel.Reporting.Figures;

/// <summary>
/// Assembles the HTML report of one fitted model: the summary and tables, then the figures in sections (the data by
/// group; fitted lines; random effects; residuals), each with its caption. One self-contained file (see
/// <see cref="HtmlReport"/>).
/// </summary>
public static class FitReport
{
    /// <summary>The section each kind of figure goes in, in report order.</summary>
    public static IReadOnlyList<(string Heading, string[] Kinds, string Introduction)> Sections { get; } =
    [
        ("The data by group", [FigureKinds.Boxplot],
            "How much the response differs between groups, and how much it varies inside them."),
        ("Fitted lines", [FigureKinds.Scatter, FigureKinds.ModelComparison],
            "What the model predicts for each group, and how the pooled, between, within and random-effects slopes compare."),
        ("Random effects", [FigureKinds.Caterpillar, FigureKinds.Density, FigureKinds.Shrinkage],
            "The conditional modes (the model's estimates of each group's deviation), their distribution, and how far the model pulls each group toward the average."),
        ("Residuals", [FigureKinds.Residuals, FigureKinds.Qq],
            "Checks of the model's assumptions: no trend left in the residuals, and normal errors (or normal random effects)."),
    ];

    /// <summary>Builds the report.</summary>
    /// <param name="title">The title (the formula).</param>
    /// <param name="subtitle">One line under the title (data, model kind, rows).</param>
    /// <param name="summary">The model summary text.</param>
    /// <param name="summaryCaption">Its caption ("Summary (lme4's layout)").</param>
    /// <param name="tables">Tables after the summary.</param>
    /// <param name="messages">Messages and warnings to list under the tables (none: no list).</param>
    /// <param name="figures">The figures.</param>
    /// <param name="footer">A closing paragraph (how the report was made), or null.</param>
    public static HtmlReport Build(string title, string? subtitle, string summary, string summaryCaption, IReadOnlyList<HtmlTable> tables,
        IReadOnlyList<string> messages, IReadOnlyList<FitFigure> figures, string? footer = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(figures);
        var report = new HtmlReport(title) { Subtitle = subtitle };
        var model = report.Section("Model");
        model.Preformatted(summary, summaryCaption);
        foreach (var t in tables) model.Table(t);
        if (messages.Count > 0) model.List(messages);
        AddFigures(report, figures);
        if (footer is not null) report.Section("About this report").Paragraph(footer);
        return report;
    }

    /// <summary>Adds the figures to a report in the sections of <see cref="Sections"/> (figures of other kinds last).</summary>
    public static void AddFigures(HtmlReport report, IReadOnlyList<FitFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(figures);
        var placed = new HashSet<FitFigure>();
        foreach (var (heading, kinds, intro) in Sections)
        {
            var these = figures.Where(f => kinds.Contains(f.Kind)).ToList();
            if (these.Count == 0) continue;
            var section = report.Section(heading);
            section.Paragraph(intro);
            foreach (var f in these)
            {
                section.Figure(f.Figure, f.Caption);
                placed.Add(f);
            }
        }
        var rest = figures.Where(f => !placed.Contains(f)).ToList();
        if (rest.Count > 0)
        {
            var section = report.Section("More plots");
            foreach (var f in rest) section.Figure(f.Figure, f.Caption);
        }
    }
}
