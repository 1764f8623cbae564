using System.Globalization;
using System.Text;
using Multilevel.Cli.Infrastructure;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Linear;
using Multilevel.Reporting;
using Multilevel.Reporting.Figures;
using Multilevel.Reporting.Html;
using Multilevel.Reporting.Svg;

namespace Multilevel.Cli.Commands.Demo;

/// <summary>The numbers of the demo that its JSON reports (and its tests read).</summary>
internal sealed record DemoFigures
{
    public required Dictionary<string, double> Students { get; init; }
    public required Dictionary<string, double> SchoolMeans { get; init; }
    public required Dictionary<string, double> SchoolMeanCovariate { get; init; }
    public required Dictionary<string, double> Demeaned { get; init; }
    public required double WithinSlope { get; init; }
    public required double WithinSlopeSe { get; init; }
    public required LinearMixedModelFit RandomIntercept { get; init; }
    public required LinearMixedModelFit Null { get; init; }
    public required ConfidenceInterval? NullIccInterval { get; init; }
    public required LinearMixedModelFit Sector { get; init; }
    public required LinearMixedModelFit Interaction { get; init; }
    public required ModelComparisonResult Comparison { get; init; }
    public required ModelComparisonResult RandomInterceptTest { get; init; }
    public required IReadOnlyList<(string Model, IReadOnlyList<VarianceReductionRow> Rows)> Reductions { get; init; }
    public required (string Public, double PublicSes, string Catholic, double CatholicSes) Prototypical { get; init; }
    public required int Figures { get; init; }
}

