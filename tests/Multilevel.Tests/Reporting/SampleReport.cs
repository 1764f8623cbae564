using Multilevel.Reporting;
using Multilevel.Reporting.Html;
using Multilevel.Reporting.Svg;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// A report with every plot kind, drawn from the hsb and sleepstudy fixtures. Until the models land, the model
/// quantities come from R's reference fits in the fixtures (coefficients, variance components) and closed forms
/// (conditional modes of a random-intercept model, given its variance components).
/// </summary>
internal static class SampleReport
{
    public static HtmlReport Build()
    {
        var hsb = SampleData.LoadHsb();
        var g = hsb.School;
        int J = g.Count;
        var report = new HtmlReport("High School and Beyond: math achievement and SES")
        {
            Subtitle = "hsb: 7,185 students in 160 schools · every plot kind of the Multilevel SVG module",
        };
        report.Paragraph("This sample report draws every plot kind from the test fixtures. Model quantities come from R's reference fits (lme4 and lm) stored with the tests.");

        // Description.
        var desc = report.Section("The data");
        desc.Facts([("Students", "7185"), ("Schools", J.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Response", "mathach"), ("Predictor", "ses")]);
        desc.Table(new HtmlTable(["", "mathach", "ses"],
        [
            ["count", "7185", "7185"],
            ["mean", "12.747853", "0.000143"],
            ["std", "6.878246", "0.779355"],
            ["min", "−2.832000", "−3.758000"],
            ["max", "24.993000", "2.692000"],
        ]) { Caption = "Summary of the response and the predictor", Note = "As pandas' describe() prints them in the tutorial." });
        desc.Figure(Plots.BoxplotsRawAndDemeaned(hsb.MathAch, g, "Math achievement by school", "mathach", "School"),
            "Box plots of math achievement for each of the 160 schools, raw (left) and minus the school mean (right).");

        // OLS lines.
        var (ti, ts) = SampleData.SimpleRegression(hsb.Ses, hsb.MathAch);
        double[] meanSes = PlotStatistics.GroupMeans(hsb.Ses, g.Codes, J);
        double[] meanMath = PlotStatistics.GroupMeans(hsb.MathAch, g.Codes, J);
        var (bi, bs) = SampleData.SimpleRegression(meanSes, meanMath);
        double[] demeanedSes = PlotStatistics.Demean(hsb.Ses, g.Codes, J);
        var (wi, ws) = SampleData.SimpleRegression(demeanedSes, hsb.MathAch);
        var reSes = SampleData.Reference("hsb_ses_reml.json");
        double re0 = SampleData.Fixef(reSes, "(Intercept)"), re1 = SampleData.Fixef(reSes, "ses");

        var lines = report.Section("Total, between and within");
        lines.Figure(Plots.Scatter(hsb.Ses, hsb.MathAch, "Predicting math achievement from SES with linear regression", "Socio-economic status",
            "Math achievement", lines: [new FittedLine("All students", ti, ts), new FittedLine("School means", bi, bs)], pointsLabel: "Students"),
            "Scatter plot with the least-squares lines of students and of school means.");
        lines.Figure(Plots.ModelComparison(hsb.Ses, hsb.MathAch, g,
            [
                new FittedLine("All students (total)", ti, ts),
                new FittedLine("School means (between)", bi, bs),
                new FittedLine("De-meaned (within, fixed effects)", wi, ws) { Color = Palette.Ink },
                new FittedLine("Random effects", re0, re1) { Color = Palette.ReddishPurple, Dash = LineDash.Dashed },
            ], "Predicting math achievement from SES (schools = 160, students = 7185)", "Socio-economic status", "Math achievement",
            "Students", "School means"),
            "The tutorial's comparison of the total, between, within and random-effects slopes.");

        lines.Figure(Plots.Scatter(demeanedSes, hsb.MathAch, "Predicting math achievement from de-meaned SES", "De-meaned socio-economic status",
            "Math achievement", lines: [new FittedLine("Within schools (de-meaned SES)", wi, ws) { Color = Palette.Ink }]),
            "Each student's SES minus the school mean: the slope is the within-school (fixed-effects) slope.");

        // Fixed-effects lines for the schools with max and min mean SES.
        var fe = SampleData.Reference("hsb_ols_ses_meanses.json");
        double f0 = SampleData.Fixef(fe, "(Intercept)"), f1 = SampleData.Fixef(fe, "ses"), f2 = SampleData.Fixef(fe, "meanses");
        int maxSchool = Array.IndexOf(meanSes, meanSes.Max()), minSchool = Array.IndexOf(meanSes, meanSes.Min());
        var groupLines = Enumerable.Range(0, J).Select(j => new GroupLine(j, f0 + f2 * meanSes[j], f1)).ToList();
        lines.Figure(Plots.GroupLines(hsb.Ses, hsb.MathAch, g, groupLines,
            [new GroupHighlight(maxSchool, $"School with max SES ({g.Levels[maxSchool]})"), new GroupHighlight(minSchool, $"School with min SES ({g.Levels[minSchool]})")],
            "Fixed-effects model: math achievement from SES and school mean SES", "Socio-economic status", "Math achievement"),
            "Each school's line from mathach ~ ses + meanses; the schools with the highest and lowest mean SES highlighted.");

        // Prototypical Catholic and public schools (interaction model).
        var ia = SampleData.Reference("hsb_interaction_reml.json");
        double a0 = SampleData.Fixef(ia, "(Intercept)"), a1 = SampleData.Fixef(ia, "ses"), a2 = SampleData.Fixef(ia, "sector"), a3 = SampleData.Fixef(ia, "ses:sector");
        double[] sectorOf = PlotStatistics.GroupMeans(hsb.Sector, g.Codes, J);
        var protoLines = Enumerable.Range(0, J).Select(j => new GroupLine(j, a0 + a2 * sectorOf[j], a1 + a3 * sectorOf[j])).ToList();
        int pub = g.Levels.ToList().IndexOf("1946"), cat = g.Levels.ToList().IndexOf("5650");
        lines.Figure(Plots.GroupLines(hsb.Ses, hsb.MathAch, g, protoLines,
            [new GroupHighlight(cat, "Students in a Catholic school with mean SES ≈ 0 (5650)"), new GroupHighlight(pub, "Students in a public school with mean SES ≈ 0 (1946)")],
            "Predicting math achievement from SES and sector", "Socio-economic status", "Math achievement", showOtherLines: false,
            subtitle: "in a multilevel random-effects model, prototypical schools"),
            "Fixed part of mathach ~ ses * sector + (1 | schoolid) for two prototypical schools.");

        var sectorGroups = new Grouping([.. sectorOf.Select(v => v > 0.5 ? 1 : 0)], ["Public schools", "Catholic schools"]);
        lines.Figure(Plots.Scatter(meanSes, meanMath, "Predicting school math achievement from SES and sector", "Socio-economic status", "Math achievement",
            sectorGroups,
            [
                new FittedLine("Public schools", a0, a1) { Color = Palette.At(0), From = sectorGroups.Codes.Select((c, j) => c == 0 ? meanSes[j] : double.NaN).Where(double.IsFinite).Min(), To = sectorGroups.Codes.Select((c, j) => c == 0 ? meanSes[j] : double.NaN).Where(double.IsFinite).Max() },
                new FittedLine("Catholic schools", a0 + a2, a1 + a3) { Color = Palette.At(1), From = sectorGroups.Codes.Select((c, j) => c == 1 ? meanSes[j] : double.NaN).Where(double.IsFinite).Min(), To = sectorGroups.Codes.Select((c, j) => c == 1 ? meanSes[j] : double.NaN).Where(double.IsFinite).Max() },
            ],
            background: new LineSeries("Students", hsb.Ses, hsb.MathAch), subtitle: "in a multilevel random-effects model"),
            "School means by sector (points) with the fixed part of mathach ~ ses * sector + (1 | schoolid) for each sector (lines).");

        // Random intercepts of the null model (closed form given the variance components).
        var nul = SampleData.Reference("hsb_null_reml.json");
        double mu = SampleData.Fixef(nul, "(Intercept)");
        double tau2 = SampleData.VarComp(nul, "schoolid", "(Intercept)"), sigma2 = SampleData.VarComp(nul, "Residual", null);
        var size = new double[J];
        foreach (int code in g.Codes) size[code]++;
        var modes = new double[J];
        var condSd = new double[J];
        for (int j = 0; j < J; j++)
        {
            modes[j] = tau2 * size[j] / (tau2 * size[j] + sigma2) * (meanMath[j] - mu);
            condSd[j] = Math.Sqrt(sigma2 * tau2 / (sigma2 + size[j] * tau2));
        }
        var re = report.Section("Random effects");
        int top = Array.IndexOf(modes, modes.Max()), bottom = Array.IndexOf(modes, modes.Min());
        re.Figure(Plots.Caterpillar(g.Levels, [new CaterpillarTerm("(Intercept)", modes, condSd)], "Conditional modes of the school intercepts", "School",
            highlight: [top, bottom]),
            "mathach ~ 1 + (1 | schoolid): each school's conditional mode with its 95% interval.");
        re.Figure(Plots.Density(modes, "Distribution of the school random effects", "Conditional mode of the school intercept",
            normal: new NormalReference(0, Math.Sqrt(tau2), "N(0, σ²_u) from the model")),
            "Kernel density and rug of the 160 conditional modes, with the model's normal distribution of school effects.");
        re.Figure(Plots.Shrinkage(g.Levels, meanMath, modes.Select(m => mu + m).ToList(), mu, size, "Shrinkage of school means toward the grand mean",
            "Mean math achievement", highlight: [Array.IndexOf(size, size.Min())]),
            "Each school's own mean (no pooling) and its random-intercept estimate (partial pooling).");
        re.Figure(Plots.Shrinkage(g.Levels.Take(25).ToList(), meanMath.Take(25).ToList(), modes.Take(25).Select(m => mu + m).ToList(), mu, null,
            "Shrinkage, first 25 schools", "Mean math achievement"), "The same shrinkage in two columns, for 25 schools.");

        // Residuals.
        var fitted = g.Codes.Select(code => mu + modes[code]).ToArray();
        var resid = hsb.MathAch.Select((y, i) => y - fitted[i]).ToArray();
        var diag = report.Section("Diagnostics");
        diag.Figure(Plots.ResidualsVsFitted(fitted, resid), "Residuals against fitted values of the null model.");
        diag.Figure(Plots.NormalQq(resid, "Normal QQ plot of the residuals", "Residual quantiles"), "Student-level residuals against normal quantiles.");
        diag.Figure(Plots.NormalQq(modes, "Normal QQ plot of the school effects", "Conditional modes"), "School-level conditional modes against normal quantiles.");
        diag.Preformatted(
            """
            Linear mixed model fit by REML ['lmerMod']
            Formula: mathach ~ 1 + (1 | schoolid)
            REML criterion at convergence: 47116.8

            Random effects:
             Groups   Name        Variance Std.Dev.
             schoolid (Intercept)  8.614   2.935
             Residual             39.148   6.257
            Number of obs: 7185, groups:  schoolid, 160
            """, "Model summary (lme4 layout)");

        // Sleepstudy: random intercepts and slopes.
        AddSleepstudy(report);
        return report;
    }

    private static void AddSleepstudy(HtmlReport report)
    {
        var s = SampleData.LoadSleepstudy();
        var g = s.Subject;
        int J = g.Count;
        var r = SampleData.Reference("sleepstudy_reml.json");
        double b0 = SampleData.Fixef(r, "(Intercept)"), b1 = SampleData.Fixef(r, "Days");
        double g00 = SampleData.VarComp(r, "Subject", "(Intercept)"), g11 = SampleData.VarComp(r, "Subject", "Days");
        double g01 = SampleData.VarComp(r, "Subject", "(Intercept)", "Days"), s2 = SampleData.VarComp(r, "Residual", null);
        // G⁻¹
        double det = g00 * g11 - g01 * g01;
        double i00 = g11 / det, i11 = g00 / det, i01 = -g01 / det;
        var rows = Enumerable.Range(0, J).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < g.Codes.Count; i++) rows[g.Codes[i]].Add(i);
        var u0 = new double[J];
        var u1 = new double[J];
        var sd0 = new double[J];
        var sd1 = new double[J];
        var np0 = new double[J];
        var np1 = new double[J];
        for (int j = 0; j < J; j++)
        {
            double n = 0, sx = 0, sxx = 0, sr = 0, sxr = 0, sy = 0, sxy = 0;
            foreach (int i in rows[j])
            {
                double x = s.Days[i], res = s.Reaction[i] - b0 - b1 * x;
                n++; sx += x; sxx += x * x; sr += res; sxr += x * res; sy += s.Reaction[i]; sxy += x * s.Reaction[i];
            }
            // (Z'Z + σ² G⁻¹) b = Z'(y − Xβ)
            double a = n + s2 * i00, bb = sx + s2 * i01, d = sxx + s2 * i11;
            double dt = a * d - bb * bb;
            u0[j] = (d * sr - bb * sxr) / dt;
            u1[j] = (a * sxr - bb * sr) / dt;
            sd0[j] = Math.Sqrt(s2 * d / dt);
            sd1[j] = Math.Sqrt(s2 * a / dt);
            double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            np1[j] = slope;
            np0[j] = (sy - slope * sx) / n;
        }
        var sec = report.Section("Sleep deprivation: random intercepts and slopes");
        sec.Paragraph("Reaction ~ Days + (Days | Subject): conditional modes computed from lme4's variance components and fixed effects.");
        sec.Figure(Plots.Scatter(s.Days, s.Reaction, "Reaction time by days of sleep deprivation", "Days", "Reaction time (ms)", groups: g,
            lines: [new FittedLine("Population line", b0, b1) { Color = Palette.Ink }]),
            "18 subjects, coloured (colours repeat), with the fixed-effects line.");
        sec.Figure(Plots.GroupLines(s.Days, s.Reaction, g, Enumerable.Range(0, J).Select(j => new GroupLine(j, b0 + u0[j], b1 + u1[j])).ToList(),
            title: "Each subject's line from the mixed model", xLabel: "Days", yLabel: "Reaction time (ms)"), "Partial-pooling lines of the 18 subjects.");
        sec.Figure(Plots.Caterpillar(g.Levels, [new CaterpillarTerm("(Intercept)", u0, sd0), new CaterpillarTerm("Days", u1, sd1)], "Conditional modes by subject", "Subject"),
            "Both random effects with 95% intervals, sorted by the intercept.");
        sec.Figure(Plots.Shrinkage2D(g.Levels, np0, np1, u0.Select(u => b0 + u).ToList(), u1.Select(u => b1 + u).ToList(), b0, b1, "Intercept (ms)", "Slope (ms per day)",
            "Shrinkage of subject intercepts and slopes"), "Arrows from each subject's own regression to the mixed-model estimate.");
        var first = Enumerable.Range(0, 4).Select(j => new LineSeries($"Subject {g.Levels[j]}",
            rows[j].Select(i => s.Days[i]).ToList(), rows[j].Select(i => s.Reaction[i]).ToList())).ToList();
        sec.Figure(Plots.Lines(first, "Reaction time over the study, four subjects", "Days", "Reaction time (ms)"), "Raw trajectories.");

        // A thousand levels: the caterpillar for many groups.
        var rng = new Random(20260101);
        int L = 1200;
        var est = new double[L];
        var se = new double[L];
        for (int j = 0; j < L; j++)
        {
            double u1r = 1 - rng.NextDouble(), u2r = rng.NextDouble();
            est[j] = 0.8 * Math.Sqrt(-2 * Math.Log(u1r)) * Math.Cos(2 * Math.PI * u2r);
            se[j] = 0.2 + 0.4 * rng.NextDouble();
        }
        var levels = Enumerable.Range(1, L).Select(i => $"instructor {i}").ToList();
        sec.Figure(Plots.Caterpillar(levels, [new CaterpillarTerm("(Intercept)", est, se)], "Many levels: 1,200 simulated instructors", "Instructor",
            highlight: [Array.IndexOf(est, est.Max()), Array.IndexOf(est, est.Min()), 7]),
            "A caterpillar with 1,200 levels: hairline intervals, three highlighted and labelled levels.");
    }
}
