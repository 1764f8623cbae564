namespace Multilevel.Cli;

/// <summary>Writes an error to stderr in one place and returns the exit code it maps to.</summary>
public static class ErrorReporter
{
    /// <summary>Reports the exception on stderr and returns its exit code.</summary>
    public static int Report(Exception ex) => Report(ex, Console.Error);

    /// <summary>Reports the exception on <paramref name="error"/> and returns its exit code: 2 for usage errors, 130 for
    /// Ctrl+C, 1 for everything else (the data or the model cannot be fitted, or an internal error).</summary>
    public static int Report(Exception ex, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(error);
        switch (ex)
        {
            case UsageException usage:
                error.WriteLine($"mlm: {usage.Message}");
                return CliApp.Usage;
            case OperationCanceledException:
                error.WriteLine("mlm: cancelled (Ctrl+C) before the command finished; no report or file was written.");
                return CliApp.Cancelled;
            case MultilevelException known:
                error.WriteLine($"mlm: {known.Message}");
                return known is IUsageError ? CliApp.Usage : CliApp.ModelProblem;
            case IOException or UnauthorizedAccessException:
                error.WriteLine($"mlm: {ex.Message}");
                return CliApp.ModelProblem;
            default:
                error.WriteLine($"mlm: internal error: {ex}");
                return CliApp.ModelProblem;
        }
    }
}

/// <summary>A command-line usage error (exit code 2).</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
}