/// <summary>
/// The statsmodels tutorial on the High School and Beyond data (seed 000, J. Nathan Matias 2015), step by step on the
/// built-in <c>hsb</c>: description and cross-tab; within and between variation; OLS of students and of school means;
/// the two fixed-effects models; the random-intercept model; the null model and its ICC done right (from the model's
/// variance components, with a profile interval and a likelihood-ratio test); sector and the sector × SES interaction
/// with the proportional reduction in each level's variance; the likelihood-ratio tests; prototypical schools. Every
/// number comes from a fit made here; the tutorial's own (wrong) numbers are quoted only to explain them.
/// </summary>
internal static class HsbTutorial
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static DemoFigures Run(TextWriter text, HtmlReport report, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var w = new DemoWriter(text, report);
        var hsb = Datasets.Load("hsb");
        var school = (NumericColumn)hsb["schoolid"];
        var mathach = ((NumericColumn)hsb["mathach"]).Values.ToArray();
        var ses = ((NumericColumn)hsb["ses"]).Values.ToArray();
        var sector = ((NumericColumn)hsb["sector"]).Values.ToArray();
        var grouping = GroupingVariable.FromColumn(hsb, "schoolid", [.. Enumerable.Range(0, hsb.RowCount)]);
        var schools = new Grouping(grouping.Codes, grouping.Levels);
        int nSchools = schools.Count;
        var meanSes = PlotStatistics.GroupMeans(ses, schools.Codes, nSchools);
        var meanMath = PlotStatistics.GroupMeans(mathach, schools.Codes, nSchools);
        var schoolSector = new double[nSchools];
        for (int i = 0; i < hsb.RowCount; i++) schoolSector[schools.Codes[i]] = sector[i];
        // the tutorial's derived columns
        var schoolmeanSes = new double[hsb.RowCount];
        var demeanedSes = new double[hsb.RowCount];
        for (int i = 0; i < hsb.RowCount; i++)
        {
            schoolmeanSes[i] = meanSes[schools.Codes[i]];
            demeanedSes[i] = ses[i] - schoolmeanSes[i];
        }
        var data = hsb.With(new NumericColumn("schoolmean_ses", schoolmeanSes)).With(new NumericColumn("demeaned_ses", demeanedSes));
        var lmmOptions = new LinearMixedModelOptions { Progress = progress, CancellationToken = ct };

        w.Lead("mlm demo — the tutorial \"Fixed and Random Effect Models: Identifying Relationships of Individuals Within and Between Groups\" " +
               "(J. Nathan Matias, 2015; statsmodels) on the built-in data set hsb, High School and Beyond 1982: 7,185 students in 160 schools.");
        w.Lead("Research question: do students in Catholic schools (sector 1) differ in math achievement (mathach) from students in public " +
               "schools (sector 0), when controlling for socio-economic status (ses)? Each step shows the mlm command that does it; the plots are in the HTML report.");

        // 1. The data
        w.Step(1, "The data");
        w.Command("mlm describe hsb mathach ses", PandasText.Describe(FrameDescription.Of(hsb, ["mathach", "ses"])));
        w.Command("mlm crosstab hsb sector female minority", PandasText.CrossTab(CrossTab.Of(hsb, "sector", ["female", "minority"])));
        w.Say("The tutorial prints the 75% quantile of mathach as 18.316999: its hsb.dta stored mathach as 4-byte floats (18.317 is stored as " +
              "18.3169994…); hsb here holds the 8-byte values, which print as 18.317000. Every other number matches the tutorial's.");

        // 2. Within and between variation
        ct.ThrowIfCancellationRequested();
        w.Step(2, "Variation within and between schools");
        var demeanedMath = PlotStatistics.Demean(mathach, schools.Codes, nSchools);
        double totalVar = Variance(mathach), betweenVar = Variance(meanMath), withinVar = Variance(demeanedMath);
        w.Output(
            $"variance of mathach over all students:         {totalVar.ToString("F3", Inv),8}   (SD {Math.Sqrt(totalVar).ToString("F3", Inv)})\n" +
            $"variance of the {nSchools} school means (between):   {betweenVar.ToString("F3", Inv),8}   (SD {Math.Sqrt(betweenVar).ToString("F3", Inv)})\n" +
            $"variance of de-meaned mathach (within):        {withinVar.ToString("F3", Inv),8}   (SD {Math.Sqrt(withinVar).ToString("F3", Inv)})",
            "Descriptive variances (the model-based split is the ICC of step 6):");
        w.Say("Box plots of math achievement by school show the two kinds of variation: the raw scores (left) differ from school to school, " +
              "and the scores minus their school's mean (right) show the variation among students inside each school, which is much larger.");
        w.Figure(Plots.BoxplotsRawAndDemeaned(mathach, schools, "School math achievement, raw and de-meaned", "mathach", "schoolid", BoxOrder.AsGiven),
            "Math achievement by school (ordered by school id, as in the tutorial): raw (left) and minus the school mean (right). Most boxes overlap; " +
            "the within-school spread dwarfs the differences between schools.");

        // 3. OLS of students and of school means
        ct.ThrowIfCancellationRequested();
        w.Step(3, "Linear models of students and of school means");
        var design1 = DesignBuilder.Build("mathach ~ ses", data, new DesignOptions { Response = ResponseKind.Numeric });
        var ols = LinearModel.Fit(design1);
        w.Command("mlm fit hsb \"mathach ~ ses\"", OlsSummary.Statsmodels(ols, VarianceEstimators.Iid(ols), null, "hsb"),
            "MODEL 1: Regressing Student Math Achievement on Student SES");
        var between = BetweenEstimator.Fit(design1, "schoolid", grouping.Codes, nSchools);
        w.Command("mlm fit hsb \"mathach ~ ses\" --between schoolid", OlsSummary.Statsmodels(between, VarianceEstimators.Iid(between), null, "hsb"),
            "MODEL 2: Regressing Mean School Math Achievement on Mean School SES");
        w.Say($"Among students, one unit of SES goes with {F(ols.Coefficients[1], 4)} points of math achievement; among school means, with " +
              $"{F(between.Coefficients[1], 4)}. The student model mixes the variation within and between schools; the school-mean model sees " +
              "only the variation between schools.");
        var studentLine = new FittedLine($"All students (total): {F(ols.Coefficients[0], 3)} + {F(ols.Coefficients[1], 3)}·ses", ols.Coefficients[0], ols.Coefficients[1])
        { Color = Palette.SkyBlue, From = ses.Min(), To = ses.Max() };
        var meansLine = new FittedLine($"School means (between): {F(between.Coefficients[0], 3)} + {F(between.Coefficients[1], 3)}·ses", between.Coefficients[0], between.Coefficients[1])
        { Color = Palette.Vermillion, From = meanSes.Min(), To = meanSes.Max() };
        w.Figure(Recolor(Plots.Scatter(meanSes, meanMath, "Predicting math achievement scores from SES with linear regression", "Socio-economic status", "Math achievement",
                lines: [studentLine, meansLine], pointsLabel: "School means", background: new LineSeries("Students", ses, mathach)), "School means", Palette.Vermillion),
            "Students (grey) and school means (dots) with the OLS line of each: the school means' line is much steeper.");

        // 4. Fixed effects
        ct.ThrowIfCancellationRequested();
        w.Step(4, "Fixed effects: the within-school slope");
        var feCovariate = LinearModel.Fit(DesignBuilder.Build("mathach ~ ses + schoolmean_ses", data, new DesignOptions { Response = ResponseKind.Numeric }));
        w.Command("mlm fit hsb \"mathach ~ ses + gmean(ses, schoolid)\" --params", OlsSummary.Params(feCovariate),
            "MODEL: Regressing Student Math Achievement on Student SES and School Mean SES (schoolmean_ses = gmean(ses, schoolid))");
        var feDemeaned = LinearModel.Fit(DesignBuilder.Build("mathach ~ demeaned_ses", data, new DesignOptions { Response = ResponseKind.Numeric }));
        w.Command("mlm fit hsb \"mathach ~ demean(ses, schoolid)\" --params", OlsSummary.Params(feDemeaned),
            "MODEL: Regressing Student Math Achievement on De-meaned Student SES (demeaned_ses = demean(ses, schoolid))");
        var absorbed = AbsorbedFixedEffects.Fit(DesignBuilder.Build("mathach ~ ses | schoolid", data, new DesignOptions { Response = ResponseKind.Numeric }));
        var absorbedSe = VarianceEstimators.Iid(absorbed).StandardErrors();
        double withinSlope = absorbed.Coefficients[0];
        w.Say($"The slope of ses is the same in both models, {F(feCovariate.Coefficients[1], 6)} = {F(feDemeaned.Coefficients[1], 6)}: the within-school slope. " +
              $"Absorbing the 160 schools as fixed effects (mlm fit hsb \"mathach ~ ses | schoolid\") gives it too, {F(withinSlope, 6)}, with the right " +
              $"standard error, {F(absorbedSe[0], 4)} (the de-meaned OLS prints {F(VarianceEstimators.Iid(feDemeaned).StandardErrors()[1], 4)}: it does not count the 160 school means it used).");
        var withinLine = new FittedLine($"De-meaned (within): {F(feDemeaned.Coefficients[0], 3)} + {F(feDemeaned.Coefficients[1], 3)}·demeaned_ses", feDemeaned.Coefficients[0], feDemeaned.Coefficients[1])
        { Color = Palette.Ink, From = demeanedSes.Min(), To = demeanedSes.Max() };
        w.Figure(Plots.Scatter(demeanedSes, mathach, "Predicting math achievement scores from de-meaned SES", "De-meaned socio-economic status", "Math achievement",
                lines: [withinLine], pointsLabel: "Students"),
            "Math achievement against SES minus the school's mean SES, with the within-school line.");
        int maxSchool = Enumerable.Range(0, nSchools).MaxBy(g => meanSes[g]);
        int minSchool = Enumerable.Range(0, nSchools).MinBy(g => meanSes[g]);
        double b0 = feCovariate.Coefficients[0], b1 = feCovariate.Coefficients[1], b2 = feCovariate.Coefficients[2];
        var feLines = Enumerable.Range(0, nSchools).Select(g => new GroupLine(g, b0 + b2 * meanSes[g], b1)).ToList();
        w.Figure(Plots.GroupLines(ses, mathach, schools, feLines,
                [new GroupHighlight(minSchool, $"School with min SES ({schools.Levels[minSchool]}, mean SES {F(meanSes[minSchool], 3)})"),
                 new GroupHighlight(maxSchool, $"School with max SES ({schools.Levels[maxSchool]}, mean SES {F(meanSes[maxSchool], 3)})")],
                "Fixed effects model predicting math achievement from SES & school mean SES", "Socio-economic status", "Math achievement", showOtherLines: false),
            $"The fixed-effects model ses + schoolmean_ses for the schools with the highest and lowest mean SES: the same slope ({F(b1, 3)}), " +
            "intercepts that differ by the schools' mean SES. The model says nothing about schools outside the data.");

        // 5. Random intercepts
        ct.ThrowIfCancellationRequested();
        w.Step(5, "Random intercepts");
        var ri = LinearMixedModel.Fit("mathach ~ ses + (1 | schoolid)", data, lmmOptions);
        w.Command("mlm fit hsb \"mathach ~ ses + (1 | schoolid)\" --style statsmodels", MixedLmSummary.Render(ri));
        w.Say($"The ses coefficient, {F(ri.FixedEffects[1], 3)}, is the slope of math achievement on SES among students within a school and among the " +
              $"population of schools. It lies between the within slope ({F(withinSlope, 3)}) and the between slope ({F(between.Coefficients[1], 3)}): the " +
              "random-intercept model blends the two, weighting each by its precision. Were the school effects uncorrelated with SES, all three would estimate " +
              "the same slope; 'mlm pooling hsb \"mathach ~ ses\" --group schoolid' tests that (Hausman) and shows the alternatives side by side.");
        double xbar = ses.Average();
        var allLines = new List<FittedLine>
        {
            studentLine with { Label = $"All students (total): slope {F(ols.Coefficients[1], 3)}" },
            meansLine with { Label = $"School means (between): slope {F(between.Coefficients[1], 3)}" },
            new($"Random effects: slope {F(ri.FixedEffects[1], 3)}", ri.FixedEffects[0], ri.FixedEffects[1]) { Color = Palette.ReddishPurple, From = ses.Min(), To = ses.Max() },
            new($"De-meaned (within, fixed): slope {F(feDemeaned.Coefficients[1], 3)}", feDemeaned.Coefficients[0] - feDemeaned.Coefficients[1] * xbar, feDemeaned.Coefficients[1])
            { Color = Palette.Ink, Dash = LineDash.Dashed, From = ses.Min(), To = ses.Max() },
        };
        w.Figure(Plots.ModelComparison(ses, mathach, schools, allLines, $"Predicting math achievement scores from SES (schools={nSchools}) (students={hsb.RowCount})",
                "Socio-economic status", "Math achievement", "Students", "School means"),
            "All the models so far on one plot: OLS on all students (total), OLS on the school means (between), the within slope (de-meaned SES, drawn " +
            "through the grand mean) and the random-intercept model.");

        // 6. Null model and ICC
        ct.ThrowIfCancellationRequested();
        w.Step(6, "The null model and the intra-class correlation");
        var nullFit = LinearMixedModel.Fit("mathach ~ 1 + (1 | schoolid)", data, lmmOptions);
        w.Command("mlm fit hsb \"mathach ~ 1 + (1 | schoolid)\" --style statsmodels", MixedLmSummary.Render(nullFit));
        double tau2 = Component(nullFit), sigma2 = nullFit.Sigma * nullFit.Sigma;
        var iccCi = VarianceDecomposition.ProfileIccInterval(nullFit, 0.95, ct);
        var riTest = ModelComparison.Compare(
            [DesignBuilder.Build("mathach ~ 1", data, new DesignOptions { Response = ResponseKind.Numeric }), nullFit.Design],
            LmmCriterion.Reml, RefitPolicy.WhenFixedEffectsDiffer, ct);
        var lrt = riTest.Tests[0];
        double tau2Ses = Component(ri), sigma2Ses = ri.Sigma * ri.Sigma;
        var sesCi = VarianceDecomposition.ProfileIccInterval(ri, 0.95, ct);
        var icc = new StringBuilder();
        icc.Append($"between-school variance  τ² = {F(tau2, 4)}   (the tutorial's \"Intercept RE\")\n");
        icc.Append($"within-school variance   σ² = {F(sigma2, 4)}   (\"Scale\")\n");
        icc.Append($"ICC = τ² / (τ² + σ²)        = {F(tau2 / (tau2 + sigma2), 4)}");
        if (iccCi is not null) icc.Append($"   95% profile-likelihood interval [{F(iccCi.Lower, 4)}, {F(iccCi.Upper, 4)}]");
        icc.Append('\n');
        icc.Append($"test of τ² = 0, likelihood ratio against OLS mathach ~ 1 (ML): chisq = {F(lrt.ChiSquare, 2)}, df = {lrt.DegreesOfFreedom},\n" +
                   $"  boundary-corrected p {PText(lrt.BoundaryP ?? lrt.P)}\n");
        icc.Append($"\nwith ses (the share between schools of the variance ses leaves unexplained):\n");
        icc.Append($"ICC = {F(tau2Ses, 4)} / ({F(tau2Ses, 4)} + {F(sigma2Ses, 4)}) = {F(tau2Ses / (tau2Ses + sigma2Ses), 4)}");
        if (sesCi is not null) icc.Append($"   95% interval [{F(sesCi.Lower, 4)}, {F(sesCi.Upper, 4)}]");
        icc.Append('\n');
        w.Output(icc.ToString(), "The intra-class correlation from the model's variance components (as R's performance::icc):");
        w.Say($"{F(100 * tau2 / (tau2 + sigma2), 1)}% of the variance in math achievement lies between schools; the rest is among students within a school. " +
              "The tutorial prints σ_u 3.0056, σ_e 6.8778 and ICC 0.1603 for this model: it takes np.std of residuals it builds by hand instead of the " +
              "model's own variance components. Its \"z-test of the ICC\" divides the ICC by icc/√160, so z = √160 = 12.65 whatever the data (for the " +
              "null model it even uses a value left over from another model). Here: the model-based ICC, an interval from the profile likelihood, and the " +
              "likelihood-ratio test of τ² = 0, whose p-value halves the χ²₁ tail because τ² = 0 lies on the boundary.");

        // 7. Level-2 predictor and interaction
        ct.ThrowIfCancellationRequested();
        w.Step(7, "A school-level predictor: sector, and the sector × SES interaction");
        var sectorFit = LinearMixedModel.Fit("mathach ~ ses + sector + (1 | schoolid)", data, lmmOptions);
        w.Command("mlm fit hsb \"mathach ~ ses + sector + (1 | schoolid)\" --style statsmodels", MixedLmSummary.Render(sectorFit));
        ct.ThrowIfCancellationRequested();
        var interaction = LinearMixedModel.Fit("mathach ~ ses + sector + sector:ses + (1 | schoolid)", data, lmmOptions);
        w.Command("mlm fit hsb \"mathach ~ ses + sector + sector:ses + (1 | schoolid)\" --style statsmodels", MixedLmSummary.Render(interaction));
        w.Say($"These match the tutorial's tables except in the last digit of a few numbers of the interaction model: the tutorial prints ses 2.952, " +
              $"sector:ses −1.315, Scale 36.8403 and Likelihood −23287.0822, where the REML optimum (lme4's, and this one: log-likelihood " +
              $"{F(interaction.LogLikelihood, 4)}, a little higher) gives {F(interaction.FixedEffects[1], 3)}, {F(interaction.FixedEffects[3], 3)} and " +
              $"{F(interaction.Sigma * interaction.Sigma, 4)}: statsmodels stopped slightly short of it. R names the interaction ses:sector (variables in order of appearance).");
        var reductions = new List<(string, IReadOnlyList<VarianceReductionRow>)>
        {
            ("ses", VarianceReduction.Compare(nullFit, ri)),
            ("ses + sector", VarianceReduction.Compare(nullFit, sectorFit)),
            ("ses + sector + sector:ses", VarianceReduction.Compare(nullFit, interaction)),
        };
        var red = new StringBuilder();
        red.Append("model (against mathach ~ 1 + (1 | schoolid))    between schools (τ²)          within schools (σ²)\n");
        foreach (var (name, rows) in reductions)
        {
            var b = rows.First(r => r.Name is not null);
            var e = rows.First(r => r.Name is null);
            red.Append($"{name,-46} {F(b.BaselineVariance, 3)} → {F(b.ModelVariance, 3)}: {F(b.ProportionalReduction, 4)}   " +
                       $"{F(e.BaselineVariance, 3)} → {F(e.ModelVariance, 3)}: {F(e.ProportionalReduction, 4)}\n");
        }
        w.Output(red.ToString(), "Proportional reduction in each level's variance, (σ²₀ − σ²₁)/σ²₀ (the pseudo-R² of each level):");
        var sesRed = reductions[0].Item2;
        w.Say($"SES explains {F(100 * sesRed.First(r => r.Name is not null).ProportionalReduction, 1)}% of the between-school variance and " +
              $"{F(100 * sesRed.First(r => r.Name is null).ProportionalReduction, 1)}% of the within-school variance; sector adds to the between-school " +
              "part only, as a school-level predictor must. The tutorial's pseudo-R² is coded σ²₀ − σ²₁/σ²₀, which by operator precedence is " +
              "σ²₀ − (σ²₁/σ²₀), not a proportion: it printed \"8.443%\" and \"46.426%\" for the ses model (from its hand-made standard deviations). The intended " +
              "quantity, computed from the models' variance components, is the table above.");

        // 8. Comparison
        ct.ThrowIfCancellationRequested();
        w.Step(8, "Comparing the models: likelihood-ratio tests");
        string[] formulas = ["mathach ~ 1 + (1|schoolid)", "mathach ~ ses + (1|schoolid)", "mathach ~ ses + sector + (1|schoolid)", "mathach ~ ses + sector + sector:ses + (1|schoolid)"];
        var comparison = ModelComparison.Compare([nullFit, ri, sectorFit, interaction], RefitPolicy.WhenFixedEffectsDiffer, ct);
        w.Command("mlm compare hsb " + string.Join(' ', formulas.Select(f => $"\"{f}\"")), CompareCommand.Text("hsb", comparison, CompareCommand.Decompose(comparison)));
        w.Say("Each added term improves the fit far beyond chance: SES, then sector, then the sector × SES interaction (the refits by maximum likelihood " +
              "make the likelihoods of models with different fixed effects comparable).");

        // 9. Prototypical schools
        ct.ThrowIfCancellationRequested();
        w.Step(9, "Predictions for prototypical Catholic and public schools");
        int pub = Enumerable.Range(0, nSchools).Where(g => schoolSector[g] == 0).MinBy(g => Math.Abs(meanSes[g]));
        int cat = Enumerable.Range(0, nSchools).Where(g => schoolSector[g] == 1).MinBy(g => Math.Abs(meanSes[g]));
        var beta = interaction.FixedEffects;
        var names = interaction.FixedEffectNames;
        double c0 = beta[Index(names, "(Intercept)")], cSes = beta[Index(names, "ses")], cSector = beta[Index(names, "sector")], cInt = beta[Index(names, "ses:sector")];
        var proto = new StringBuilder();
        proto.Append($"public school with mean SES closest to 0:   {schools.Levels[pub]}   (mean SES {F(meanSes[pub], 6)})\n");
        proto.Append($"Catholic school with mean SES closest to 0: {schools.Levels[cat]}   (mean SES {F(meanSes[cat], 6)})\n\n");
        proto.Append($"predicted math achievement (fixed effects of the interaction model)\n");
        proto.Append($"  public:   {F(c0, 3)} + {F(cSes, 3)}·ses\n");
        proto.Append($"  Catholic: {F(c0 + cSector, 3)} + {F(cSes + cInt, 3)}·ses\n");
        w.Output(proto.ToString());
        var protoLines = new[] { new GroupLine(cat, c0 + cSector, cSes + cInt), new GroupLine(pub, c0, cSes) };
        w.Figure(Plots.GroupLines(ses, mathach, schools, protoLines,
                [new GroupHighlight(cat, $"Students in a Catholic school with mean SES ({schools.Levels[cat]})"), new GroupHighlight(pub, $"Students in a public school with mean SES ({schools.Levels[pub]})")],
                "Predicting individual math achievement scores from SES & sector", "Socio-economic status", "Math achievement", showOtherLines: false,
                subtitle: "in a multi-level random effects model, where SES = 0"),
            "Students of the two prototypical schools (mean SES ≈ 0) with the interaction model's predicted lines (fixed effects).");
        var sectorGroups = new Grouping([.. schoolSector.Select(s => s == 1 ? 0 : 1)], ["Catholic schools", "Public schools"]);
        var pubRange = Enumerable.Range(0, nSchools).Where(g => schoolSector[g] == 0).Select(g => meanSes[g]).ToList();
        var catRange = Enumerable.Range(0, nSchools).Where(g => schoolSector[g] == 1).Select(g => meanSes[g]).ToList();
        w.Figure(Plots.Scatter(meanSes, meanMath, "Predicting school math achievement scores from SES & sector", "Socio-economic status", "Math achievement",
                groups: sectorGroups, background: new LineSeries("Students", ses, mathach), subtitle: "in a multi-level random effects model",
                lines:
                [
                    new FittedLine("Catholic schools: predicted", c0 + cSector, cSes + cInt) { Color = Palette.Blue, From = catRange.Min(), To = catRange.Max() },
                    new FittedLine("Public schools: predicted", c0, cSes) { Color = Palette.Vermillion, From = pubRange.Min(), To = pubRange.Max() },
                ]),
            "School means by sector with the interaction model's lines: Catholic schools score higher, and their line is flatter.");
        w.Say("The mixed model's own diagnostics for the interaction model follow: the schools' random intercepts with 95% intervals, their distribution, " +
              "how far each school's own mean is pulled toward the model's prediction (shrinkage), and the residuals.");
        foreach (var f in FitFigures.For(interaction, data, new FitFigureOptions { Kinds = [FigureKinds.Caterpillar, FigureKinds.Density, FigureKinds.Shrinkage, FigureKinds.Residuals, FigureKinds.Qq] }))
        {
            w.Figure(f.Figure, f.Caption);
        }

        // Answer
        w.Step(10, "So what is the answer?");
        var z = new Func<string, double>(n => beta[Index(names, n)] / interaction.StandardErrors[Index(names, n)]);
        w.Say($"Yes. At SES 0, students in Catholic schools score {F(cSector, 2)} points higher in math than students in public schools (z = {F(z("sector"), 2)}), " +
              $"and SES matters less in Catholic schools: the slope of SES is {F(cSes + cInt, 2)} there against {F(cSes, 2)} in public schools " +
              $"(interaction {F(cInt, 3)}, z = {F(z("ses:sector"), 2)}). The Catholic advantage is largest for students of low SES and shrinks as SES rises. " +
              $"The random-effects model lets these claims reach the population of schools, with {F(100 * Component(interaction) / (Component(interaction) + interaction.Sigma * interaction.Sigma), 1)}% " +
              "of the remaining variance between schools.");

        return new DemoFigures
        {
            Students = Params(ols),
            SchoolMeans = Params(between),
            SchoolMeanCovariate = Params(feCovariate),
            Demeaned = Params(feDemeaned),
            WithinSlope = withinSlope,
            WithinSlopeSe = absorbedSe[0],
            RandomIntercept = ri,
            Null = nullFit,
            NullIccInterval = iccCi,
            Sector = sectorFit,
            Interaction = interaction,
            Comparison = comparison,
            RandomInterceptTest = riTest,
            Reductions = reductions,
            Prototypical = (schools.Levels[pub], meanSes[pub], schools.Levels[cat], meanSes[cat]),
            Figures = w.FigureCount,
        };
    }

    /// <summary>The figure with the points layer labelled <paramref name="label"/> drawn in <paramref name="color"/> (the tutorial's colours).</summary>
    private static Figure Recolor(Figure figure, string label, string color) => figure with
    {
        Panels = [.. figure.Panels.Select(c => c with { Layers = [.. c.Layers.Select(l => l is PointsLayer p && p.Label == label ? p with { Color = color } : l)] })],
    };

    private static Dictionary<string, double> Params(LinearModelFit fit)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < fit.CoefficientNames.Count; j++) d[fit.CoefficientNames[j]] = fit.Coefficients[j];
        return d;
    }

    private static double Component(LinearMixedModelFit fit) => fit.VarCorr.First(v => !v.IsResidual && !v.IsCovariance).VarianceOrCovariance;

    private static int Index(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        throw new InvalidOperationException($"no coefficient {name}");
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Sum(x => (x - m) * (x - m)) / (v.Length - 1);
    }

    private static string F(double v, int decimals) => v.ToString("F" + decimals.ToString(Inv), Inv);

    private static string PText(double p) => p < 2.2e-16 ? "< 2.2e-16" : "= " + CFormat.G(p, 3);
}
