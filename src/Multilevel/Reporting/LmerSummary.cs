using System.Text;
using Multilevel.Formulas;
using Multilevel.Models;
using Multilevel.Reporting.Text;

namespace Multilevel.Reporting;

/// <summary>
/// A linear mixed-model fit as lme4's <c>summary()</c> prints it: method title, formula and data, REML criterion
/// (or the AIC table for ML fits), scaled residuals, random effects (variance, SD, correlations), group counts,
/// fixed effects (estimate, standard error, t value) and their correlations, with R's number formatting
/// (4 significant digits as <c>print.summary.merMod</c>).
/// </summary>
public static class LmerSummary
{
    private const int Digits = 4;

    /// <summary>The text of the summary. <paramref name="dataName"/> is shown as <c>Data:</c>.</summary>
    public static string Render(LinearMixedModelFit fit, string dataName)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sb = new StringBuilder();
        sb.Append(fit.Criterion == LmmCriterion.Reml
            ? "Linear mixed model fit by REML ['lmerMod']\n"
            : "Linear mixed model fit by maximum likelihood  ['lmerMod']\n");
        sb.Append("Formula: ").Append(Deparse(fit.Formula)).Append('\n');
        sb.Append("   Data: ").Append(dataName).Append('\n');
        if (fit.HasPriorWeights) sb.Append("Weights: (prior weights)\n");
        sb.Append('\n');

