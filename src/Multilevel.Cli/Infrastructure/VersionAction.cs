using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Multilevel.Cli.Infrastructure;

/// <summary><c>mlm --version</c>: "mlm 0.1.0 (commit abc1234, .NET 10.0.0)".</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>The version line.</summary>
    public static string Text
    {
        get
        {
            var assembly = typeof(CliApp).Assembly;
            string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = informational.IndexOf('+', StringComparison.Ordinal);
            string version = plus < 0 ? informational : informational[..plus];
            string commit = plus < 0 ? "" : informational[(plus + 1)..];
            if (commit.Length > 7) commit = commit[..7];
            string runtime = $".NET {Environment.Version}";
            return commit.Length > 0 ? $"mlm {version} (commit {commit}, {runtime})" : $"mlm {version} ({runtime})";
        }
    }

    /// <summary>Replaces the default action of the root's --version option.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is VersionOption version) version.Action = new VersionAction();
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Text);
        return CliApp.Ok;
    }
}
