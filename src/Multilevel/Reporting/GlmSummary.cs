using System.Globalization;
using System.Text;
using Multilevel.Inference;
using Multilevel.Models.Glm;

namespace Multilevel.Reporting;

/// <summary>Text summaries of GLM fits: statsmodels' "Generalized Linear Model Regression Results" layout and
/// R's <c>summary.glm</c> layout.</summary>
public static class GlmSummary
{
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string LinkTitle(string link) => link switch
    {
        "cloglog" => "CLogLog",
        _ => Capitalise(link),
    };

    /// <summary>statsmodels' layout; the data and the rows dropped take the place of the date and time rows.</summary>
    public static string Statsmodels(GlmFit fit, string? dataName = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var cov = fit.Covariance();
        var table = StatsmodelsTables.PatsyNames(CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov));
        int width = Math.Max(StatsmodelsTables.Width, StatsmodelsTables.CoefficientTableWidth(table));
        var sb = new StringBuilder();
        StatsmodelsTables.Title(sb, "Generalized Linear Model Regression Results", StatsmodelsTables.Width);
        StatsmodelsTables.Rule(sb, '=', width);
        int dfModel = fit.Rank - (fit.CoefficientNames.Contains("(Intercept)") ? 1 : 0);
        StatsmodelsTables.KeyValues(sb,
            [
                ("Dep. Variable:", fit.ResponseName),
                ("Model:", "GLM"),
                ("Model Family:", Capitalise(fit.Family.Name)),
                ("Link Function:", LinkTitle(fit.Link.Name)),
                ("Method:", "IRLS"),
                ("Data:", dataName ?? ""),
                ("Rows dropped:", CFormat.D(fit.RowsDropped)),
                ("No. Iterations:", CFormat.D(fit.Iterations)),
                ("Covariance Type:", "nonrobust"),
            ],
            [
                ("No. Observations:", CFormat.D(fit.Observations)),
                ("Df Residuals:", CFormat.D(fit.ResidualDf)),
                ("Df Model:", CFormat.D(dfModel)),
                ("Scale:", CFormat.G(fit.Dispersion, 5, 8, alternate: true)),
                ("Log-Likelihood:", CFormat.G(fit.LogLikelihood, 5, 8, alternate: true)),
                ("Deviance:", CFormat.G(fit.Deviance, 5, 8, alternate: true)),
                ("Pearson chi2:", CFormat.G(fit.PearsonChiSquared, 3, 6, alternate: true)),
                ("Pseudo R-squ. (CS):", CFormat.G(fit.CoxSnellRSquared, 4, 6, alternate: true)),
            ]);
        StatsmodelsTables.Rule(sb, '=', width);
        StatsmodelsTables.Coefficients(sb, table, width);
        StatsmodelsTables.Rule(sb, '=', width);
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"\nNull deviance {fit.NullDeviance:F4} on {fit.NullDf} df; residual deviance {fit.Deviance:F4} on {fit.ResidualDf} df; AIC {fit.Aic:F4}; BIC {fit.Bic:F4} (R's glm).\n"));
        if (!fit.Family.FixedDispersion)
        {
            sb.Append($"t tests on {fit.ResidualDf} df (estimated dispersion), as R's summary.glm.\n");
        }
        OlsSummary.AppendMessages(sb, fit.Messages, fit.RowsDropped, fit.RowsInData);
        return sb.ToString();
    }

    /// <summary>R's <c>summary.glm</c> layout.</summary>
    public static string R(GlmFit fit, string dataName = "data")
    {
        ArgumentNullException.ThrowIfNull(fit);
        var cov = fit.Covariance();
        var table = CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov);
        var sb = new StringBuilder();
        string family = fit.Link == fit.Family.DefaultLink ? fit.Family.Name : $"{fit.Family.Name}(link = \"{fit.Link.Name}\")";
        sb.Append("\nCall:\nglm(formula = ").Append(fit.Formula).Append(", family = ").Append(family)
          .Append(", data = ").Append(dataName).Append(")\n\n");
        var devres = new double[fit.Response.Length];
        for (int i = 0; i < devres.Length; i++)
        {
            double d = fit.Family.DevianceResidual(fit.Response[i], fit.Fitted[i], fit.PriorWeights[i]);
            devres[i] = Math.Sign(fit.Response[i] - fit.Fitted[i]) * Math.Sqrt(Math.Max(d, 0));
        }
        sb.Append("Deviance Residuals: \n");
        RText.ResidualQuantiles(sb, devres);
        sb.Append('\n');
        if (fit.AliasedColumns.Count > 0)
        {
            sb.Append("Coefficients: (").Append(fit.AliasedColumns.Count).Append(" not defined because of singularities)\n");
        }
        else sb.Append("Coefficients:\n");
        RText.CoefficientMatrix(sb, table);
        sb.Append('\n');
        sb.Append("(Dispersion parameter for ").Append(fit.Family.Name).Append(" family taken to be ")
          .Append(RText.Signif(fit.Dispersion, 7)).Append(")\n\n");
        var dev = RText.Common([fit.NullDeviance, fit.Deviance], 5);
        int w = Math.Max(dev[0].Length, dev[1].Length);
        sb.Append("    Null deviance: ").Append(dev[0].PadLeft(w)).Append("  on ").Append(fit.NullDf).Append("  degrees of freedom\n");
        sb.Append("Residual deviance: ").Append(dev[1].PadLeft(w)).Append("  on ").Append(fit.ResidualDf).Append("  degrees of freedom\n");
        if (fit.RowsDropped > 0)
        {
            sb.Append("  (").Append(fit.RowsDropped).Append(" observation").Append(fit.RowsDropped == 1 ? "" : "s").Append(" deleted due to missingness)\n");
        }
        sb.Append("AIC: ").Append(RText.Signif(fit.Aic, 5)).Append("\n\n");
        sb.Append("Number of Fisher Scoring iterations: ").Append(fit.Iterations).Append('\n');
        OlsSummary.AppendMessages(sb, fit.Messages, 0, null);
        return sb.ToString();
    }
}
