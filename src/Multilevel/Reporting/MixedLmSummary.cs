using System.Globalization;
using System.Text;
using MathNet.Numerics.Distributions;
using Multilevel.Models;

namespace Multilevel.Reporting;

/// <summary>
/// A linear mixed-model fit in the layout of statsmodels' <c>MixedLMResults.summary()</c>, as the seed tutorial
/// prints it: model information (observations, groups and group sizes, Scale = σ̂², Likelihood, Converged), then
/// Coef., Std.Err., z, P&gt;|z| and the 95% interval of each fixed effect and the random-effects variances.
/// The standard errors are lme4's (σ̂² (R_XᵀR_X)⁻¹ at θ̂); statsmodels derives its own from the joint Hessian, so a
/// footnote says so rather than imitating them; no standard error is given for the variance rows.
/// </summary>
public static class MixedLmSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The text of the summary.</summary>
    public static string Render(LinearMixedModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var g = fit.Groups[0];
        var left = new (string, string)[]
        {
            ("Model:", "MixedLM"),
            ("No. Observations:", fit.Observations.ToString(Inv)),
            ("No. Groups:", g.Levels.ToString(Inv)),
            ("Min. group size:", g.MinSize.ToString(Inv)),
            ("Max. group size:", g.MaxSize.ToString(Inv)),
            ("Mean group size:", g.MeanSize.ToString("F1", Inv)),
        };
        var right = new (string, string)[]
        {
            ("Dependent Variable:", fit.ResponseName),
            ("Method:", fit.Method),
            ("Scale:", (fit.Sigma * fit.Sigma).ToString("F4", Inv)),
            ("Likelihood:", fit.LogLikelihood.ToString("F4", Inv)),
            ("Converged:", fit.Converged ? "Yes" : "No"),
        };
        var info = new string[left.Length, 4];
        for (int r = 0; r < left.Length; r++)
        {
            info[r, 0] = left[r].Item1;
            info[r, 1] = left[r].Item2;
            info[r, 2] = r < right.Length ? right[r].Item1 : "";
            info[r, 3] = r < right.Length ? right[r].Item2 : "";
        }

        // coefficient rows: fixed effects, then the random-effects variances and covariances
        var names = new List<string>();
        var cells = new List<string[]>();
        double q975 = Normal.InvCDF(0, 1, 0.975);
        for (int j = 0; j < fit.FixedEffects.Length; j++)
        {
            double b = fit.FixedEffects[j], se = fit.StandardErrors[j], z = b / se;
            names.Add(Name(fit.FixedEffectNames[j]));
            cells.Add([F3(b), F3(se), F3(z), F3(2 * Normal.CDF(0, 1, -Math.Abs(z))), F3(b - q975 * se), F3(b + q975 * se)]);
        }
        string firstGroup = fit.ConditionalModes[0].Group;
        int vc = 0;
        foreach (var term in fit.ConditionalModes)
        {
            int qt = term.Q;
            var rows = fit.VarCorr.Skip(vc).Take(qt + qt * (qt - 1) / 2).ToList();
            vc += rows.Count;
            string prefix = term.Group == firstGroup ? "" : term.Group + " ";
            string Re(int i) => prefix + Name(term.ColumnNames[i]) + " RE";
            // statsmodels' order: (0,0), (1,0), (1,1), (2,0), …
            for (int i = 0; i < qt; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double value = i == j ? rows[i].VarianceOrCovariance : rows.First(r => r.Name1 == term.ColumnNames[j] && r.Name2 == term.ColumnNames[i]).VarianceOrCovariance;
                    names.Add(i == j ? Re(i) : $"{Re(j)} x {Re(i)}");
                    cells.Add([F3(value), "", "", "", "", ""]);
                }
            }
        }
        string[] headers = ["Coef.", "Std.Err.", "z", "P>|z|", "[0.025", "0.975]"];

        // natural widths, then statsmodels' padding so that both tables are as wide as the wider
        var infoWidths = Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, left.Length).Max(r => info[r, c].Length)).ToArray();
        int infoWidth = infoWidths.Sum() + 3;
        int stub = names.Max(n => n.Length);
        var colWidths = Enumerable.Range(0, 6).Select(c => Math.Max(headers[c].Length, cells.Max(r => r[c].Length))).ToArray();
        int coefWidth = stub + colWidths.Sum() + 6;
        int widest = Math.Max(infoWidth, coefWidth);
        int infoSep = (widest - infoWidth) / 3, infoIndex = widest - infoWidth - 3 * infoSep;
        int coefSep = (widest - coefWidth) / 5, coefIndex = widest - coefWidth - 5 * coefSep;

        var sb = new StringBuilder();
        const string title = "Mixed Linear Model Regression Results";
        sb.Append(new string(' ', Math.Max(0, (int)(widest / 2.0 - title.Length / 2.0)))).Append(title).Append('\n');
        sb.Append(new string('=', widest)).Append('\n');
        string infoColSep = new(' ', infoSep + 1);
        infoWidths[0] += infoIndex;
        for (int r = 0; r < left.Length; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                if (c > 0) sb.Append(infoColSep);
                sb.Append(info[r, c].PadRight(infoWidths[c]));
            }
            sb.Append('\n');
        }
        sb.Append(new string('-', widest)).Append('\n');
        string sep = new(' ', coefSep + 1);
        int stubWidth = stub + coefIndex;
        sb.Append(new string(' ', stubWidth));
        for (int c = 0; c < 6; c++) sb.Append(sep).Append(Center(headers[c], colWidths[c]));
        sb.Append('\n').Append(new string('-', widest)).Append('\n');
        for (int r = 0; r < names.Count; r++)
        {
            sb.Append(names[r].PadRight(stubWidth));
            for (int c = 0; c < 6; c++) sb.Append(sep).Append(cells[r][c].PadLeft(colWidths[c]));
            sb.Append('\n');
        }
        sb.Append(new string('=', widest)).Append('\n');
        sb.Append("Std.Err. of the fixed effects as lme4 (σ̂² (R_XᵀR_X)⁻¹ at the REML/ML estimate of θ); statsmodels\n")
          .Append("takes them from its joint Hessian and prints slightly different values. RE rows: variances and\n")
          .Append("covariances of the random effects (no standard error).\n");
        return sb.ToString();
    }

    private static string Name(string rName) => rName == "(Intercept)" ? "Intercept" : rName;

    private static string F3(double x) => double.IsFinite(x) ? x.ToString("F3", Inv) : "";

    /// <summary>Python's <c>str.center</c>.</summary>
    private static string Center(string s, int width)
    {
        int marg = width - s.Length;
        if (marg <= 0) return s;
        int left = marg / 2 + (marg & width & 1);
        return new string(' ', left) + s + new string(' ', marg - left);
    }
}
