using System.CommandLine;
using Multilevel.Cli.Commands;
using Multilevel.Cli.Infrastructure;

namespace Multilevel.Cli;

/// <summary>Builds the <c>mlm</c> command tree and maps failures to exit codes
/// (0 success, 1 the data or model cannot be fitted, 2 usage).</summary>
public static class CliApp
{
    /// <summary>Exit code for success (warnings included).</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the data or the model cannot be fitted.</summary>
    public const int ModelProblem = 1;

    /// <summary>Exit code for usage errors (unknown option, formula syntax error).</summary>
    public const int Usage = 2;

    /// <summary>Exit code when the user cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary><c>--quiet</c> (every command): no notes, warnings or progress on stderr; errors are still printed.</summary>
    public static Option<bool> QuietOption { get; } = new("--quiet", "-q")
    {
        Description = "print no notes, warnings or progress on stderr (errors are still printed)",
        Recursive = true,
    };

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "mlm — multilevel models: linear and generalized linear mixed models, OLS, GLM, fixed effects, " +
            "and what comes after a fit. DATA is a .csv/.dta path or a built-in data set (see 'mlm datasets'). " +
            "Every command takes --json (one JSON object on stdout) and --quiet. Exit codes: 0 ok, 1 the data or model " +
            "cannot be fitted, 2 usage, 130 cancelled (Ctrl+C).");
        foreach (var command in CommandRegistry.All()) root.Subcommands.Add(command);
        root.Options.Add(QuietOption);
        HelpExamples.Install(root);
        VersionAction.Install(root);
        return root;
    }

    /// <summary>Parses and runs the command line.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CancellationToken.None);

    /// <summary>Parses and runs the command line; <paramref name="cancellationToken"/> cancels it as Ctrl+C does.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"mlm: {error.Message}");
            string help = parse.CommandResult.Command is RootCommand ? "mlm --help" : $"mlm {parse.CommandResult.Command.Name} --help";
            Console.Error.WriteLine($"Try '{help}'.");
            return Usage;
        }
        // --quiet: notes, warnings and progress go nowhere; errors still reach the real stderr.
        var stderr = Console.Error;
        bool quiet = parse.GetValue(QuietOption);
        if (quiet) Console.SetError(TextWriter.Null);
        string? forced = Environment.GetEnvironmentVariable("MLM_PROGRESS");
        ProgressDisplay.Enabled = !quiet && forced != "0" && (forced == "1" || !Console.IsErrorRedirected);
        try
        {
            // Without this, System.CommandLine catches exceptions itself (printing a stack trace, exit 1) and
            // ErrorReporter never sees them.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(ex, stderr);
        }
        finally
        {
            if (quiet) Console.SetError(stderr);
        }
    }
}
