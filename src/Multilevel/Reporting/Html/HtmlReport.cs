using System.Globalization;
using System.Text;
using Multilevel.Reporting.Svg;

namespace Multilevel.Reporting.Html;

/// <summary>A table for a report: a header row and rows of cells (text). Columns whose cells are all numbers are right-aligned.</summary>
/// <param name="Headers">Column headers.</param>
/// <param name="Rows">Rows of cells; each row has as many cells as there are headers.</param>
public sealed record HtmlTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Caption shown above the table, after its number ("Table 2.").</summary>
    public string? Caption { get; init; }

    /// <summary>A note shown under the table (footnotes, significance codes).</summary>
    public string? Note { get; init; }
}

/// <summary>
/// Something that holds report content in order: the report itself and each of its sections. Every method adds a
/// block at the end and returns this container, so calls chain.
/// </summary>
public abstract class HtmlContainer
{
    private protected readonly List<object> Blocks = [];

    private protected HtmlContainer()
    {
    }

    /// <summary>Adds a paragraph of plain text (escaped; blank lines are kept as separate paragraphs).</summary>
    public HtmlContainer Paragraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Blocks.Add(new ParagraphBlock(text));
        return this;
    }

    /// <summary>Adds preformatted text in a monospaced block (a model summary, a formula, console output).</summary>
    public HtmlContainer Preformatted(string text, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Blocks.Add(new PreBlock(text, caption));
        return this;
    }

    /// <summary>Adds a bulleted list of plain-text items.</summary>
    public HtmlContainer List(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Blocks.Add(new ListBlock([.. items]));
        return this;
    }

    /// <summary>Adds a table.</summary>
    public HtmlContainer Table(HtmlTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var row in table.Rows)
        {
            if (row.Count != table.Headers.Count)
            {
                throw new PlotDataException($"a table row has {row.Count} cells but the table has {table.Headers.Count} columns");
            }
        }
        Blocks.Add(table);
        return this;
    }

    /// <summary>Adds a two-column table of names and values (model facts: observations, groups, method …).</summary>
    public HtmlContainer Facts(IEnumerable<(string Name, string Value)> facts, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        Blocks.Add(new FactsBlock([.. facts], caption));
        return this;
    }

    /// <summary>Adds a figure, numbered in the report, with a caption under it.</summary>
    public HtmlContainer Figure(Figure figure, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Blocks.Add(new FigureBlock(figure, null, caption));
        return this;
    }

    /// <summary>Adds an SVG document written elsewhere (its ids must not clash with the report's "fig-N" ids).</summary>
    public HtmlContainer Svg(string svg, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(svg);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0) throw new PlotDataException("the SVG text has no <svg> element");
        Blocks.Add(new FigureBlock(null, svg[start..], caption));
        return this;
    }

    /// <summary>Adds a subsection and returns it (add its content to it).</summary>
    public HtmlSection Section(string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        var s = new HtmlSection(heading);
        Blocks.Add(s);
        return s;
    }

    internal IReadOnlyList<object> Content => Blocks;

    internal sealed record ParagraphBlock(string Text);

    internal sealed record PreBlock(string Text, string? Caption);

    internal sealed record ListBlock(IReadOnlyList<string> Items);

    internal sealed record FactsBlock(IReadOnlyList<(string Name, string Value)> Facts, string? Caption);

    internal sealed record FigureBlock(Figure? Figure, string? Svg, string? Caption);
}

/// <summary>A section of a report: a heading and its content (paragraphs, tables, figures, subsections).</summary>
public sealed class HtmlSection : HtmlContainer
{
    internal HtmlSection(string heading) => Heading = heading;

    /// <summary>The section's heading.</summary>
    public string Heading { get; }
}

/// <summary>
/// Builds a self-contained HTML report: one file with inline CSS and inline SVG figures, no scripts, no external
/// fonts, images or links to fetch (a Content-Security-Policy forbids any), so it opens offline and prints cleanly.
/// The same content always gives the same bytes (no timestamps unless <see cref="Date"/> is set).
/// </summary>
public sealed class HtmlReport : HtmlContainer
{
    /// <summary>Creates an empty report.</summary>
    public HtmlReport(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>The report's title (page title and first heading).</summary>
    public string Title { get; }

    /// <summary>A line under the title (the data and formula, say).</summary>
    public string? Subtitle { get; set; }

    /// <summary>A date or other provenance text shown under the title; none by default, to keep output reproducible.</summary>
    public string? Date { get; set; }

    /// <summary>List the sections at the top.</summary>
    public bool TableOfContents { get; set; } = true;

    /// <summary>Writes the report.</summary>
    public string ToHtml() => new Writer(this).Write();

    /// <summary>Writes the report to <paramref name="path"/> as UTF-8 (without a byte-order mark).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, ToHtml(), new UTF8Encoding(false));
    }

