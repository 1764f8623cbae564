using System.Globalization;
using System.Text;
using Multilevel.Inference;
using Multilevel.Models.Linear;

namespace Multilevel.Reporting;

/// <summary>
/// Text summaries of linear-model fits (OLS, WLS, between, within): statsmodels' "OLS Regression Results"
/// layout (the tutorial's tables) and R's <c>summary.lm</c> layout.
/// </summary>
public static class OlsSummary
{
    /// <summary>statsmodels' AIC: −2 logLik + 2 k with k the coefficients (and absorbed effects), σ not counted.</summary>
    public static double StatsmodelsAic(LinearModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return -2 * fit.LogLikelihood + 2 * (fit.Rank + fit.AbsorbedParameters);
    }

    /// <summary>statsmodels' BIC: −2 logLik + log(n) k, σ not counted.</summary>
    public static double StatsmodelsBic(LinearModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return -2 * fit.LogLikelihood + Math.Log(fit.Observations) * (fit.Rank + fit.AbsorbedParameters);
    }

    /// <summary>The overall F test under a covariance: Wald F = bᵀV⁻¹b / q over the non-intercept
    /// coefficients (the classical F for iid), with its df and p-value.</summary>
    public static (double F, int Df1, double Df2, double P) OverallF(LinearModelFit fit, CoefficientCovariance cov)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(cov);
        if (cov.Type == "iid") return (fit.FStatistic, fit.FDf1, fit.FDf2, fit.FPValue);
        var idx = Enumerable.Range(0, fit.Rank).Where(j => fit.CoefficientNames[j] != "(Intercept)").ToArray();
        int q = idx.Length;
        if (q == 0) return (double.NaN, 0, cov.DegreesOfFreedom, double.NaN);
        var v = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(q, q, (a, b) => cov[idx[a], idx[b]]);
        var bvec = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(q, a => fit.Coefficients[idx[a]]);
        double wald;
        try { wald = bvec.DotProduct(v.Solve(bvec)); }
        catch (ArgumentException) { wald = double.NaN; }
        double f = wald / q;
        return (f, q, cov.DegreesOfFreedom, Probability.FUpper(f, q, cov.DegreesOfFreedom));
    }

    /// <summary>statsmodels' layout. In place of statsmodels' date and time rows (the output stays
    /// reproducible) it shows the data and the rows dropped; the intercept is named <c>Intercept</c>, as
    /// statsmodels (patsy) names it.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="cov">The covariance the coefficient table uses.</param>
    /// <param name="groupNote">For the between estimator: the sentence describing the groups.</param>
    /// <param name="dataName">The data, as given on the command line.</param>
    public static string Statsmodels(LinearModelFit fit, CoefficientCovariance cov, string? groupNote = null, string? dataName = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(cov);
        var table = StatsmodelsTables.PatsyNames(CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov));
        var diag = ResidualDiagnostics.Compute(fit.Residuals, fit.Weights);
        var (f, _, _, fp) = OverallF(fit, cov);
        int width = Math.Max(StatsmodelsTables.Width, StatsmodelsTables.CoefficientTableWidth(table));
        var sb = new StringBuilder();
        string model = fit.Weights is null ? "OLS" : "WLS";
        StatsmodelsTables.Title(sb, $"{model} Regression Results", StatsmodelsTables.Width);
        StatsmodelsTables.Rule(sb, '=', width);
        int dfModel = fit.Rank - (fit.CoefficientNames.Contains("(Intercept)") ? 1 : 0);
        string method = fit.Method switch
        {
            "within" => "Within",
            "between" => "Between",
            _ => "Least Squares",
        };
        var left = new List<(string, string)>
        {
            ("Dep. Variable:", fit.ResponseName),
            ("Model:", model),
            ("Method:", method),
            ("Data:", dataName ?? ""),
            ("Rows dropped:", CFormat.D(fit.RowsDropped)),
            ("No. Observations:", CFormat.D(fit.Observations)),
            ("Df Residuals:", CFormat.D(fit.ResidualDf)),
            ("Df Model:", CFormat.D(dfModel)),
            ("Covariance Type:", StatsmodelsTables.CovarianceTypeName(cov.Type)),
        };
        string rsq = fit.HasIntercept ? "" : " (uncentered)";
        var right = new List<(string, string)>
        {
            ($"R-squared{rsq}:", CFormat.F(fit.RSquared, 3, 8)),
            ($"Adj. R-squared{rsq}:", CFormat.F(fit.AdjustedRSquared, 3, 8)),
            ("F-statistic:", CFormat.G(f, 4, 8, alternate: true)),
            ("Prob (F-statistic):", CFormat.G(fp, 3, 6, alternate: true)),
            ("Log-Likelihood:", CFormat.G(fit.LogLikelihood, 5, 8, alternate: true)),
            ("AIC:", CFormat.G(StatsmodelsAic(fit), 4, 8, alternate: true)),
            ("BIC:", CFormat.G(StatsmodelsBic(fit), 4, 8, alternate: true)),
        };
        if (fit.Absorbed is { } abs)
        {
            left.Add(("Fixed effects:", string.Join(" + ", abs.Factors.Select(x => $"{x.Name} ({x.Levels.Count})"))));
            right.Add(("Within R-squared:", CFormat.F(abs.WithinRSquared, 3, 8)));
        }
        StatsmodelsTables.KeyValues(sb, left, right);
        StatsmodelsTables.Rule(sb, '=', width);
        StatsmodelsTables.Coefficients(sb, table, width);
        StatsmodelsTables.Rule(sb, '=', width);
        StatsmodelsTables.KeyValues(sb,
            [
                ("Omnibus:", CFormat.F(diag.Omnibus, 3, 6)),
                ("Prob(Omnibus):", CFormat.F(diag.OmnibusPValue, 3, 6)),
                ("Skew:", CFormat.F(diag.Skew, 3, 6)),
                ("Kurtosis:", CFormat.F(diag.Kurtosis, 3, 6)),
            ],
            [
                ("Durbin-Watson:", CFormat.F(diag.DurbinWatson, 3, 8)),
                ("Jarque-Bera (JB):", CFormat.F(diag.JarqueBera, 3, 8)),
                ("Prob(JB):", CFormat.G(diag.JarqueBeraPValue, 3, 8, alternate: true)),
                ("Cond. No.", CFormat.G(fit.ConditionNumber, 3, 8, alternate: true)),
            ]);
        StatsmodelsTables.Rule(sb, '=', width);
        var notes = new List<string> { StatsmodelsTables.CovarianceNote(cov) };
        if (fit.ConditionNumber > 1000)
        {
            notes.Add($"The condition number is large, {CFormat.G(fit.ConditionNumber, 2)}. This might indicate that there are strong multicollinearity or other numerical problems.");
        }
        int k = fit.Rank + fit.AbsorbedParameters;
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"AIC and BIC count the {k} coefficients, as statsmodels; R's AIC() and BIC() also count σ: {fit.Aic:F4} and {fit.Bic:F4}."));
        if (groupNote is not null) notes.Add(groupNote);
        if (fit.Absorbed is { } a)
        {
            string how = a.Factors.Count == 1 ? "one factor: exact group-mean removal"
                : $"{a.Iterations} conjugate-gradient iteration{(a.Iterations == 1 ? "" : "s")}, {(a.Converged ? "converged" : "NOT converged")}";
            notes.Add($"Fixed effects absorbed by the within transformation ({how}); " +
                $"{fit.AbsorbedParameters} parameters counted in the degrees of freedom ({string.Join(" + ", a.ParametersPerFactor)}).");
        }
        if (cov.Notes is { Count: > 0 }) notes.AddRange(cov.Notes);
        sb.Append("\nNotes:\n");
        for (int i = 0; i < notes.Count; i++) sb.Append('[').Append(i + 1).Append("] ").Append(notes[i]).Append('\n');
        AppendMessages(sb, fit.Messages, fit.RowsDropped, fit.Method == "within" ? null : fit.RowsInData);
        return sb.ToString();
    }

    internal static void AppendMessages(StringBuilder sb, IReadOnlyList<string> messages, int rowsDropped, int? rowsInData)
    {
        var shown = messages.Where(m => !m.StartsWith("between estimator:", StringComparison.Ordinal)).ToList();
        if (shown.Count == 0 && rowsDropped == 0) return;
        sb.Append('\n');
        foreach (var m in shown) sb.Append(m).Append('\n');
        if (rowsDropped > 0 && !shown.Any(m => m.Contains("missing", StringComparison.Ordinal)))
        {
            sb.Append(rowsDropped).Append(" row(s) dropped (missing values");
            sb.Append(rowsInData is null ? " or singletons" : "").Append(").\n");
        }
    }

    /// <summary>The estimates as pandas prints statsmodels' <c>result.params</c> (the tutorial's fixed-effects
    /// models): names left-aligned, six decimals right-aligned, then <c>dtype: float64</c>.</summary>
    public static string Params(LinearModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var names = fit.CoefficientNames.Select(n => n == "(Intercept)" ? "Intercept" : n).ToList();
        var values = fit.Coefficients.Select(v => v.ToString("F6", CultureInfo.InvariantCulture)).ToList();
        int nw = names.Count == 0 ? 0 : names.Max(n => n.Length);
        int vw = values.Count == 0 ? 0 : values.Max(v => v.Length);
        var sb = new StringBuilder();
        for (int j = 0; j < names.Count; j++) sb.Append(names[j].PadRight(nw)).Append("    ").Append(values[j].PadLeft(vw)).Append('\n');
        sb.Append("dtype: float64\n");
        return sb.ToString();
    }

    /// <summary>R's <c>summary.lm</c> layout.</summary>
    public static string R(LinearModelFit fit, CoefficientCovariance cov, string dataName = "data")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(cov);
        var table = CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov);
        var sb = new StringBuilder();
        sb.Append("\nCall:\n");
        string call = fit.Method switch
        {
            "within" => "feols",
            _ => "lm",
        };
        sb.Append(call).Append("(formula = ").Append(fit.Formula).Append(", data = ").Append(dataName);
        if (fit.Weights is not null) sb.Append(", weights = ...");
        sb.Append(")\n\n");
        var wres = fit.Weights is null ? fit.Residuals : fit.Residuals.Select((e, i) => Math.Sqrt(fit.Weights[i]) * e).ToArray();
        sb.Append(fit.Weights is null ? "Residuals:\n" : "Weighted Residuals:\n");
        RText.ResidualQuantiles(sb, wres);
        sb.Append('\n');
        if (fit.AliasedColumns.Count > 0)
        {
            sb.Append("Coefficients: (").Append(fit.AliasedColumns.Count).Append(" not defined because of singularities)\n");
        }
        else sb.Append("Coefficients:\n");
        RText.CoefficientMatrix(sb, table);
        sb.Append('\n');
        if (cov.Type != "iid") sb.Append("Standard errors: ").Append(cov.Type).Append('\n');
        sb.Append("Residual standard error: ").Append(RText.Signif(fit.Sigma, 4)).Append(" on ").Append(fit.ResidualDf).Append(" degrees of freedom\n");
        if (fit.RowsDropped > 0)
        {
            sb.Append("  (").Append(fit.RowsDropped).Append(" observation").Append(fit.RowsDropped == 1 ? "" : "s").Append(" deleted due to missingness)\n");
        }
        sb.Append("Multiple R-squared:  ").Append(RText.FormatC(fit.RSquared, 4))
          .Append(",\tAdjusted R-squared:  ").Append(RText.FormatC(fit.AdjustedRSquared, 4)).Append(" \n");
        if (fit.Absorbed is { } abs) sb.Append("Within R-squared:  ").Append(RText.Signif(abs.WithinRSquared, 4)).Append('\n');
        var (f, df1, df2, p) = OverallF(fit, cov);
        if (df1 > 0)
        {
            sb.Append("F-statistic: ").Append(RText.FormatC(f, 4)).Append(" on ").Append(df1).Append(" and ")
              .Append(df2.ToString(CultureInfo.InvariantCulture)).Append(" DF,  p-value: ").Append(RText.PValue(p)).Append('\n');
        }
        AppendMessages(sb, fit.Messages, 0, null);
        return sb.ToString();
    }
}
