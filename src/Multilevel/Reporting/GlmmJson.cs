using System.Text;
using System.Text.Json;
using Multilevel.Models.Glmm;

namespace Multilevel.Reporting;

/// <summary>
/// The <c>--json</c> object of a GLMM fit with the field names of the reference JSON (CONTRACT.md): <c>formula</c>,
/// <c>family</c>, <c>link</c>, <c>method</c> (<c>Laplace</c>, <c>AGQn</c>, <c>PIRLS-fast</c>), <c>nAGQ</c>,
/// <c>nobs</c>, <c>rows_dropped</c>, <c>ngroups</c>, <c>logLik</c>, <c>df</c>, <c>AIC</c>, <c>BIC</c>, <c>deviance</c>
/// (−2 logLik, constants included for every nAGQ), <c>conditional_deviance</c> (lme4's <c>deviance()</c>),
/// <c>theta</c>, <c>fixef</c> {estimate, se, z, p}, <c>vcov_source</c>, <c>varcorr</c>, <c>singular</c>,
/// <c>ranef_first</c> (first five levels per grouping factor), <c>converged</c>, <c>warnings</c>, and the work done
/// (<c>optimizer</c>, <c>evaluations</c>, <c>pirls_iterations</c>, <c>seconds</c>). Non-finite numbers are omitted.
/// </summary>
public static class GlmmJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON text of <paramref name="fit"/> (one object).</summary>
    public static string Render(GeneralizedLinearMixedModelFit fit, double seconds = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(fit);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            WriteProperties(w, fit, seconds);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the properties into the current JSON object (<paramref name="seconds"/>: the fitting time, left out when NaN).</summary>
    public static void WriteProperties(Utf8JsonWriter w, GeneralizedLinearMixedModelFit fit, double seconds)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(fit);
        {
            w.WriteString("formula", fit.Formula);
            w.WriteString("family", fit.Family.Name);
            w.WriteString("link", fit.Link.Name);
            w.WriteString("method", fit.Method);
            w.WriteNumber("nAGQ", fit.Nagq);
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
            Number(w, "conditional_deviance", fit.ConditionalDeviance);
            w.WriteStartArray("theta");
            foreach (double t in fit.Theta) w.WriteNumberValue(t);
            w.WriteEndArray();
            w.WriteStartObject("fixef");
            var z = fit.ZValues;
            var p = fit.PValues;
            for (int j = 0; j < fit.FixedEffects.Length; j++)
            {
                w.WriteStartObject(fit.FixedEffectNames[j]);
                Number(w, "estimate", fit.FixedEffects[j]);
                Number(w, "se", fit.StandardErrors[j]);
                Number(w, "z", z[j]);
                Number(w, "p", p[j]);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            if (fit.AliasedColumns.Count > 0)
            {
                w.WriteStartArray("aliased");
                foreach (var a in fit.AliasedColumns) w.WriteStringValue(a);
                w.WriteEndArray();
            }
            w.WriteString("vcov_source", fit.VcovFromHessian ? "hessian" : "RX");
            w.WriteStartArray("varcorr");
            foreach (var v in fit.VarCorr)
            {
                w.WriteStartObject();
                w.WriteString("group", v.Group);
                w.WriteString("var1", v.Name1);
                if (v.Name2 is null) w.WriteNull("var2");
                else w.WriteString("var2", v.Name2);
                Number(w, "vcov", v.VarianceOrCovariance);
                Number(w, "sdcor", v.StandardDeviationOrCorrelation);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("singular", fit.IsSingular);
            w.WriteStartObject("ranef_first");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in fit.ConditionalModes)
            {
                if (!seen.Add(m.DisplayGroup)) continue;
                w.WriteStartArray(m.DisplayGroup);
                for (int g = 0; g < Math.Min(5, m.Levels.Count); g++)
                {
                    w.WriteStartObject();
                    w.WriteString("level", m.Levels[g]);
                    for (int c = 0; c < m.Q; c++) Number(w, m.ColumnNames[c], m[g, c]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteBoolean("converged", fit.Converged);
            w.WriteStartArray("warnings");
            foreach (var s in fit.Warnings) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteStartArray("messages");
            foreach (var s in fit.Messages) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteString("optimizer", fit.OptSummary.Optimizer);
            w.WriteNumber("evaluations", fit.Evaluations);
            w.WriteNumber("pirls_iterations", fit.PirlsIterations);
            Number(w, "seconds", seconds);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
    }
}