    private sealed class Writer(HtmlReport report)
    {
        private readonly StringBuilder _sb = new(256 * 1024);
        private int _figure;
        private int _table;

        public string Write()
        {
            var sb = _sb;
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
            sb.Append("<meta name=\"generator\" content=\"Multilevel ").Append(Library.Version).Append("\">\n");
            sb.Append("<title>").Append(Esc(report.Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
            sb.Append("<header>\n<h1>").Append(Esc(report.Title)).Append("</h1>\n");
            if (!string.IsNullOrEmpty(report.Subtitle)) sb.Append("<p class=\"subtitle\">").Append(Esc(report.Subtitle)).Append("</p>\n");
            if (!string.IsNullOrEmpty(report.Date)) sb.Append("<p class=\"date\">").Append(Esc(report.Date)).Append("</p>\n");
            sb.Append("</header>\n");
            var sections = report.Content.OfType<HtmlSection>().ToList();
            if (report.TableOfContents && sections.Count > 1)
            {
                sb.Append("<nav aria-label=\"Contents\">\n<h2 class=\"toc-title\">Contents</h2>\n");
                Toc(report, "sec");
                sb.Append("</nav>\n");
            }
            Body(report, 1, "sec");
            sb.Append("<footer>Made with Multilevel ").Append(Library.Version).Append(". This file is self-contained: it needs no network connection.</footer>\n");
            sb.Append("</main>\n</body>\n</html>\n");
            return sb.ToString();
        }

        private void Toc(HtmlContainer container, string prefix)
        {
            var sections = container.Content.OfType<HtmlSection>().ToList();
            if (sections.Count == 0) return;
            _sb.Append("<ol>");
            for (int i = 0; i < sections.Count; i++)
            {
                string id = $"{prefix}-{i + 1}";
                _sb.Append("<li><a href=\"#").Append(id).Append("\">").Append(Esc(sections[i].Heading)).Append("</a>");
                Toc(sections[i], id);
                _sb.Append("</li>");
            }
            _sb.Append("</ol>\n");
        }

        private void Body(HtmlContainer container, int depth, string prefix)
        {
            var sb = _sb;
            int sectionIndex = 0;
            foreach (var block in container.Content)
            {
                switch (block)
                {
                    case HtmlSection s:
                    {
                        string id = $"{prefix}-{++sectionIndex}";
                        int level = Math.Min(6, depth + 1);
                        sb.Append("<section id=\"").Append(id).Append("\">\n<h").Append(level).Append('>').Append(Esc(s.Heading)).Append("</h").Append(level).Append(">\n");
                        Body(s, depth + 1, id);
                        sb.Append("</section>\n");
                        break;
                    }
                    case ParagraphBlock p:
                        foreach (string para in p.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
                        {
                            if (para.Trim().Length == 0) continue;
                            sb.Append("<p>").Append(Esc(para.Trim()).Replace("\n", "<br>\n", StringComparison.Ordinal)).Append("</p>\n");
                        }
                        break;
                    case PreBlock pre:
                        sb.Append("<figure class=\"pre\">");
                        if (!string.IsNullOrEmpty(pre.Caption)) sb.Append("<figcaption>").Append(Esc(pre.Caption)).Append("</figcaption>");
                        sb.Append("<pre>").Append(Esc(pre.Text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'))).Append("</pre></figure>\n");
                        break;
                    case ListBlock list:
                        sb.Append("<ul>");
                        foreach (string item in list.Items) sb.Append("<li>").Append(Esc(item)).Append("</li>");
                        sb.Append("</ul>\n");
                        break;
                    case FactsBlock facts:
                        sb.Append("<table class=\"facts\">");
                        if (!string.IsNullOrEmpty(facts.Caption)) sb.Append("<caption>").Append(Esc(facts.Caption)).Append("</caption>");
                        sb.Append("<tbody>");
                        foreach (var (name, value) in facts.Facts) sb.Append("<tr><th scope=\"row\">").Append(Esc(name)).Append("</th><td>").Append(Esc(value)).Append("</td></tr>");
                        sb.Append("</tbody></table>\n");
                        break;
                    case HtmlTable table:
                        WriteTable(table);
                        break;
                    case FigureBlock fig:
                    {
                        int n = ++_figure;
                        string svg = fig.Figure is not null ? fig.Figure.ToSvg($"fig-{n}") : fig.Svg!;
                        sb.Append("<figure class=\"plot\" id=\"figure-").Append(n).Append("\">\n").Append(svg.TrimEnd('\n')).Append('\n');
                        sb.Append("<figcaption><span class=\"figno\">Figure ").Append(n).Append(".</span>");
                        if (!string.IsNullOrEmpty(fig.Caption)) sb.Append(' ').Append(Esc(fig.Caption));
                        sb.Append("</figcaption>\n</figure>\n");
                        break;
                    }
                }
            }
        }

        private void WriteTable(HtmlTable table)
        {
            var sb = _sb;
            int cols = table.Headers.Count;
            var numeric = new bool[cols];
            for (int j = 0; j < cols; j++)
            {
                numeric[j] = table.Rows.Count > 0 && table.Rows.All(r => string.IsNullOrWhiteSpace(r[j]) || LooksNumeric(r[j]));
            }
            int number = ++_table;
            sb.Append("<div class=\"table-wrap\"><table class=\"data\" id=\"table-").Append(number).Append("\">");
            sb.Append("<caption><span class=\"figno\">Table ").Append(number).Append(".</span>");
            if (!string.IsNullOrEmpty(table.Caption)) sb.Append(' ').Append(Esc(table.Caption));
            sb.Append("</caption>");
            sb.Append("<thead><tr>");
            for (int j = 0; j < cols; j++)
            {
                sb.Append("<th scope=\"col\"").Append(numeric[j] ? " class=\"num\"" : "").Append('>').Append(Esc(table.Headers[j])).Append("</th>");
            }
            sb.Append("</tr></thead><tbody>");
            foreach (var row in table.Rows)
            {
                sb.Append("<tr>");
                for (int j = 0; j < cols; j++)
                {
                    if (j == 0 && !numeric[0]) sb.Append("<th scope=\"row\">").Append(Esc(row[j])).Append("</th>");
                    else sb.Append("<td").Append(numeric[j] ? " class=\"num\"" : "").Append('>').Append(Esc(row[j])).Append("</td>");
                }
                sb.Append("</tr>");
            }
            sb.Append("</tbody></table>");
            if (!string.IsNullOrEmpty(table.Note)) sb.Append("<p class=\"table-note\">").Append(Esc(table.Note)).Append("</p>");
            sb.Append("</div>\n");
        }

        private static bool LooksNumeric(string s)
        {
            string t = s.Trim().Replace('\u2212', '-').TrimEnd('*', '.', ' ').Replace("<", "", StringComparison.Ordinal);
            if (t.EndsWith('%')) t = t[..^1];
            return t.Length > 0 && (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || t is "NA" or "NaN" or "Inf" or "-Inf");
        }
    }

    private static string Esc(string? text) => Multilevel.Reporting.Svg.Internals.SvgFormat.Escape(text);

    private const string Css = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --soft: #f6f8fa; --accent: #0072B2; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: #ffffff; color: var(--ink);
          font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
          font-size: 16px; line-height: 1.55; }
        main { max-width: 980px; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
        header { border-bottom: 1px solid var(--rule); margin-bottom: 1.5rem; padding-bottom: .75rem; }
        h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .35rem; }
        h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; }
        h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
        p { margin: .6rem 0; max-width: 72ch; }
        .subtitle { color: var(--muted); font-size: 1.05rem; margin: 0; }
        .date { color: var(--muted); font-size: .9rem; margin: .2rem 0 0; }
        nav { background: var(--soft); border: 1px solid var(--rule); border-radius: 6px; padding: .5rem 1.25rem; margin: 0 0 1.5rem; }
        nav .toc-title { font-size: 1rem; border: 0; margin: .4rem 0; padding: 0; }
        nav ol { margin: .2rem 0 .4rem; padding-left: 1.3rem; }
        a { color: var(--accent); }
        pre { background: var(--soft); border: 1px solid var(--rule); border-radius: 6px; padding: .8rem 1rem; margin: 0; overflow-x: auto;
          font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .82rem; line-height: 1.4; }
        figure { margin: 1.2rem 0 1.6rem; }
        figure.plot { break-inside: avoid; page-break-inside: avoid; }
        figure.plot svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
        figcaption { color: var(--muted); font-size: .9rem; margin-top: .4rem; max-width: 80ch; }
        figure.pre figcaption { margin: 0 0 .3rem; }
        .figno { font-weight: 600; color: var(--ink); }
        .table-wrap { overflow-x: auto; margin: 1rem 0 1.4rem; }
        table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .35rem; width: max-content; max-width: 80ch; }
        th, td { padding: .3rem .75rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        tbody th { font-weight: 500; }
        .num { text-align: right; white-space: nowrap; }
        table.facts { margin: .8rem 0 1.2rem; }
        table.facts th { color: var(--muted); font-weight: 500; padding-left: 0; }
        .table-note { color: var(--muted); font-size: .85rem; margin: .35rem 0 0; }
        footer { margin-top: 3rem; padding-top: .75rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
        @media print { main { max-width: none; padding: 0; } nav { display: none; } a { color: inherit; text-decoration: none; } }

        """;
}
