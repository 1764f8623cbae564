using Spectre.Console;
using Spectre.Console.Rendering;

namespace Multilevel.Cli.Infrastructure;

/// <summary>
/// Renders Spectre.Console widgets (tables, rules) to plain text: no colours or escape codes, Unicode borders, a fixed
/// width (the terminal's when stdout is one, else 120 columns), so the same command prints the same text into a pipe,
/// a file or a test.
/// </summary>
internal static class SpectreText
{
    /// <summary>The width tables are laid out for.</summary>
    public static int Width
    {
        get
        {
            if (Console.IsOutputRedirected) return 120;
            try
            {
                int w = Console.WindowWidth;
                return w >= 60 ? Math.Min(w, 200) : 120;
            }
            catch (IOException)
            {
                return 120;
            }
        }
    }

    /// <summary>The text of a widget.</summary>
    public static string Render(IRenderable widget, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(widget);
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width ?? Width;
        console.Profile.Capabilities.Unicode = true;
        console.Write(widget);
        // Spectre pads lines to the table's width; trailing spaces only get in the way of diff and grep.
        var lines = writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        return string.Join('\n', lines);
    }

    /// <summary>A table with a header row and right-aligned numeric columns (the first column left-aligned).</summary>
    public static Table Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyCollection<int>? leftAligned = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table { Border = TableBorder.Rounded };
        for (int c = 0; c < headers.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(headers[c]));
            bool left = c == 0 || (leftAligned?.Contains(c) ?? false);
            column.Alignment = left ? Justify.Left : Justify.Right;
            table.AddColumn(column);
        }
        foreach (var row in rows) table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        return table;
    }
}
