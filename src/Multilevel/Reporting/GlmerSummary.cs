using System.Globalization;
using System.Text;
using Multilevel.Formulas;
using Multilevel.Inference;
using Multilevel.Models.Glmm;

namespace Multilevel.Reporting;

/// <summary>
/// A generalized linear mixed-model fit as lme4's <c>summary()</c> prints it (<c>print.summary.merMod</c> with its
/// 4 significant digits): method title, family and link, formula and data, the AIC / BIC / logLik / deviance /
/// df.resid line, scaled (Pearson) residuals, random effects (variance, SD, correlations), group counts, fixed
/// effects with z values and Pr(&gt;|z|), their correlations, and the warnings. One difference, on purpose: for
/// nAGQ &gt; 1 the log-likelihood includes the constants of the distribution, as for the Laplace approximation
/// (lme4 drops the binomial coefficients there), and a footnote says so.
/// </summary>
public static class GlmerSummary
{
    private const int Digits = 4;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The text of the summary; <paramref name="dataName"/> is shown as <c>Data:</c>.</summary>
    public static string Render(GeneralizedLinearMixedModelFit fit, string dataName)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sb = new StringBuilder();
        string approximation = fit.Nagq == 1 ? "Laplace Approximation" : $"Adaptive Gauss-Hermite Quadrature, nAGQ = {fit.Nagq}";
        foreach (var line in Wrap($"Generalized linear mixed model fit by maximum likelihood ({approximation}) [glmerMod]", 71)) sb.Append(line).Append('\n');
        sb.Append(" Family: ").Append(fit.Family.Name).Append("  ( ").Append(fit.Link.Name).Append(" )\n");
        sb.Append("Formula: ").Append(Deparse(fit.Formula)).Append('\n');
        sb.Append("   Data: ").Append(dataName).Append('\n');
        if (fit.Design.Weights is not null) sb.Append("Weights: (prior weights)\n");
        if (fit.Design.Offset is not null) sb.Append(" Offset: (offset)\n");
        sb.Append('\n');

        var ic = RText.Common([Math.Round(fit.Aic, 1), Math.Round(fit.Bic, 1), Math.Round(fit.LogLikelihood, 1), Math.Round(fit.Deviance, 1)], Digits);
        NamedVector(sb, ["AIC", "BIC", "logLik", "deviance", "df.resid"], [.. ic, fit.ResidualDegreesOfFreedom.ToString(Inv)]);
        sb.Append('\n');

        sb.Append("Scaled residuals: \n");
        RText.ResidualQuantiles(sb, fit.ScaledResiduals);
        sb.Append('\n');

        RandomEffects(sb, fit);
        sb.Append("Number of obs: ").Append(fit.Observations.ToString(Inv)).Append(", groups:  ")
          .Append(string.Join("; ", fit.Groups.Select(g => $"{g.Group}, {g.Levels.ToString(Inv)}"))).Append('\n');

