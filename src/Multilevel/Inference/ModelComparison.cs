using Multilevel.Design;
using Multilevel.Inference.Internals;
using Multilevel.Models;

namespace Multilevel.Inference;

/// <summary>When <see cref="ModelComparison"/> refits REML fits by maximum likelihood.</summary>
public enum RefitPolicy
{
    /// <summary>
    /// When the fixed effects differ between the models (or a model has no random effects): REML criteria of models
    /// with different fixed effects are not comparable. With the same fixed effects the REML criteria are compared,
    /// as lme4's <c>anova(..., refit = FALSE)</c>. The default.
    /// </summary>
    WhenFixedEffectsDiffer,

    /// <summary>Always, as lme4's <c>anova()</c> default (<c>refit = TRUE</c>).</summary>
    Always,

    /// <summary>Never (an error when the fixed effects differ between REML fits).</summary>
    Never,
}

/// <summary>One row of the comparison table (lme4's <c>anova</c> layout).</summary>
/// <param name="Formula">The model's formula.</param>
/// <param name="Method"><c>REML</c>, <c>ML</c> or <c>OLS</c> (the likelihood compared).</param>
/// <param name="LogLikelihood">log-likelihood (REML log-likelihood for REML rows).</param>
/// <param name="DegreesOfFreedom">Parameters counted (lme4's <c>npar</c>).</param>
/// <param name="Aic">AIC.</param>
/// <param name="Bic">BIC.</param>
/// <param name="Deviance">−2 log-likelihood.</param>
/// <param name="Refitted">True when this row is an ML refit of a REML fit.</param>
public sealed record ComparedModel(string Formula, string Method, double LogLikelihood, int DegreesOfFreedom, double Aic, double Bic, double Deviance, bool Refitted);

/// <summary>A likelihood-ratio test between consecutive models of the table.</summary>
/// <param name="From">Index (0-based, table order) of the smaller model.</param>
/// <param name="To">Index of the larger model.</param>
/// <param name="ChiSquare">2 (ℓ₁ − ℓ₀), at least 0 (as lme4).</param>
/// <param name="DegreesOfFreedom">Difference in parameters.</param>
/// <param name="P">P(χ²_df &gt; statistic); NaN when df is 0.</param>
/// <param name="BoundaryP">
/// When the larger model adds one variance (and the covariances of its column with the k columns already in its
/// term), the null value lies on the boundary of the parameter space and the statistic follows ½χ²_k + ½χ²_(k+1)
/// (Self and Liang 1987; Stram and Lee 1994): this p-value. Null when the models differ otherwise.
/// </param>
/// <param name="BoundaryNote">Which variance is tested and the mixture used.</param>
public sealed record LikelihoodRatioTest(int From, int To, double ChiSquare, int DegreesOfFreedom, double P, double? BoundaryP, string? BoundaryNote);

/// <summary>The comparison table, tests and notes (which models were refitted, and why).</summary>
/// <param name="Models">Models in the table's order (by number of parameters, as lme4).</param>
/// <param name="RefitMl">True when REML fits were refitted by ML.</param>
/// <param name="Tests">Tests between consecutive models.</param>
/// <param name="Notes">Human-readable notes.</param>
/// <param name="Fits">In table order, each model's fit as given or fitted by its criterion, before any ML refit (null for a
/// model without random effects): their variance components are the ones to decompose.</param>
public sealed record ModelComparisonResult(IReadOnlyList<ComparedModel> Models, bool RefitMl, IReadOnlyList<LikelihoodRatioTest> Tests, IReadOnlyList<string> Notes, IReadOnlyList<LinearMixedModelFit?> Fits);

