namespace Multilevel.Cli;

/// <summary>Writes an error to stderr in one place and returns the exit code it maps to.</summary>
public static class ErrorReporter
{
    /// <summary>Reports the exception and returns its exit code.</summary>
    public static int Report(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        switch (ex)
        {
            case UsageException usage:
                Console.Error.WriteLine($"mlm: {usage.Message}");
                return CliApp.Usage;
            case OperationCanceledException:
                Console.Error.WriteLine("mlm: cancelled.");
                return 130;
            case MultilevelException known:
                Console.Error.WriteLine($"mlm: {known.Message}");
                return known is IUsageError ? CliApp.Usage : CliApp.ModelProblem;
            default:
                Console.Error.WriteLine($"mlm: internal error: {ex}");
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
