using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Multilevel.Cli.Infrastructure;

/// <summary>
/// Examples shown at the end of <c>mlm COMMAND --help</c>, one list per command, and the help layout that prints them.
/// Kept here, by command name, so that commands need no code for it.
/// </summary>
internal static class HelpExamples
{
    private static readonly Dictionary<string, (string Command, string What)[]> Examples = new(StringComparer.Ordinal)
    {
        ["mlm"] =
        [
            ("mlm demo", "the High School and Beyond tutorial, with its plots in mlm-demo.html"),
            ("mlm fit hsb \"mathach ~ ses + (1 | schoolid)\"", "a random-intercept model in lme4's layout"),
            ("mlm pooling hsb \"mathach ~ ses\" --group schoolid", "full, no and partial pooling side by side, with the Hausman test"),
            ("mlm report sleepstudy \"Reaction ~ Days + (Days | Subject)\" -o sleep.html", "summary and plots in one HTML file"),
            ("mlm COMMAND --help", "options and examples of a command"),
        ],
        ["demo"] =
        [
            ("mlm demo", "text on stdout, report in ./mlm-demo.html"),
            ("mlm demo -o /tmp/hsb.html", "the report elsewhere"),
            ("mlm demo --json", "the key figures as one JSON object"),
        ],
        ["datasets"] =
        [
            ("mlm datasets", "the built-in data sets"),
            ("mlm datasets --json", "as JSON"),
        ],
        ["describe"] =
        [
            ("mlm describe hsb mathach ses", "pandas-style summary of two columns"),
            ("mlm describe data.csv --factor school", "a file, with a column read as categorical"),
        ],
        ["crosstab"] =
        [
            ("mlm crosstab hsb sector female minority", "counts of sector by female × minority"),
        ],
        ["formula"] =
        [
            ("mlm formula hsb \"mathach ~ ses * sector + (1 | schoolid)\"", "the columns, terms and rows a formula gives"),
        ],
        ["fit"] =
        [
            ("mlm fit hsb \"mathach ~ ses + (1 | schoolid)\"", "linear mixed model (REML), lme4's summary"),
            ("mlm fit hsb \"mathach ~ ses + (1 | schoolid)\" --style statsmodels", "the tutorial's MixedLM table"),
            ("mlm fit sleepstudy \"Reaction ~ Days + (Days | Subject)\" --ml --json", "maximum likelihood, as JSON"),
            ("mlm fit cbpp \"cbind(incidence, size - incidence) ~ period + (1 | herd)\" --family binomial", "a GLMM"),
        ],
        ["hausman"] =
        [
            ("mlm hausman hsb \"mathach ~ ses\" --group schoolid", "within against random effects, with the Mundlak test"),
        ],
        ["compare"] =
        [
            ("mlm compare hsb \"mathach ~ 1 + (1|schoolid)\" \"mathach ~ ses + (1|schoolid)\"", "likelihood-ratio test and variance decomposition"),
        ],
        ["simulate"] =
        [
            ("mlm simulate voters --seed 1 > voters.csv", "the slides' voters in states"),
        ],
        ["pooling"] =
        [
            ("mlm pooling hsb \"mathach ~ ses\" --group schoolid", "the six estimators side by side, ICC and Hausman test"),
            ("mlm pooling sleepstudy \"Reaction ~ Days\" --group Subject --json", "as JSON"),
            ("mlm pooling voters.csv \"vote ~ income\" --group state --family binomial", "logit: GLM, per-state logits, FE logit, GLMMs"),
        ],
        ["report"] =
        [
            ("mlm report hsb \"mathach ~ ses + (1 | schoolid)\" -o hsb.html", "summary tables and every plot that applies"),
            ("mlm report hsb \"mathach ~ ses + (1 | schoolid)\" --groups 8367,4523 -o hsb.html", "chosen schools in the scatter plot"),
            ("mlm report hsb \"mathach ~ ses | schoolid\" -o fe.html", "a fixed-effects (within) fit"),
        ],
        ["plot"] =
        [
            ("mlm plot caterpillar hsb \"mathach ~ ses + (1 | schoolid)\" -o ranef.svg", "one plot as SVG"),
            ("mlm plot shrinkage sleepstudy \"Reaction ~ Days + (Days | Subject)\" -o shrink.svg", "shrinkage of intercepts and slopes"),
            ("mlm plot boxplot hsb \"mathach ~ 1 + (1 | schoolid)\" -o box.svg", "the tutorial's box plots"),
        ],
    };

    /// <summary>Wraps the action of the root's help option (it is recursive, so every command uses it): the default
    /// help, then the command's examples.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: SynchronousCommandLineAction inner } help) help.Action = new WithExamples(inner);
        }
    }

    /// <summary>The examples of a command (by name; the root is "mlm").</summary>
    public static IReadOnlyList<(string Command, string What)> For(string command) =>
        Examples.TryGetValue(command, out var list) ? list : [];

    private sealed class WithExamples(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            var command = parseResult.CommandResult.Command;
            var list = For(command is RootCommand ? "mlm" : command.Name);
            if (list.Count == 0) return code;
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var (line, what) in list)
            {
                output.WriteLine($"  {line}");
                output.WriteLine($"      {what}");
            }
            output.WriteLine();
            return code;
        }
    }
}
