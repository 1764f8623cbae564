using System.CommandLine;
using Multilevel.Data;

namespace Multilevel.Cli.Commands;

/// <summary><c>mlm demo</c>: the statsmodels tutorial on the High School and Beyond data, run on the built-in
/// <c>hsb</c>. For now its first step: the description of mathach and ses, and the sector × (female, minority)
/// cross-tab.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Walk through the High School and Beyond tutorial on the built-in hsb data set");
        command.SetAction((ParseResult _, CancellationToken _) =>
        {
            var hsb = Datasets.Load("hsb");
            var o = Console.Out;
            o.Write("High School and Beyond (built-in data set 'hsb'): 7,185 students in 160 schools.\n");
            o.Write("Do students in Catholic schools (sector 1) differ in math achievement from those in public schools\n");
            o.Write("(sector 0), when controlling for SES?\n\n");
            o.Write("$ mlm describe hsb mathach ses\n");
            o.Write(PandasText.Describe(FrameDescription.Of(hsb, ["mathach", "ses"])) + "\n\n");
            o.Write("$ mlm crosstab hsb sector female minority\n");
            o.Write(PandasText.CrossTab(CrossTab.Of(hsb, "sector", ["female", "minority"])) + "\n\n");
            o.Write("Note: the tutorial prints the 75% quantile of mathach as 18.316999. Its hsb.dta stored mathach as\n");
            o.Write("4-byte floats (18.317 is stored as 18.3169994...); hsb here holds the 8-byte values, which print as 18.317000.\n");
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
