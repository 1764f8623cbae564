using System.CommandLine;
using Multilevel.Simulation;

namespace Multilevel.Cli.Commands;

/// <summary>
/// <c>mlm simulate SCENARIO [--seed N] [--out FILE] [--json] [design options]</c>: a data set drawn from a two-level
/// design with a seed (the same data on every platform). SCENARIO is one of the slides' examples (exams,
/// exams-correlated, counties, voters) or <c>two-level</c> (every parameter from the options; defaults 0).
/// The options override a scenario's values. Output: CSV on stdout (or FILE), which <c>mlm fit</c> reads.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var scenarios = string.Join(", ", SlideScenarios.All.Select(s => s.Name));
        var command = new Command("simulate",
            $"Simulate a data set from a two-level design with a seed: the slides' examples ({scenarios}) or 'two-level' " +
            "with every parameter as an option; CSV on stdout (or --out), or --json");
        var scenario = new Argument<string?>("SCENARIO") { Description = $"{scenarios}, or two-level", Arity = ArgumentArity.ZeroOrOne };
        command.Arguments.Add(scenario);
        var seed = new Option<ulong>("--seed") { Description = "the seed (default 1); the same seed gives the same data everywhere", DefaultValueFactory = _ => 1UL, HelpName = "N" };
        var output = new Option<string?>("--out") { Description = "write the CSV to FILE instead of stdout", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "print one JSON object (design, seed and the columns)" };
        var list = new Option<bool>("--list") { Description = "list the scenarios and what each illustrates" };
        var groups = new Option<int?>("--groups") { Description = "number of groups J", HelpName = "J" };
        var size = new Option<int?>("--size") { Description = "units per group n", HelpName = "N" };
        var names = new Option<string?>("--names") { Description = "column names GROUP,UNIT,X,Y[,W] (W: the group-level predictor)", HelpName = "G,U,X,Y[,W]" };
        var intercept = new Option<double?>("--intercept") { Description = "β₀", HelpName = "B0" };
        var slope = new Option<double?>("--slope") { Description = "β₁, the within-group slope of x", HelpName = "B1" };
        var level2 = new Option<string?>("--level2") { Description = "the group-level predictor w: none, mean (the group's mean of x) or level (the group's level of x)", HelpName = "KIND" };
        var level2Effect = new Option<double?>("--level2-effect") { Description = "γ, the effect of w", HelpName = "G" };
        var cross = new Option<double?>("--cross-level") { Description = "δ, the effect of w·x", HelpName = "D" };
        var sdIntercept = new Option<double?>("--sd-intercept") { Description = "τ₀, SD of the random intercepts", HelpName = "T0" };
        var sdSlope = new Option<double?>("--sd-slope") { Description = "τ₁, SD of the random slopes of x", HelpName = "T1" };
        var cor = new Option<double?>("--cor") { Description = "ρ, correlation of random intercepts and slopes", HelpName = "R" };
        var sigma = new Option<double?>("--sigma") { Description = "σ, residual SD (gaussian)", HelpName = "S" };
        var family = new Option<string?>("--family") { Description = "gaussian, binomial (0/1, logit) or poisson (log)", HelpName = "F" };
        var xMean = new Option<double?>("--x-mean") { Description = "μ_x, mean of x", HelpName = "M" };
        var xGroupSd = new Option<double?>("--x-group-sd") { Description = "s_g, SD of the groups' levels of x", HelpName = "S" };
        var xOnIntercept = new Option<double?>("--x-on-intercept") { Description = "κ: x = … + κ·(random intercept): x correlated with the group effect", HelpName = "K" };
        var xNoise = new Option<double?>("--x-noise") { Description = "SD (normal) or half-width (--x-uniform) of x's unit-level noise", HelpName = "S" };
        var xUniform = new Option<bool?>("--x-uniform") { Description = "uniform instead of normal unit-level noise of x" };
        var truth = new Option<bool>("--truth") { Description = "add the true random effects as columns true_intercept (and true_slope)" };
        foreach (var o in new Option[] { seed, output, json, list, groups, size, names, intercept, slope, level2, level2Effect, cross, sdIntercept, sdSlope, cor, sigma, family, xMean, xGroupSd, xOnIntercept, xNoise, xUniform, truth })
        {
            command.Options.Add(o);
        }
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            if (parse.GetValue(list))
            {
                foreach (var s in SlideScenarios.All) Console.Out.WriteLine($"{s.Name,-18} {s.Description}");
                Console.Out.WriteLine($"{"two-level",-18} any design: every parameter from the options (see --help)");
                return Task.FromResult(CliApp.Ok);
            }
            string name = parse.GetValue(scenario) ?? throw new UsageException($"name a scenario: {scenarios}, or two-level (mlm simulate --list)");
            TwoLevelDesign design;
            if (string.Equals(name, "two-level", StringComparison.OrdinalIgnoreCase)) design = new TwoLevelDesign();
            else
            {
                design = SlideScenarios.Find(name)?.Design
                    ?? throw new UsageException($"unknown scenario '{name}': use one of {scenarios}, or two-level (mlm simulate --list)");
            }
            T Or<T>(Option<T?> o, T current) where T : struct => parse.GetValue(o) ?? current;
            design = design with
            {
                Groups = Or(groups, design.Groups),
                GroupSize = Or(size, design.GroupSize),
                Intercept = Or(intercept, design.Intercept),
                Slope = Or(slope, design.Slope),
                GroupPredictorEffect = Or(level2Effect, design.GroupPredictorEffect),
                CrossLevelInteraction = Or(cross, design.CrossLevelInteraction),
                InterceptSd = Or(sdIntercept, design.InterceptSd),
                SlopeSd = Or(sdSlope, design.SlopeSd),
                InterceptSlopeCorrelation = Or(cor, design.InterceptSlopeCorrelation),
                ResidualSd = Or(sigma, design.ResidualSd),
                CovariateMean = Or(xMean, design.CovariateMean),
                CovariateGroupSd = Or(xGroupSd, design.CovariateGroupSd),
                CovariateOnIntercept = Or(xOnIntercept, design.CovariateOnIntercept),
                CovariateNoiseScale = Or(xNoise, design.CovariateNoiseScale),
                IncludeTruth = parse.GetValue(truth),
            };
            if (parse.GetValue(xUniform) is { } uniform) design = design with { CovariateNoise = uniform ? CovariateNoise.Uniform : CovariateNoise.Normal };
            if (parse.GetValue(family) is { } f)
            {
                design = design with
                {
                    Family = f.ToLowerInvariant() switch
                    {
                        "gaussian" => SimulatedFamily.Gaussian,
                        "binomial" => SimulatedFamily.Binomial,
                        "poisson" => SimulatedFamily.Poisson,
                        _ => throw new UsageException($"--family '{f}': use gaussian, binomial or poisson"),
                    },
                };
            }
            if (parse.GetValue(level2) is { } l2)
            {
                design = design with
                {
                    GroupPredictor = l2.ToLowerInvariant() switch
                    {
                        "none" => GroupPredictor.None,
                        "mean" => GroupPredictor.GroupMeanOfX,
                        "level" => GroupPredictor.GroupLevelOfX,
                        _ => throw new UsageException($"--level2 '{l2}': use none, mean or level"),
                    },
                };
            }
            if (parse.GetValue(names) is { } n)
            {
                var parts = n.Split(',');
                if (parts.Length is < 4 or > 5 || parts.Any(p => p.Length == 0)) throw new UsageException($"--names '{n}': give GROUP,UNIT,X,Y or GROUP,UNIT,X,Y,W");
                design = design with { GroupColumn = parts[0], UnitColumn = parts[1], CovariateColumn = parts[2], ResponseColumn = parts[3], GroupPredictorColumn = parts.Length == 5 ? parts[4] : design.GroupPredictorColumn };
            }
            SimulatedData data;
            try
            {
                data = DesignSimulator.Simulate(design, parse.GetValue(seed), name.ToLowerInvariant());
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            if (parse.GetValue(json)) WriteJson(data);
            else if (parse.GetValue(output) is { } path) File.WriteAllText(path, data.ToCsv());
            else Console.Out.Write(data.ToCsv());
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    private static void WriteJson(SimulatedData data) => JsonOutput.Write(w =>
    {
        var d = data.Design;
        w.WriteString("scenario", data.Name);
        w.WriteNumber("seed", data.Seed);
        w.WriteNumber("rows", data.Rows);
        w.WriteStartObject("design");
        w.WriteNumber("groups", d.Groups);
        w.WriteNumber("group_size", d.GroupSize);
        w.WriteString("family", d.Family.ToString().ToLowerInvariant());
        w.WriteNumber("intercept", d.Intercept);
        w.WriteNumber("slope", d.Slope);
        w.WriteString("group_predictor", d.GroupPredictor switch { GroupPredictor.GroupMeanOfX => "mean", GroupPredictor.GroupLevelOfX => "level", _ => "none" });
        w.WriteNumber("group_predictor_effect", d.GroupPredictorEffect);
        w.WriteNumber("cross_level_interaction", d.CrossLevelInteraction);
        w.WriteNumber("sd_intercept", d.InterceptSd);
        w.WriteNumber("sd_slope", d.SlopeSd);
        w.WriteNumber("cor", d.InterceptSlopeCorrelation);
        if (d.Family == SimulatedFamily.Gaussian) w.WriteNumber("sigma", d.ResidualSd);
        w.WriteNumber("x_mean", d.CovariateMean);
        w.WriteNumber("x_group_sd", d.CovariateGroupSd);
        w.WriteNumber("x_on_intercept", d.CovariateOnIntercept);
        w.WriteNumber("x_noise", d.CovariateNoiseScale);
        w.WriteString("x_noise_kind", d.CovariateNoise == CovariateNoise.Uniform ? "uniform" : "normal");
        w.WriteEndObject();
        JsonOutput.Strings(w, "columns", data.Columns);
        w.WriteStartObject("data");
        for (int c = 0; c < data.Columns.Count; c++)
        {
            w.WriteStartArray(data.Columns[c]);
            foreach (double v in data.Values[c]) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });
}