        if (fit.Criterion == LmmCriterion.Reml)
        {
            sb.Append("REML criterion at convergence: ").Append(RPrint.Format([RPrint.Round(fit.Objective, 1)])[0]).Append('\n');
        }
        else
        {
            int dfResid = fit.Observations - fit.DegreesOfFreedom;
            var values = RPrint.Format([RPrint.Round(fit.Aic, 1), RPrint.Round(fit.Bic, 1), RPrint.Round(fit.LogLikelihood, 1), RPrint.Round(fit.Deviance, 1)]);
            RPrint.NamedVector(sb, ["AIC", "BIC", "logLik", "deviance", "df.resid"], [.. values.Select(v => v.Trim()), dfResid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        sb.Append('\n');

        sb.Append("Scaled residuals: \n");
        if (fit.RowValuesAvailable)
        {
            var q = RPrint.ZapSmall(RPrint.Quantiles(fit.ScaledResiduals, 0, 0.25, 0.5, 0.75, 1), Digits + 1);
            RPrint.NamedVector(sb, ["Min", "1Q", "Median", "3Q", "Max"], [.. RPrint.Format(q, Digits).Select(v => v.Trim())]);
        }
        else
        {
            // a fit from sums (a streamed file, a database table) never held the rows: say so rather than invent quantiles
            sb.Append("(not available: fitted from sums over the rows, which were not read into memory)\n");
        }
        sb.Append('\n');

        RandomEffects(sb, fit);
        var groups = string.Join("; ", fit.Groups.Select(g => $"{g.Group}, {g.Levels}"));
        sb.Append("Number of obs: ").Append(fit.Observations).Append(", groups:  ").Append(groups).Append('\n');

        int p = fit.FixedEffects.Length;
        if (p > 0)
        {
            sb.Append("\nFixed effects:\n");
            CoefficientMatrix(sb, fit);
            if (p > 1 && p <= 12) Correlations(sb, fit);
        }
        if (fit.Warnings.Count > 0)
        {
            sb.Append("optimizer (").Append(fit.OptSummary.Optimizer).Append(") convergence code: ")
              .Append(fit.OptSummary.Converged ? "0 (OK)" : fit.OptSummary.ReturnCode.ToString()).Append('\n');
            foreach (var w in fit.Warnings) sb.Append(w).Append('\n');
        }
        return sb.ToString();
    }

    private static string Deparse(string formula)
    {
        try
        {
            return FormulaPrinter.Print(Formula.Parse(formula));
        }
        catch (FormulaException)
        {
            return formula;
        }
    }

    private static void RandomEffects(StringBuilder sb, LinearMixedModelFit fit)
    {
        sb.Append("Random effects:\n");
        var terms = fit.ConditionalModes;
        var sd = new List<double>();
        var groupCol = new List<string>();
        var nameCol = new List<string>();
        var corrRows = new List<string[]>();
        int maxQ = terms.Count == 0 ? 1 : terms.Max(t => t.Q);
        int vc = 0;
        foreach (var term in terms)
        {
            int qt = term.Q;
            var rows = fit.VarCorr.Skip(vc).Take(qt + qt * (qt - 1) / 2).ToList();
            vc += rows.Count;
            var cov = new double[qt, qt];
            for (int r = 0; r < qt; r++) cov[r, r] = rows[r].VarianceOrCovariance;
            int x = qt;
            for (int c = 0; c < qt; c++)
            {
                for (int r = c + 1; r < qt; r++)
                {
                    cov[r, c] = rows[x].StandardDeviationOrCorrelation;
                    x++;
                }
            }
            // the term's correlation matrix formatted as format(round(x, 2), nsmall = 2), lower triangle kept
            var flat = new List<double>();
            for (int c = 0; c < qt; c++)
            {
                for (int r = 0; r < qt; r++) flat.Add(RPrint.Round(r == c ? 1.0 : r > c ? cov[r, c] : cov[c, r], 2));
            }
            var text = RPrint.Format(flat, 7, nsmall: 2);
            for (int r = 0; r < qt; r++)
            {
                groupCol.Add(r == 0 ? term.DisplayGroup : "");
                nameCol.Add(term.ColumnNames[r]);
                sd.Add(Math.Sqrt(cov[r, r]));
                var cr = new string[Math.Max(maxQ - 1, 0)];
                for (int c = 0; c < cr.Length; c++) cr[c] = c < r ? text[c * qt + r] : "";
                corrRows.Add(cr);
            }
        }
        groupCol.Add("Residual");
        nameCol.Add("");
        sd.Add(fit.Sigma);
        corrRows.Add(new string[Math.Max(maxQ - 1, 0)].Select(_ => "").ToArray());

        var variance = RPrint.Format([.. sd.Select(s => s * s)], Digits);
        var stddev = RPrint.Format(sd, Digits);
        var columns = new List<string> { "Groups", "Name", "Variance", "Std.Dev." };
        for (int c = 0; c < maxQ - 1; c++) columns.Add(c == 0 ? "Corr" : "");
        var cells = new string[sd.Count, columns.Count];
        for (int r = 0; r < sd.Count; r++)
        {
            cells[r, 0] = groupCol[r];
            cells[r, 1] = nameCol[r];
            cells[r, 2] = variance[r];
            cells[r, 3] = stddev[r];
            for (int c = 0; c < maxQ - 1; c++) cells[r, 4 + c] = corrRows[r][c];
        }
        RPrint.Matrix(sb, [.. Enumerable.Repeat("", sd.Count)], columns, cells, right: false);
    }

    private static void CoefficientMatrix(StringBuilder sb, LinearMixedModelFit fit)
    {
        int p = fit.FixedEffects.Length;
        var both = fit.FixedEffects.Concat(fit.StandardErrors).ToArray();
        var nonzero = both.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToArray();
        int digmin = 1 + (nonzero.Length > 0 ? (int)Math.Floor(Math.Log10(nonzero.Min())) : 0);
        int decimals = Math.Max(1, Digits - digmin);
        var cs = RPrint.Format([.. both.Select(v => RPrint.Round(v, decimals))], Digits);
        var t = RPrint.Format([.. fit.FixedEffects.Select((b, i) => RPrint.Round(b / fit.StandardErrors[i], 3))], Digits);
        var cells = new string[p, 3];
        for (int i = 0; i < p; i++)
        {
            cells[i, 0] = cs[i];
            cells[i, 1] = cs[p + i];
            cells[i, 2] = t[i];
        }
        RPrint.Matrix(sb, fit.FixedEffectNames, ["Estimate", "Std. Error", "t value"], cells, right: true);
    }

    private static void Correlations(StringBuilder sb, LinearMixedModelFit fit)
    {
        int p = fit.FixedEffects.Length;
        var corr = fit.FixedEffectsCorrelation;
        var flat = new List<double>();
        for (int c = 0; c < p; c++)
        {
            for (int r = 0; r < p; r++) flat.Add(RPrint.Round(corr[r, c], 3));
        }
        var text = RPrint.Format(flat, 7, nsmall: 3);
        var rowNames = fit.FixedEffectNames.Skip(1).Select(n => RPrint.Abbreviate(n, 11)).ToList();
        var colNames = fit.FixedEffectNames.Take(p - 1).Select(n => RPrint.Abbreviate(n, 6)).ToList();
        var cells = new string[p - 1, p - 1];
        for (int r = 1; r < p; r++)
        {
            for (int c = 0; c < p - 1; c++) cells[r - 1, c] = c < r ? text[c * p + r] : "";
        }
        sb.Append("\nCorrelation of Fixed Effects:\n");
        RPrint.Matrix(sb, rowNames, colNames, cells, right: false);
    }
}
