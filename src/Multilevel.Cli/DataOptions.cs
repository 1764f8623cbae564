using System.CommandLine;
using Multilevel.Data;

namespace Multilevel.Cli;

/// <summary>
/// What every command that reads data takes (CONTRACT.md, "Data arguments"): the DATA argument (a .csv or .dta path,
/// or a built-in data set), <c>--factor COL</c> (repeatable) and <c>--levels COL=L1,L2,…</c> (repeatable, one column
/// each). Create one per command, add it with <see cref="AddTo"/>, and load with <see cref="Load"/>.
/// </summary>
public sealed class DataOptions
{
    /// <summary>The DATA argument.</summary>
    public Argument<string> Data { get; } = new("DATA")
    {
        Description = "a .csv or .dta file, or a built-in data set (see 'mlm datasets'); a file wins over a data set of the same name",
    };

    /// <summary><c>--factor COL</c>: treat a column as categorical.</summary>
    public Option<string[]> Factor { get; } = new("--factor")
    {
        Description = "treat column COL as categorical (levels inferred: numeric order when all are numbers); repeatable",
        HelpName = "COL",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--levels COL=L1,L2,…</c>: a categorical column with exactly these levels (the first is the reference).</summary>
    public Option<string[]> Levels { get; } = new("--levels")
    {
        Description = "make COL categorical with exactly these levels, in this order (the first is the reference level); " +
                      "values are matched as text (labels for a labelled .dta column); repeatable",
        HelpName = "COL=L1,L2,...",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the DATA argument (at the current argument position) and the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Arguments.Add(Data);
        command.Options.Add(Factor);
        command.Options.Add(Levels);
    }

    /// <summary>A column-name argument: it takes any text, so a mistyped option would otherwise be read as a column
    /// name; a name starting with '-' is reported as an unknown option (a usage error).</summary>
    public static Argument<string[]> ColumnsArgument(string name, string description, ArgumentArity arity)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = arity };
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                result.AddError($"unrecognized option '{token.Value}'");
            }
        });
        return argument;
    }

    /// <summary>The schema overrides the options give.</summary>
    /// <exception cref="UsageException">A <c>--levels</c> value is malformed.</exception>
    public FrameSchema Schema(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return ParseSchema(parse.GetValue(Factor) ?? [], parse.GetValue(Levels) ?? []);
    }

    /// <summary>Loads the data the command line names, with the schema overrides applied.</summary>
    public Frame Load(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return DataSource.Load(parse.GetValue(Data)!, Schema(parse));
    }

    /// <summary>Builds a schema from <c>--factor</c> and <c>--levels</c> values.</summary>
    /// <exception cref="UsageException">A <c>--levels</c> value is not COL=L1,L2,…, repeats a level, or a column
    /// is given levels twice.</exception>
    public static FrameSchema ParseSchema(IEnumerable<string> factors, IEnumerable<string> levels)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(levels);
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var spec in levels)
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--levels '{spec}': expected COL=L1,L2,... (a column name, '=', then its levels separated by commas)");
            string column = spec[..eq];
            var list = spec[(eq + 1)..].Split(',');
            if (list.Any(l => l.Length == 0)) throw new UsageException($"--levels '{spec}': a level is empty; list the levels separated by single commas");
            if (list.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new UsageException($"--levels '{spec}': level '{twice.Key}' is listed twice");
            }
            if (!lists.TryAdd(column, list)) throw new UsageException($"--levels: column '{column}' is given levels twice");
        }
        foreach (var factor in factors)
        {
            if (factor.Length == 0) throw new UsageException("--factor: the column name is empty");
        }
        return new FrameSchema(factors, lists);
    }
}
