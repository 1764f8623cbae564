using System.CommandLine;
using System.Globalization;
using Multilevel.Data;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm datasets</c>: the built-in data sets, their size, factor columns and a line on each.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List the built-in data sets (give a name as DATA to any command that reads data)");
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of the list" };
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var rows = Datasets.All.Select(d => (Info: d, Frame: Datasets.Load(d.Name))).ToList();
            if (parse.GetValue(json))
            {
                WriteJson(rows);
                return Task.FromResult(CliApp.Ok);
            }
            int width = rows.Max(r => r.Info.Name.Length);
            Console.Out.Write($"{"name".PadRight(width)}   rows  cols  description\n");
            foreach (var (info, frame) in rows)
            {
                string factors = info.Schema.Levels.Count == 0 ? "no factors" : $"factors: {string.Join(", ", info.Schema.Levels.Keys)}";
                Console.Out.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{info.Name.PadRight(width)}  {frame.RowCount,5}  {frame.Columns.Count,4}  {info.Description}; {factors}\n"));
            }
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static void WriteJson(List<(DatasetInfo Info, Frame Frame)> rows) => JsonOutput.Write(w =>
    {
        w.WriteStartArray("datasets");
        foreach (var (info, frame) in rows)
        {
            w.WriteStartObject();
            w.WriteString("name", info.Name);
            w.WriteString("description", info.Description);
            w.WriteNumber("rows", frame.RowCount);
            JsonOutput.Strings(w, "columns", frame.ColumnNames);
            w.WriteStartObject("factors");
            foreach (var (column, levels) in info.Schema.Levels) w.WriteNumber(column, levels.Count);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
