using Multilevel.Inference.Internals;
using Multilevel.Models;

namespace Multilevel.Inference;

/// <summary>
/// A new row to predict: its fixed-effects values (one per column of X, in the fit's order) and, for each
/// random-effects term (in the fit's order), the level and the term's q values (for <c>(1 + Days|Subject)</c>:
/// 1 and the day).
/// </summary>
/// <param name="FixedEffectsRow">x, one value per fixed effect.</param>
/// <param name="Levels">Per term, the level's label; a label the fit has not seen (or null) is a new group.</param>
/// <param name="TermValues">Per term, its q values z.</param>
public sealed record NewObservation(IReadOnlyList<double> FixedEffectsRow, IReadOnlyList<string?> Levels, IReadOnlyList<IReadOnlyList<double>> TermValues);

/// <summary>What a prediction interval covers.</summary>
public enum PredictionKind
{
    /// <summary>A new observation: the residual variance σ² is included (the default).</summary>
    NewObservation,

    /// <summary>The conditional mean xβ + zb of the group (confidence interval of the fitted value): no σ².</summary>
    Mean,
}

/// <summary>A prediction with its standard error and interval.</summary>
/// <param name="Fit">xᵀβ̂ + Σ zᵀb̂ over the terms whose level the fit has seen (a new group contributes 0).</param>
/// <param name="StandardError">Square root of the prediction error variance.</param>
/// <param name="Lower">Lower limit.</param>
/// <param name="Upper">Upper limit.</param>
/// <param name="NewGroups">The terms (by group name) for which the row is in a new group.</param>
public sealed record Prediction(double Fit, double StandardError, double Lower, double Upper, IReadOnlyList<string> NewGroups);

/// <summary>
/// Prediction intervals of a linear mixed model for new observations in existing or new groups, from the exact
/// prediction error variance at (θ̂, σ̂) (Henderson's mixed-model equations): for a row in seen groups the error of
/// xᵀβ̂ + zᵀb̂ as a predictor of xᵀβ + zᵀb has variance σ² ‖L⁻¹ a‖², with a = [Λᵀ z; x] and L the Cholesky factor of
/// the penalised system [ΛᵀZᵀZΛ + I, ΛᵀZᵀX; XᵀZΛ, XᵀX] the fit already holds; a term whose level is new contributes
/// b = 0 to the prediction and its variance zᵀΣz to the error; a new observation adds σ²/w. Limits use the normal
/// quantile (the uncertainty of θ̂ and σ̂ is not included; for that, use the parametric bootstrap).
/// Population-level predictions (lme4's <c>re.form = NA</c>) are rows whose every level is new.
/// </summary>
public static class PredictionIntervals
{
    /// <summary>Predictions with intervals at the given level.</summary>
    public static IReadOnlyList<Prediction> Predict(LinearMixedModelFit fit, IReadOnlyList<NewObservation> rows, double level = 0.95, PredictionKind kind = PredictionKind.NewObservation, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(rows);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the confidence level must lie strictly between 0 and 1; it is {level}");
        if (!(weight > 0)) throw new ArgumentOutOfRangeException(nameof(weight), $"the prior weight of a new observation must be positive; it is {weight}");
        var context = FitContext.Create(fit);
        var evaluator = context.NewEvaluator(fit.Criterion);
        evaluator.Update(fit.Theta);
        var factor = evaluator.Deviance.Factor;
        var terms = fit.Design.RandomEffects;
        int k = terms.Count;
        int p = fit.FixedEffects.Length;
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        double sigma2 = fit.Sigma * fit.Sigma;
        var covariances = VarianceDecomposition.TermCovariances(fit);
        var levelIndex = terms.Select(t => t.Levels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal)).ToArray();
        var lambdas = Enumerable.Range(0, k).Select(t => factor.Lambda(t).ToArray()).ToArray();
        var result = new List<Prediction>(rows.Count);
        foreach (var row in rows)
        {
            if (row.FixedEffectsRow.Count != p) throw new ArgumentException($"a new row has {row.FixedEffectsRow.Count} fixed-effects values; the fit has {p} ({string.Join(", ", fit.FixedEffectNames)})", nameof(rows));
            if (row.Levels.Count != k || row.TermValues.Count != k) throw new ArgumentException($"a new row gives {row.Levels.Count} levels and {row.TermValues.Count} term values; the fit has {k} random-effects terms", nameof(rows));
            double fitted = 0;
            for (int j = 0; j < p; j++) fitted += row.FixedEffectsRow[j] * fit.FixedEffects[j];
            double extra = 0;
            var newGroups = new List<string>();
            var a = new double[k][];
            int first = k;
            for (int t = 0; t < k; t++)
            {
                int q = terms[t].Q;
                var zt = row.TermValues[t];
                if (zt.Count != q) throw new ArgumentException($"term {terms[t].GroupName} has {q} columns; a new row gives {zt.Count} values", nameof(rows));
                a[t] = new double[terms[t].LevelCount * q];
                if (row.Levels[t] is { } label && levelIndex[t].TryGetValue(label, out int g))
                {
                    var b = fit.ConditionalModes[t].Values;
                    for (int c = 0; c < q; c++) fitted += zt[c] * b[g * q + c];
                    // Λᵀ z in the level's slots
                    var lam = lambdas[t];
                    for (int c = 0; c < q; c++)
                    {
                        double s = 0;
                        for (int r = c; r < q; r++) s += lam[c * q + r] * zt[r];
                        a[t][g * q + c] = s;
                    }
                    first = Math.Min(first, t);
                }
                else
                {
                    newGroups.Add(terms[t].GroupName);
                    var cov = covariances[t];
                    for (int c = 0; c < q; c++)
                    {
                        for (int r = 0; r < q; r++) extra += zt[r] * cov[c * q + r] * zt[c];
                    }
                }
            }
            // w = L⁻¹ a: the random-effects part, then the fixed-effects part
            double norm2 = 0;
            if (first < k)
            {
                factor.SolveZ(a, first);
                for (int t = first; t < k; t++)
                {
                    foreach (double v in a[t]) norm2 += v * v;
                }
            }
            var wx = new double[p];
            for (int r = 0; r < p; r++)
            {
                double s = row.FixedEffectsRow[r];
                for (int t = first; t < k; t++)
                {
                    var at = a[t];
                    for (int c = 0; c < at.Length; c++)
                    {
                        if (at[c] != 0) s -= factor.XyRowEntry(t, r, c) * at[c];
                    }
                }
                for (int c = 0; c < r; c++) s -= factor.XyEntry(r, c) * wx[c];
                wx[r] = s / factor.XyEntry(r, r);
                norm2 += wx[r] * wx[r];
            }
            double variance = sigma2 * norm2 + extra + (kind == PredictionKind.NewObservation ? sigma2 / weight : 0);
            double se = Math.Sqrt(variance);
            result.Add(new Prediction(fitted, se, fitted - z * se, fitted + z * se, newGroups));
        }
        return result;
    }
}
