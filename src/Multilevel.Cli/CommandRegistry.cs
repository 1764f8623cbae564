using System.CommandLine;

namespace Multilevel.Cli.Commands;

/// <summary>Every subcommand of <c>mlm</c>, in the order <c>--help</c> lists them. One line per command.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return DemoCommand.Create();
        yield return DatasetsCommand.Create();
        yield return DescribeCommand.Create();
        yield return CrosstabCommand.Create();
        yield return FormulaCommand.Create();
        yield return FitCommand.Create();
        yield return HausmanCommand.Create();
        yield return CompareCommand.Create();
        yield return SimulateCommand.Create();
        yield return PoolingCommand.Create();
        yield return ReportCommand.Create();
        yield return PlotCommand.Create();
    }
}
