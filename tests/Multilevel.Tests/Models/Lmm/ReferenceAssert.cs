using System.Text.Json;
using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// Compares a fit with an lme4 reference JSON at the tolerances of fixtures/reference/README.md: objective 1e-6
/// relative (or lower where lme4 warned), fixed effects 1e-5 relative, standard errors 1e-4, variance components
/// 1e-4, θ 1e-4 absolute, first conditional modes 1e-4 absolute; where lme4 warned, the estimates need only
/// agree to 10× these. A variance component of (nearly) zero cannot be compared relatively: there the
/// allowance is the variance that the θ tolerance allows, σ²·(θ tolerance)².
/// </summary>
internal static class ReferenceAssert
{
    public const double ObjectiveTol = 1e-6;
    public const double FixedEffectTol = 1e-5;
    public const double StandardErrorTol = 1e-4;
    public const double VarianceTol = 1e-4;
    public const double ThetaTol = 1e-4;
    public const double ModeTol = 1e-4;

    public static void Matches(LinearMixedModelFit fit, JsonElement reference, double scale = 1.0)
    {
        string name = reference.GetProperty("name").GetString()!;
        bool warned = reference.TryGetProperty("lme4_warnings", out var lw) && lw.GetArrayLength() > 0;
        double f = warned ? 10 * scale : scale;
        var errors = new List<string>();

        double expectedObjective = reference.GetProperty("deviance").GetDouble();
        if (warned)
        {
            if (fit.Objective > expectedObjective * (1 + ObjectiveTol * scale))
            {
                errors.Add($"objective {fit.Objective:R} is above lme4's {expectedObjective:R} (lme4 warned, ours must be as low or lower)");
            }
        }
        else
        {
            Rel(errors, "objective", fit.Objective, expectedObjective, ObjectiveTol * scale);
        }
        Assert.Equal(reference.GetProperty("nobs").GetInt32(), fit.Observations);
        Assert.Equal(reference.GetProperty("method").GetString(), fit.Method);
        if (reference.TryGetProperty("REMLcrit", out var rc) && rc.ValueKind == JsonValueKind.Number)
        {
            Assert.NotNull(fit.RemlCriterion);
        }
        if (reference.TryGetProperty("df", out var df)) Assert.Equal(df.GetInt32(), fit.DegreesOfFreedom);
        if (reference.TryGetProperty("rows_dropped", out var dropped)) Assert.Equal(dropped.GetInt32(), fit.RowsDropped);

        var theta = reference.GetProperty("theta").Doubles();
        Assert.Equal(theta.Length, fit.Theta.Length);
        for (int i = 0; i < theta.Length; i++) Abs(errors, $"θ[{i + 1}]", fit.Theta[i], theta[i], ThetaTol * f);

        double sigma2 = fit.Sigma * fit.Sigma;
        Rel(errors, "sigma", fit.Sigma, reference.GetProperty("sigma").GetDouble(), VarianceTol * f);
        foreach (var fe in reference.GetProperty("fixef").EnumerateObject())
        {
            int j = fit.FixedEffectNames.ToList().IndexOf(fe.Name);
            if (j < 0)
            {
                errors.Add($"fixed effect {fe.Name} missing");
                continue;
            }
            Rel(errors, $"β {fe.Name}", fit.FixedEffects[j], fe.Value.GetProperty("estimate").GetDouble(), FixedEffectTol * f);
            Rel(errors, $"se {fe.Name}", fit.StandardErrors[j], fe.Value.GetProperty("se").GetDouble(), StandardErrorTol * f);
        }
        Assert.Equal(reference.GetProperty("fixef").EnumerateObject().Count(), fit.FixedEffects.Length);

        var vc = reference.TryGetProperty("varcorr", out var vcs) ? vcs.EnumerateArray().ToList() : [];
        if (vc.Count > 0)
        {
        Assert.Equal(vc.Count, fit.VarCorr.Count);
        for (int i = 0; i < vc.Count; i++)
        {
            var e = vc[i];
            var a = fit.VarCorr[i];
            Assert.Equal(e.GetProperty("group").GetString(), a.Group);
            Assert.Equal(Str(e, "var1"), a.Name1);
            Assert.Equal(Str(e, "var2"), a.Name2);
            double ev = e.GetProperty("vcov").GetDouble();
            double floor = sigma2 * ThetaTol * ThetaTol * f * f;
            if (Math.Abs(a.VarianceOrCovariance - ev) > Math.Max(VarianceTol * f * Math.Abs(ev), floor))
            {
                errors.Add($"vcov {a.Group} {a.Name1} {a.Name2}: {a.VarianceOrCovariance:R} vs {ev:R}");
            }
            double es = e.GetProperty("sdcor").GetDouble();
            if (a.IsCovariance)
            {
                Abs(errors, $"correlation {a.Group} {a.Name1} {a.Name2}", a.StandardDeviationOrCorrelation, es, VarianceTol * f);
            }
            else if (Math.Abs(a.StandardDeviationOrCorrelation - es) > Math.Max(VarianceTol * f * Math.Abs(es), Math.Sqrt(floor)))
            {
                errors.Add($"sd {a.Group} {a.Name1}: {a.StandardDeviationOrCorrelation:R} vs {es:R}");
            }
        }
        }

        if (reference.TryGetProperty("singular", out var singular)) Assert.Equal(singular.GetBoolean(), fit.IsSingular);

        var ranef = reference.TryGetProperty("ranef_first", out var rf) ? rf.EnumerateObject().ToList() : [];
        foreach (var group in ranef)
        {
            var terms = fit.ConditionalModes.Where(t => t.Group == group.Name).ToList();
            Assert.NotEmpty(terms);
            foreach (var entry in group.Value.EnumerateArray())
            {
                string level = entry.GetProperty("level").GetString()!;
                foreach (var col in entry.EnumerateObject().Where(p => p.Name != "level"))
                {
                    var term = terms.Single(t => t.ColumnNames.Contains(col.Name));
                    int g = term.Levels.ToList().IndexOf(level);
                    Assert.True(g >= 0, $"{name}: level {level} of {group.Name} missing");
                    int c = term.ColumnNames.ToList().IndexOf(col.Name);
                    Abs(errors, $"mode {group.Name} {level} {col.Name}", term[g, c], col.Value.GetDouble(), ModeTol * f);
                }
            }
        }
        Assert.True(errors.Count == 0, $"{name}:\n  " + string.Join("\n  ", errors));
    }

    private static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Rel(List<string> errors, string what, double actual, double expected, double tol)
    {
        if (!(Math.Abs(actual - expected) <= tol * Math.Abs(expected)))
        {
            errors.Add($"{what}: {actual:R} vs {expected:R} (rel {Math.Abs(actual - expected) / Math.Abs(expected):E2}, tol {tol:E1})");
        }
    }

    private static void Abs(List<string> errors, string what, double actual, double expected, double tol)
    {
        if (!(Math.Abs(actual - expected) <= tol))
        {
            errors.Add($"{what}: {actual:R} vs {expected:R} (abs {Math.Abs(actual - expected):E2}, tol {tol:E1})");
        }
    }
}
