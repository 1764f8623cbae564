using System.CommandLine;
using Multilevel.Data;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm crosstab DATA ROW COL…</c>: counts of rows by one row factor and one or more column factors,
/// printed as pandas' <c>crosstab</c>.</summary>
internal static class CrosstabCommand
{
    public static Command Create()
    {
        var command = new Command("crosstab",
            "Counts of rows by the levels of ROW and the level combinations of COL... (pandas' crosstab layout; " +
            "rows with a missing value in these columns are left out and counted)");
        var data = new DataOptions();
        data.AddTo(command);
        var row = new Argument<string>("ROW") { Description = "the column whose levels make the rows" };
        var columns = DataOptions.ColumnsArgument("COL", "one or more columns whose level combinations make the columns", ArgumentArity.OneOrMore);
        command.Arguments.Add(row);
        command.Arguments.Add(columns);
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of the table" };
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var frame = data.Load(parse);
            var table = CrossTab.Of(frame, parse.GetValue(row)!, parse.GetValue(columns)!);
            if (parse.GetValue(json))
            {
                WriteJson(parse.GetValue(data.Data)!, table);
                return Task.FromResult(CliApp.Ok);
            }
            Console.Out.Write(PandasText.CrossTab(table) + "\n");
            if (table.RowsDropped > 0)
            {
                var names = string.Join(", ", new[] { table.RowFactor }.Concat(table.ColumnFactors));
                Console.Error.WriteLine($"mlm: {table.RowsDropped} row{(table.RowsDropped == 1 ? "" : "s")} with a missing value in {names} left out");
            }
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static void WriteJson(string source, CrossTab table) => JsonOutput.Write(w =>
    {
        w.WriteString("data", source);
        w.WriteString("row", table.RowFactor);
        JsonOutput.Strings(w, "columns", table.ColumnFactors);
        JsonOutput.Strings(w, "row_levels", table.RowLevels);
        w.WriteStartArray("column_levels");
        foreach (var levels in table.ColumnLevels)
        {
            w.WriteStartArray();
            foreach (var level in levels) w.WriteStringValue(level);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("counts");
        foreach (var counts in table.Counts)
        {
            w.WriteStartArray();
            foreach (long count in counts) w.WriteNumberValue(count);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteNumber("rows_dropped", table.RowsDropped);
    });
}
