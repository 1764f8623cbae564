using System.Globalization;
using Multilevel.Reporting.Html;
using Multilevel.Reporting.Svg;

namespace Multilevel.Cli.Commands.Demo;

/// <summary>
/// Writes the demo twice at once: as text (stdout) and as the HTML report. A step is a heading; inside it come the
/// commands a user would type, their output (preformatted), explanations, and figures (in the text a reference to the
/// figure in the report).
/// </summary>
internal sealed class DemoWriter(TextWriter text, HtmlReport report)
{
    private HtmlContainer _section = report;
    private int _figures;

    /// <summary>Number of figures so far.</summary>
    public int FigureCount => _figures;

    /// <summary>The report.</summary>
    public HtmlReport Report => report;

    /// <summary>A paragraph before the first step (text and report).</summary>
    public void Lead(string paragraph)
    {
        text.Write(paragraph + "\n");
        report.Paragraph(paragraph);
    }

    /// <summary>Starts a step.</summary>
    public void Step(int number, string heading)
    {
        string title = $"{number.ToString(CultureInfo.InvariantCulture)}. {heading}";
        text.Write($"\n══ {title} {new string('═', Math.Max(3, 100 - title.Length - 4))}\n\n");
        _section = report.Section(title);
    }

    /// <summary>A command and its output.</summary>
    public void Command(string command, string output, string? caption = null)
    {
        text.Write($"$ {command}\n");
        if (caption is not null) text.Write(caption + "\n");
        text.Write(output.EndsWith('\n') ? output : output + "\n");
        text.Write("\n");
        _section.Preformatted($"$ {command}\n{output.TrimEnd('\n')}", caption);
    }

    /// <summary>Output without a command (a table computed here).</summary>
    public void Output(string output, string? caption = null)
    {
        if (caption is not null) text.Write(caption + "\n");
        text.Write(output.EndsWith('\n') ? output : output + "\n");
        text.Write("\n");
        _section.Preformatted(output.TrimEnd('\n'), caption);
    }

    /// <summary>An explanation (wrapped at 110 columns in the text).</summary>
    public void Say(string paragraph)
    {
        text.Write(Wrap(paragraph, 110) + "\n\n");
        _section.Paragraph(paragraph);
    }

    /// <summary>A figure: in the report, and a one-line reference in the text.</summary>
    public void Figure(Figure figure, string caption)
    {
        _figures++;
        text.Write($"→ Figure {_figures.ToString(CultureInfo.InvariantCulture)} in the report: {figure.Title}\n\n");
        _section.Figure(figure, caption);
    }

    internal static string Wrap(string s, int width)
    {
        var lines = new List<string>();
        foreach (var paragraph in s.Split('\n'))
        {
            var line = new System.Text.StringBuilder();
            foreach (var word in paragraph.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            lines.Add(line.ToString());
        }
        return string.Join('\n', lines);
    }
}