/// <summary>
/// Compares nested models fitted to the same rows, as lme4's <c>anova(m1, m2, …)</c>: a table of AIC, BIC,
/// log-likelihood and deviance, ordered by the number of parameters, and likelihood-ratio tests between consecutive
/// models. REML fits are refitted by ML when their fixed effects differ (<see cref="RefitPolicy"/>), with a note. A
/// model without random effects enters with its OLS log-likelihood (as an <c>lm</c> in lme4's <c>anova</c>), so the
/// random intercept can be tested against OLS; that test, and any that adds a single variance, also gets the
/// boundary-corrected p-value (<see cref="LikelihoodRatioTest.BoundaryP"/>).
/// </summary>
public static class ModelComparison
{
    /// <summary>Fits each design (REML for mixed models, or ML when <paramref name="criterion"/> says so; OLS without random effects) and compares them.</summary>
    public static ModelComparisonResult Compare(IReadOnlyList<ModelDesign> designs, LmmCriterion criterion = LmmCriterion.Reml, RefitPolicy refit = RefitPolicy.WhenFixedEffectsDiffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(designs);
        var entries = designs.Select(d =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return d.RandomEffects.Count > 0
                ? Entry.Mixed(LinearMixedModel.Fit(d, new LinearMixedModelOptions { Criterion = criterion, CancellationToken = cancellationToken }))
                : Entry.Ols(d);
        }).ToList();
        return Compare(entries, refit, cancellationToken);
    }

    /// <summary>Compares fitted linear mixed models.</summary>
    public static ModelComparisonResult Compare(IReadOnlyList<LinearMixedModelFit> fits, RefitPolicy refit = RefitPolicy.WhenFixedEffectsDiffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fits);
        return Compare([.. fits.Select(Entry.Mixed)], refit, cancellationToken);
    }

    private static ModelComparisonResult Compare(List<Entry> entries, RefitPolicy refit, CancellationToken ct)
    {
        if (entries.Count < 2) throw new ArgumentException("a comparison needs at least two models", nameof(entries));
        var nobs = entries.Select(e => e.Design.Observations).Distinct().ToArray();
        if (nobs.Length > 1)
        {
            throw new ModelSpecificationException(
                $"the models were fitted to different numbers of observations ({string.Join(", ", entries.Select(e => $"{e.Design.FormulaText}: {e.Design.Observations}"))}): " +
                "rows with missing values in a variable that only some models use are dropped from those models only; drop them from the data first");
        }
        var notes = new List<string>();
        var given = entries.Select(e => e.Fit).ToList();
        bool anyReml = entries.Any(e => e.Fit is { Criterion: LmmCriterion.Reml });
        bool anyOls = entries.Any(e => e.Fit is null);
        bool fixedDiffer = entries.Select(e => string.Join("\u0001", e.Design.X.ColumnNames)).Distinct().Count() > 1;
        bool refitMl = anyReml && (refit == RefitPolicy.Always || (refit == RefitPolicy.WhenFixedEffectsDiffer && (fixedDiffer || anyOls)));
        if (anyReml && !refitMl && (fixedDiffer || anyOls))
        {
            throw new ModelSpecificationException("REML criteria of models with different fixed effects are not comparable: refit by ML (refit policy Always or WhenFixedEffectsDiffer)");
        }
        if (refitMl)
        {
            notes.Add(fixedDiffer
                ? "refitted the REML fits by ML: their fixed effects differ, and REML likelihoods of different fixed effects are not comparable (as lme4's anova)"
                : anyOls
                    ? "refitted the REML fits by ML: a model without random effects enters with its ML (OLS) likelihood (as lm in lme4's anova)"
                    : "refitted the REML fits by ML (as lme4's anova default)");
            for (int i = 0; i < entries.Count; i++)
            {
                if (entries[i].Fit is { Criterion: LmmCriterion.Reml } f)
                {
                    var ml = LinearMixedModel.Fit(f.Design, new LinearMixedModelOptions { Criterion = LmmCriterion.MaximumLikelihood, StartTheta = f.Theta, CancellationToken = ct });
                    entries[i] = Entry.Mixed(ml) with { Refitted = true };
                }
            }
        }
        else if (anyReml)
        {
            notes.Add("compared REML criteria: the fixed effects are the same in every model (lme4's anova(..., refit = FALSE))");
        }
        if (entries.Any(e => e.Fit is { Converged: false })) notes.Add("some fits did not converge: their likelihoods may be too low");

        // lme4's order: by number of parameters (stable)
        var order = entries.Select((e, i) => (e, i)).OrderBy(p => p.e.Parameters).ThenBy(p => p.i).Select(p => p.i).ToList();
        var ordered = order.Select(i => entries[i]).ToList();
        var models = ordered.Select(e =>
        {
            double n = e.Design.Observations;
            return new ComparedModel(e.Design.FormulaText, e.Method, e.LogLikelihood, e.Parameters,
                -2 * e.LogLikelihood + 2 * e.Parameters, -2 * e.LogLikelihood + e.Parameters * Math.Log(n), -2 * e.LogLikelihood, e.Refitted);
        }).ToList();
        var tests = new List<LikelihoodRatioTest>();
        for (int i = 1; i < ordered.Count; i++)
        {
            double chisq = 2 * Math.Max(0, ordered[i].LogLikelihood - ordered[i - 1].LogLikelihood);
            int df = ordered[i].Parameters - ordered[i - 1].Parameters;
            double p = df > 0 ? ChiSquareUpperTail(chisq, df) : double.NaN;
            var (boundaryP, boundaryNote) = BoundaryTest(ordered[i - 1].Design, ordered[i].Design, chisq, df);
            tests.Add(new LikelihoodRatioTest(i - 1, i, chisq, df, p, boundaryP, boundaryNote));
        }
        return new ModelComparisonResult(models, refitMl, tests, notes, [.. order.Select(i => given[i])]);
    }

    /// <summary>P(χ²_df &gt; x) (0 degrees of freedom: a point mass at 0).</summary>
    public static double ChiSquareUpperTail(double x, int df)
    {
        if (df == 0) return x > 0 ? 0.0 : 1.0;
        if (x <= 0) return 1.0;
        return MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(df / 2.0, x / 2.0);
    }

    /// <summary>
    /// The boundary-corrected p when the larger model adds exactly one variance to the smaller: a new scalar term, or
    /// one more column in a term (with its k covariances); everything else identical.
    /// </summary>
    private static (double? P, string? Note) BoundaryTest(ModelDesign small, ModelDesign large, double chisq, int df)
    {
        if (!small.X.ColumnNames.SequenceEqual(large.X.ColumnNames)) return (null, null);
        static string Key(ReTerm t) => t.GroupName + "|" + string.Join(",", t.ColumnNames);
        var smallTerms = small.RandomEffects.Select(Key).ToList();
        var largeTerms = large.RandomEffects.ToList();
        var unmatched = new List<ReTerm>();
        var remaining = new List<string>(smallTerms);
        foreach (var t in largeTerms)
        {
            if (!remaining.Remove(Key(t))) unmatched.Add(t);
        }
        if (unmatched.Count != 1) return (null, null);
        var added = unmatched[0];
        int k;
        string what;
        if (remaining.Count == 0)
        {
            if (added.Q != 1) return (null, null);
            k = 0;
            what = $"the variance of ({(added.ColumnNames[0] == "(Intercept)" ? "1" : "0 + " + added.ColumnNames[0])}|{added.GroupName})";
        }
        else if (remaining.Count == 1)
        {
            // one term of the smaller model gained a column
            var old = small.RandomEffects.First(t => Key(t) == remaining[0]);
            if (old.GroupName != added.GroupName || added.Q != old.Q + 1 || old.ColumnNames.Any(c => !added.ColumnNames.Contains(c))) return (null, null);
            k = old.Q;
            var extra = added.ColumnNames.First(c => !old.ColumnNames.Contains(c));
            what = $"the variance of {extra} in ({string.Join(" + ", added.ColumnNames)}|{added.GroupName}) and its {k} covariance{(k == 1 ? "" : "s")}";
        }
        else
        {
            return (null, null);
        }
        if (df != k + 1) return (null, null);
        double p = 0.5 * ChiSquareUpperTail(chisq, k) + 0.5 * ChiSquareUpperTail(chisq, k + 1);
        string note = $"H0: {what} = 0 lies on the boundary of the parameter space: p from ½χ²({k}) + ½χ²({k + 1}) (Self and Liang 1987; Stram and Lee 1994)";
        return (p, note);
    }

    private sealed record Entry(ModelDesign Design, LinearMixedModelFit? Fit, string Method, double LogLikelihood, int Parameters, bool Refitted)
    {
        public static Entry Mixed(LinearMixedModelFit fit) => new(fit.Design, fit, fit.Method, fit.LogLikelihood, fit.DegreesOfFreedom, false);

        public static Entry Ols(ModelDesign design)
        {
            var (ll, parameters, _) = OlsLikelihood.Compute(design);
            return new Entry(design, null, "OLS", ll, parameters, false);
        }
    }
}
