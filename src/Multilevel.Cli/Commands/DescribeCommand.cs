using System.CommandLine;
using System.Text.Json;
using Multilevel.Data;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm describe DATA [COLS…]</c>: count, mean, std, min, quartiles and max of numeric columns (and
/// count, unique, top, freq of categorical ones), printed as pandas' <c>describe()</c>.</summary>
internal static class DescribeCommand
{
    public static Command Create()
    {
        var command = new Command("describe",
            "Summary statistics of columns, laid out as pandas' describe(): count, mean, std, min, 25%, 50%, 75%, max " +
            "(categorical columns: count, unique, top, freq)");
        var data = new DataOptions();
        data.AddTo(command);
        var columns = DataOptions.ColumnsArgument("COLS", "the columns to describe (default: all)", ArgumentArity.ZeroOrMore);
        command.Arguments.Add(columns);
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of the table" };
        command.Options.Add(json);
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var frame = data.Load(parse);
            var description = FrameDescription.Of(frame, parse.GetValue(columns));
            if (parse.GetValue(json)) WriteJson(parse.GetValue(data.Data)!, frame, description);
            else Console.Out.Write(PandasText.Describe(description) + "\n");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static void WriteJson(string source, Frame frame, FrameDescription description) => JsonOutput.Write(w =>
    {
        w.WriteString("data", source);
        w.WriteNumber("rows", frame.RowCount);
        w.WriteStartObject("numeric");
        foreach (var s in description.Numeric)
        {
            w.WriteStartObject(s.Column);
            w.WriteNumber("count", s.Count);
            Number(w, "mean", s.Mean);
            Number(w, "std", s.Std);
            Number(w, "min", s.Min);
            Number(w, "25%", s.Q25);
            Number(w, "50%", s.Median);
            Number(w, "75%", s.Q75);
            Number(w, "max", s.Max);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("categorical");
        foreach (var s in description.Categorical)
        {
            w.WriteStartObject(s.Column);
            w.WriteNumber("count", s.Count);
            w.WriteNumber("unique", s.Unique);
            if (s.Top is not null) w.WriteString("top", s.Top);
            w.WriteNumber("freq", s.Freq);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void Number(Utf8JsonWriter w, string name, double value) => JsonOutput.Number(w, name, value);
}
