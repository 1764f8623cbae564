using System.Text.Json;
using Multilevel.Models;

namespace Multilevel.Reporting;

/// <summary>
/// The JSON properties of a linear mixed-model fit, with the field names of the lme4 references
/// (<c>formula, family, link, method, nobs, ngroups, logLik, df, AIC, BIC, deviance, REMLcrit, sigma, theta, fixef,
/// varcorr, singular, ranef_first</c>) plus <c>converged, evaluations, seconds, rows_dropped, warnings</c>
/// (CONTRACT.md). Non-finite numbers are left out; <c>var1</c>/<c>var2</c> are null where R's are NA.
/// </summary>
public static class LmmJson
{
    /// <summary>Writes the properties into the current JSON object.</summary>
    public static void WriteProperties(Utf8JsonWriter w, LinearMixedModelFit fit, double seconds)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(fit);
        w.WriteString("formula", fit.Formula);
        w.WriteString("family", "gaussian");
        w.WriteString("link", "identity");
        w.WriteString("method", fit.Method);
        w.WriteNumber("nobs", fit.Observations);
        w.WriteNumber("rows_dropped", fit.RowsDropped);
        w.WriteStartObject("ngroups");
        foreach (var g in fit.Groups) w.WriteNumber(g.Group, g.Levels);
        w.WriteEndObject();
        Number(w, "logLik", fit.LogLikelihood);
        w.WriteNumber("df", fit.DegreesOfFreedom);
        Number(w, "AIC", fit.Aic);
        Number(w, "BIC", fit.Bic);
        Number(w, "deviance", fit.Deviance);
        if (fit.RemlCriterion is { } reml) Number(w, "REMLcrit", reml);
        Number(w, "sigma", fit.Sigma);
        w.WriteStartArray("theta");
        foreach (double t in fit.Theta) w.WriteNumberValue(t);
        w.WriteEndArray();
        w.WriteStartObject("fixef");
        for (int j = 0; j < fit.FixedEffects.Length; j++)
        {
            w.WriteStartObject(fit.FixedEffectNames[j]);
            Number(w, "estimate", fit.FixedEffects[j]);
            Number(w, "se", fit.StandardErrors[j]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (fit.AliasedColumns.Count > 0)
        {
            w.WriteStartArray("aliased");
            foreach (var a in fit.AliasedColumns) w.WriteStringValue(a);
            w.WriteEndArray();
        }
        w.WriteStartArray("varcorr");
        foreach (var v in fit.VarCorr)
        {
            w.WriteStartObject();
            w.WriteString("group", v.Group);
            if (v.Name1 is null) w.WriteNull("var1");
            else w.WriteString("var1", v.Name1);
            if (v.Name2 is null) w.WriteNull("var2");
            else w.WriteString("var2", v.Name2);
            Number(w, "vcov", v.VarianceOrCovariance);
            Number(w, "sdcor", v.StandardDeviationOrCorrelation);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("singular", fit.IsSingular);
        w.WriteStartObject("ranef_first");
        foreach (var group in fit.ConditionalModes.GroupBy(t => t.Group))
        {
            var terms = group.ToList();
            var levels = terms[0].Levels;
            w.WriteStartArray(group.Key);
            for (int g = 0; g < Math.Min(5, levels.Count); g++)
            {
                w.WriteStartObject();
                w.WriteString("level", levels[g]);
                foreach (var term in terms)
                {
                    for (int c = 0; c < term.Q; c++) Number(w, term.ColumnNames[c], term[g, c]);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteBoolean("converged", fit.Converged);
        w.WriteString("optimizer", fit.OptSummary.Optimizer);
        w.WriteNumber("evaluations", fit.OptSummary.Evaluations);
        Number(w, "seconds", seconds);
        w.WriteStartArray("warnings");
        foreach (var s in fit.Warnings) w.WriteStringValue(s);
        w.WriteEndArray();
        if (fit.Messages.Count > 0)
        {
            w.WriteStartArray("messages");
            foreach (var s in fit.Messages) w.WriteStringValue(s);
            w.WriteEndArray();
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
    }
}