        int p = fit.FixedEffects.Length;
        if (p > 0)
        {
            sb.Append("\nFixed effects:\n");
            var matrix = new double[p * p];
            for (int j = 0; j < p; j++)
            {
                for (int i = 0; i < p; i++) matrix[j * p + i] = fit.Vcov[i, j];
            }
            var vcov = new CoefficientCovariance(fit.VcovFromHessian ? "Hessian" : "RX", matrix, p, double.PositiveInfinity);
            RText.CoefficientMatrix(sb, CoefficientTable.Build(fit.FixedEffectNames, fit.FixedEffects, vcov));
            if (p > 1 && p <= 12)
            {
                Correlations(sb, fit);
            }
            else if (p > 12)
            {
                sb.Append("\nCorrelation matrix not shown by default, as p = ").Append(p.ToString(Inv)).Append(" > 12.\n");
            }
        }
        if (fit.Nagq > 1)
        {
            sb.Append("\nlogLik includes the constants of the distribution (binomial coefficients, log y!) as for nAGQ = 1;\n")
              .Append("lme4 omits them for nAGQ > 1, so its logLik, AIC and BIC differ from these by a constant.\n");
        }
        if (fit.RowsDropped > 0)
        {
            sb.Append('\n').Append(fit.RowsDropped.ToString(Inv)).Append(" row").Append(fit.RowsDropped == 1 ? "" : "s")
              .Append(" with missing values dropped (").Append(fit.RowsInData.ToString(Inv)).Append(" in the data)\n");
        }
        if (fit.Warnings.Count > 0)
        {
            sb.Append('\n');
            foreach (var w in fit.Warnings) sb.Append("warning: ").Append(w).Append('\n');
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

    /// <summary>R's print of a named vector: every name and value right-aligned to one common width.</summary>
    private static void NamedVector(StringBuilder sb, string[] names, string[] values)
    {
        int w = Math.Max(names.Max(n => n.Length), values.Max(v => v.Length));
        sb.Append(string.Join(" ", names.Select(n => n.PadLeft(w)))).Append(" \n");
        sb.Append(string.Join(" ", values.Select(v => v.PadLeft(w)))).Append(" \n");
    }

    /// <summary>lme4's formatVC table (no residual row for these families), printed as an R character matrix.</summary>
    private static void RandomEffects(StringBuilder sb, GeneralizedLinearMixedModelFit fit)
    {
        sb.Append("Random effects:\n");
        var vc = fit.VarCorr;
        var variances = vc.Where(v => !v.IsCovariance).ToList();
        var varText = RText.Common([.. variances.Select(v => v.VarianceOrCovariance)], Digits);
        var sdText = RText.Common([.. variances.Select(v => v.StandardDeviationOrCorrelation)], Digits);
        int maxQ = fit.ConditionalModes.Max(m => m.Q);
        var rows = new List<string[]>();
        int at = 0;
        foreach (var term in fit.ConditionalModes)
        {
            int q = term.Q;
            var corr = new string[q, Math.Max(0, maxQ - 1)];
            for (int a = 0; a < q; a++)
            {
                for (int b = 0; b < maxQ - 1; b++) corr[a, b] = "";
            }
            if (q > 1)
            {
                // correlations: round(x, 2) formatted with nsmall = 2 over the whole matrix of the term
                var values = new List<double>();
                for (int a = 0; a < q; a++)
                {
                    for (int b = 0; b < q; b++) values.Add(a == b ? 1 : Correlation(vc, term.DisplayGroup, term.ColumnNames[Math.Min(a, b)], term.ColumnNames[Math.Max(a, b)]));
                }
                var text = values.Select(v => Math.Round(v, 2).ToString("F2", Inv)).ToList();
                int width = text.Max(t => t.Length);
                for (int a = 1; a < q; a++)
                {
                    for (int b = 0; b < a; b++) corr[a, b] = text[a * q + b].PadLeft(width);
                }
            }
            for (int a = 0; a < q; a++)
            {
                var row = new List<string> { a == 0 ? term.DisplayGroup : "", term.ColumnNames[a], varText[at + a], sdText[at + a] };
                for (int b = 0; b < maxQ - 1; b++) row.Add(corr[a, b]);
                rows.Add([.. row]);
            }
            at += q;
        }
        var header = new List<string> { "Groups", "Name", "Variance", "Std.Dev." };
        if (maxQ > 1)
        {
            header.Add("Corr");
            for (int b = 1; b < maxQ - 1; b++) header.Add("");
        }
        int columns = header.Count;
        var widths = Enumerable.Range(0, columns).Select(c => Math.Max(header[c].Length, rows.Max(r => r[c].Length))).ToArray();
        sb.Append(' ').Append(string.Join(" ", header.Select((h, c) => h.PadRight(widths[c])))).Append('\n');
        foreach (var r in rows) sb.Append(' ').Append(string.Join(" ", r.Select((v, c) => v.PadRight(widths[c])))).Append('\n');
    }

    private static double Correlation(IReadOnlyList<Models.VarianceComponent> vc, string group, string a, string b) =>
        vc.FirstOrDefault(v => v.Group == group && v.IsCovariance && ((v.Name1 == a && v.Name2 == b) || (v.Name1 == b && v.Name2 == a)))?.StandardDeviationOrCorrelation ?? double.NaN;

    /// <summary>lme4's "Correlation of Fixed Effects": abbreviated names, round(r, 3) with 3 decimals, lower triangle.</summary>
    private static void Correlations(StringBuilder sb, GeneralizedLinearMixedModelFit fit)
    {
        sb.Append("\nCorrelation of Fixed Effects:\n");
        int p = fit.FixedEffects.Length;
        var corr = fit.FixedEffectsCorrelation;
        var names = fit.FixedEffectNames;
        var rowNames = names.Select(n => Abbreviate(n, 11)).ToArray();
        var colNames = names.Select(n => Abbreviate(n, 6)).ToArray();
        var all = new List<double>();
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) all.Add(Math.Round(corr[i, j], 3));
        }
        int width = all.Max(v => v.ToString("F3", Inv).Length);
        string Cell(int i, int j) => j < i ? Math.Round(corr[i, j], 3).ToString("F3", Inv).PadLeft(width) : "";
        int rw = rowNames.Skip(1).Max(n => n.Length);
        var colWidths = Enumerable.Range(0, p - 1).Select(j => Math.Max(colNames[j].Length, Enumerable.Range(1, p - 1).Max(i => Cell(i, j).Length))).ToArray();
        sb.Append(new string(' ', rw));
        for (int j = 0; j < p - 1; j++) sb.Append(' ').Append(colNames[j].PadRight(colWidths[j]));
        sb.Append('\n');
        for (int i = 1; i < p; i++)
        {
            sb.Append(rowNames[i].PadRight(rw));
            for (int j = 0; j < p - 1; j++) sb.Append(' ').Append(Cell(i, j).PadRight(colWidths[j]));
            sb.Append('\n');
        }
    }

    /// <summary>R's <c>abbreviate(x, minlength)</c> (method "left.kept"): lower-case vowels dropped from the right
    /// (word-final ones first), then lower-case letters, then any character but a word's first.</summary>
    internal static string Abbreviate(string name, int minLength)
    {
        var s = new StringBuilder(name.Trim());
        if (s.Length <= minLength) return s.ToString();
        bool IsSpace(int i) => i >= 0 && i < s.Length && char.IsWhiteSpace(s[i]);
        bool First(int i) => IsSpace(i - 1);
        bool Last(int i) => !IsSpace(i - 1) && (i + 1 >= s.Length || IsSpace(i + 1));
        bool LowerVowel(int i) => "aeiou".Contains(s[i], StringComparison.Ordinal);
        int spaces = 0;
        for (int i = 1; i < s.Length; i++)
        {
            if (char.IsWhiteSpace(s[i])) spaces++;
        }
        bool Done() => s.Length - spaces <= minLength;
        bool Pass(Func<int, bool> remove)
        {
            for (int i = s.Length - 1; i > 0; i--)
            {
                if (i < s.Length && remove(i)) s.Remove(i, 1);
                if (Done()) return true;
            }
            return false;
        }
        if (!(Pass(i => LowerVowel(i) && Last(i))
            || Pass(i => LowerVowel(i) && !First(i))
            || Pass(i => char.IsLower(s[i]) && Last(i))
            || Pass(i => char.IsLower(s[i]) && !First(i))
            || Pass(i => !First(i) && !char.IsWhiteSpace(s[i]))))
        {
            // nothing left to remove
        }
        if (s.Length > minLength)
        {
            for (int i = s.Length - 1; i > 0; i--)
            {
                if (char.IsWhiteSpace(s[i])) s.Remove(i, 1);
            }
        }
        return s.ToString();
    }

    /// <summary>R's strwrap: words joined while the line stays within <paramref name="width"/>, later lines indented by 2.</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            int indent = lines.Count == 0 ? 0 : 2;
            if (current.Length > 0 && indent + current.Length + 1 + word.Length > width)
            {
                lines.Add(new string(' ', indent) + current);
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(word);
        }
        if (current.Length > 0) lines.Add(new string(' ', lines.Count == 0 ? 0 : 2) + current);
        return lines;
    }
}
