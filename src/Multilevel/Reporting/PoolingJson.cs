using System.Text;
using System.Text.Json;
using Multilevel.Inference;
using Multilevel.Models.Glm;
using Multilevel.Models.Linear;

namespace Multilevel.Reporting;

/// <summary>
/// The <c>--json</c> objects of OLS, WLS, between, within (absorbed fixed effects), GLM and by-group fits,
/// with the field names of the reference JSON (CONTRACT.md): always <c>formula</c>, <c>method</c>,
/// <c>nobs</c>, <c>rows_dropped</c>, <c>warnings</c>, <c>converged</c>; quantities that are not defined are
/// omitted, never null.
/// </summary>
public static class PoolingJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Fixef(Utf8JsonWriter w, CoefficientTable table)
    {
        w.WriteStartObject("fixef");
        foreach (var r in table.Rows)
        {
            w.WriteStartObject(r.Name);
            Number(w, "estimate", r.Estimate);
            Number(w, "se", r.StandardError);
            Number(w, table.StatisticName == "z" ? "z" : "t", r.Statistic);
            Number(w, "p", r.PValue);
            Number(w, "lower", r.Lower);
            Number(w, "upper", r.Upper);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A linear-model fit (OLS, WLS, between, within) under a covariance.</summary>
    /// <param name="fit">The fit.</param>
    /// <param name="cov">The covariance of the coefficient table (its type is <c>vcov_type</c>).</param>
    /// <param name="group">For the between estimator: the grouping variable.</param>
    public static string Linear(LinearModelFit fit, CoefficientCovariance cov, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(cov);
        var table = CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov);
        var diag = ResidualDiagnostics.Compute(fit.Residuals, fit.Weights);
        return Write(w =>
        {
            w.WriteString("formula", fit.Formula);
            w.WriteString("method", fit.Method);
            w.WriteString("family", "gaussian");
            w.WriteString("link", "identity");
            w.WriteNumber("nobs", fit.Observations);
            w.WriteNumber("rows_dropped", fit.RowsDropped);
            Strings(w, "warnings", fit.Messages.Concat(cov.Notes ?? []));
            w.WriteBoolean("converged", fit.Absorbed?.Converged ?? true);
            if (group is not null) w.WriteString("group", group);
            Number(w, "logLik", fit.LogLikelihood);
            w.WriteNumber("df", fit.LogLikelihoodDf);
            Number(w, "AIC", fit.Aic);
            Number(w, "BIC", fit.Bic);
            Number(w, "sigma", fit.Sigma);
            Number(w, "r_squared", fit.RSquared);
            Number(w, "adj_r_squared", fit.AdjustedRSquared);
            Number(w, "f_statistic", fit.FStatistic);
            w.WriteNumber("f_df1", fit.FDf1);
            w.WriteNumber("f_df2", fit.FDf2);
            Number(w, "f_p", fit.FPValue);
            w.WriteNumber("df_residual", fit.ResidualDf);
            w.WriteString("vcov_type", cov.Type);
            if (!double.IsPositiveInfinity(cov.DegreesOfFreedom)) w.WriteNumber("t_df", cov.DegreesOfFreedom);
            if (cov.ClusterCounts is { } cc)
            {
                w.WriteStartArray("clusters");
                foreach (int c in cc) w.WriteNumberValue(c);
                w.WriteEndArray();
            }
            Fixef(w, table);
            if (fit.AliasedColumns.Count > 0) Strings(w, "aliased", fit.AliasedColumns);
            if (fit.Absorbed is { } abs)
            {
                w.WriteStartArray("absorbed");
                for (int k = 0; k < abs.Factors.Count; k++)
                {
                    w.WriteStartObject();
                    w.WriteString("factor", abs.Factors[k].Name);
                    w.WriteNumber("levels", abs.Factors[k].Levels.Count);
                    w.WriteNumber("parameters", abs.ParametersPerFactor[k]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("absorbed_parameters", fit.AbsorbedParameters);
                w.WriteNumber("singletons_dropped", abs.SingletonsDropped);
                Number(w, "within_r_squared", abs.WithinRSquared);
                w.WriteNumber("iterations", abs.Iterations);
            }
            w.WriteStartObject("diagnostics");
            Number(w, "omnibus", diag.Omnibus);
            Number(w, "omnibus_p", diag.OmnibusPValue);
            Number(w, "skew", diag.Skew);
            Number(w, "kurtosis", diag.Kurtosis);
            Number(w, "durbin_watson", diag.DurbinWatson);
            Number(w, "jarque_bera", diag.JarqueBera);
            Number(w, "jarque_bera_p", diag.JarqueBeraPValue);
            Number(w, "condition_number", fit.ConditionNumber);
            w.WriteEndObject();
        });
    }

    /// <summary>A GLM fit.</summary>
    public static string Glm(GlmFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var cov = fit.Covariance();
        var table = CoefficientTable.Build(fit.CoefficientNames, fit.Coefficients, cov);
        return Write(w =>
        {
            w.WriteString("formula", fit.Formula);
            w.WriteString("method", fit.Method);
            w.WriteString("family", fit.Family.Name);
            w.WriteString("link", fit.Link.Name);
            w.WriteNumber("nobs", fit.Observations);
            w.WriteNumber("rows_dropped", fit.RowsDropped);
            Strings(w, "warnings", fit.Messages);
            w.WriteBoolean("converged", fit.Converged);
            Number(w, "logLik", fit.LogLikelihood);
            w.WriteNumber("df", fit.LogLikelihoodDf);
            Number(w, "AIC", fit.Aic);
            Number(w, "BIC", fit.Bic);
            Number(w, "deviance", fit.Deviance);
            Number(w, "null_deviance", fit.NullDeviance);
            w.WriteNumber("df_residual", fit.ResidualDf);
            w.WriteNumber("df_null", fit.NullDf);
            Number(w, "dispersion", fit.Dispersion);
            Number(w, "pearson_chi2", fit.PearsonChiSquared);
            w.WriteNumber("iterations", fit.Iterations);
            w.WriteString("vcov_type", cov.Type);
            Fixef(w, table);
            if (fit.AliasedColumns.Count > 0) Strings(w, "aliased", fit.AliasedColumns);
        });
    }

    /// <summary>A Hausman test (CONTRACT.md: <c>chisq</c>, <c>df</c>, <c>p</c>, <c>re_estimator</c>, <c>terms</c>); further
    /// tests with other random-effects estimates go under their own keys (e.g. <c>reml</c>), the Mundlak test
    /// under <c>mundlak</c>.</summary>
    public static string Hausman(HausmanTest test, string formula, string group, int nobs, int groups,
        IReadOnlyDictionary<string, HausmanTest>? others = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        return Write(w =>
        {
            w.WriteString("formula", formula);
            w.WriteString("group", group);
            w.WriteNumber("nobs", nobs);
            w.WriteNumber("ngroups", groups);
            HausmanBody(w, test);
            if (others is not null)
            {
                foreach (var (key, other) in others)
                {
                    w.WriteStartObject(key);
                    HausmanBody(w, other);
                    w.WriteEndObject();
                }
            }
        });
    }

    private static void HausmanBody(Utf8JsonWriter w, HausmanTest test)
    {
        Number(w, "chisq", test.ChiSquared);
        w.WriteNumber("df", test.Df);
        Number(w, "p", test.PValue);
        w.WriteString("re_estimator", test.ReEstimator);
        w.WriteStartObject("terms");
        foreach (var t in test.Terms)
        {
            w.WriteStartObject(t.Term);
            Number(w, "fe", t.Fe);
            Number(w, "fe_se", t.FeSe);
            Number(w, "re", t.Re);
            Number(w, "re_se", t.ReSe);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (test.Mundlak is { } m)
        {
            w.WriteStartObject("mundlak");
            Number(w, "chisq", m.ChiSquared);
            w.WriteNumber("df", m.Df);
            Number(w, "p", m.PValue);
            w.WriteStartObject("terms");
            foreach (var (term, est, se) in m.Terms)
            {
                w.WriteStartObject(term);
                Number(w, "estimate", est);
                Number(w, "se", se);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (test.Notes.Count > 0) Strings(w, "warnings", test.Notes);
    }

    /// <summary>A no-pooling (by-group) fit.</summary>
    public static string ByGroup(NoPoolingFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return Write(w =>
        {
            w.WriteString("formula", fit.Formula);
            w.WriteString("method", "by-group");
            w.WriteString("fit", fit.Method);
            if (fit.Family is not null) w.WriteString("family", fit.Family);
            w.WriteString("group", fit.GroupName);
            w.WriteNumber("nobs", fit.Observations);
            w.WriteNumber("rows_dropped", fit.RowsDropped);
            Strings(w, "warnings", fit.Messages.Concat(fit.Skipped.Select(s => $"group {s.Level} not fitted: {s.Reason}")));
            w.WriteBoolean("converged", true);
            w.WriteNumber("ngroups_fitted", fit.Groups.Count);
            w.WriteStartArray("groups");
            foreach (var g in fit.Groups)
            {
                w.WriteStartObject();
                w.WriteString("level", g.Level);
                w.WriteNumber("nobs", g.Observations);
                Number(w, "sigma", g.Sigma);
                w.WriteStartObject("fixef");
                for (int j = 0; j < fit.CoefficientNames.Count; j++)
                {
                    if (!double.IsFinite(g.Estimates[j])) continue;
                    w.WriteStartObject(fit.CoefficientNames[j]);
                    Number(w, "estimate", g.Estimates[j]);
                    Number(w, "se", g.StandardErrors[j]);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("skipped");
            foreach (var s in fit.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("level", s.Level);
                w.WriteNumber("nobs", s.Observations);
                w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }
}
