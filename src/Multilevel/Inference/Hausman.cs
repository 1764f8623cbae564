using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Linear;

namespace Multilevel.Inference;

/// <summary>One coefficient compared by the Hausman test.</summary>
/// <param name="Term">Coefficient name.</param>
/// <param name="Fe">Fixed-effects (within) estimate.</param>
/// <param name="FeSe">Its standard error.</param>
/// <param name="Re">Random-effects estimate.</param>
/// <param name="ReSe">Its standard error.</param>
public sealed record HausmanTerm(string Term, double Fe, double FeSe, double Re, double ReSe);

/// <summary>A Wald test that the coefficients of the group means are zero in the Mundlak model.</summary>
/// <param name="ChiSquared">Wald statistic.</param>
/// <param name="Df">Number of group-mean terms.</param>
/// <param name="PValue">P(χ²_df ≥ statistic).</param>
/// <param name="Terms">The group-mean terms with estimate and standard error.</param>
public sealed record MundlakTest(double ChiSquared, int Df, double PValue, IReadOnlyList<(string Term, double Estimate, double StandardError)> Terms);

/// <summary>The Hausman test of the random-effects model against the fixed-effects (within) model.</summary>
/// <param name="ChiSquared">(b_FE − b_RE)ᵀ (V_FE − V_RE)⁻¹ (b_FE − b_RE).</param>
/// <param name="Df">Number of coefficients compared.</param>
/// <param name="PValue">P(χ²_df ≥ statistic).</param>
/// <param name="ReEstimator">Which random-effects estimate was used.</param>
/// <param name="Terms">The coefficients compared.</param>
/// <param name="Mundlak">The Mundlak (correlated random effects) version of the test, when computed.</param>
/// <param name="Notes">Remarks (e.g. V_FE − V_RE not positive definite).</param>
public sealed record HausmanTest(double ChiSquared, int Df, double PValue, string ReEstimator, IReadOnlyList<HausmanTerm> Terms,
    MundlakTest? Mundlak, IReadOnlyList<string> Notes);

/// <summary>
/// The Hausman (1978) specification test: under the random-effects assumption (group effects
/// uncorrelated with the regressors) both estimators are consistent and the random-effects one efficient,
/// so their difference has covariance V_FE − V_RE; a large χ² says the group effects are correlated with x
/// and the random-effects estimate is biased. The coefficients compared are those of the within model
/// (regressors varying inside groups), as plm's <c>phtest</c>.
/// </summary>
public static class Hausman
{
    /// <summary>The test from two sets of estimates.</summary>
    public static HausmanTest Compare(
        IReadOnlyList<string> feNames, IReadOnlyList<double> fe, CoefficientCovariance feCov,
        IReadOnlyList<string> reNames, IReadOnlyList<double> re, CoefficientCovariance reCov, string reEstimator)
    {
        ArgumentNullException.ThrowIfNull(feNames);
        ArgumentNullException.ThrowIfNull(fe);
        ArgumentNullException.ThrowIfNull(feCov);
        ArgumentNullException.ThrowIfNull(reNames);
        ArgumentNullException.ThrowIfNull(re);
        ArgumentNullException.ThrowIfNull(reCov);
        var common = feNames.Where(n => n != "(Intercept)" && reNames.Contains(n)).ToList();
        int k = common.Count;
        if (k == 0) throw new ModelSpecificationException("the fixed- and random-effects models have no coefficient in common to compare");
        var fi = common.Select(n => IndexOf(feNames, n)).ToArray();
        var ri = common.Select(n => IndexOf(reNames, n)).ToArray();
        var d = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(k, a => fe[fi[a]] - re[ri[a]]);
        var v = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k, (a, b) => feCov[fi[a], fi[b]] - reCov[ri[a], ri[b]]);
        var notes = new List<string>();
        var evd = v.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        if (evd.EigenValues.Any(e => !(e.Real > 0)))
        {
            notes.Add("V_FE − V_RE is not positive definite: the χ² statistic is not reliable (the random-effects model may be the wrong one for these data)");
        }
        double chisq = d.DotProduct(v.Solve(d));
        var terms = common.Select((n, a) => new HausmanTerm(n, fe[fi[a]], Math.Sqrt(feCov[fi[a], fi[a]]), re[ri[a]], Math.Sqrt(reCov[ri[a], ri[a]]))).ToList();
        return new HausmanTest(chisq, k, Probability.ChiSquaredUpper(chisq, k), reEstimator, terms, null, notes);
    }

    /// <summary>
    /// Within (fixed effects of <paramref name="group"/>) against Swamy–Arora random-effects GLS, as plm's
    /// <c>phtest(plm(..., model = "within"), plm(..., model = "random"))</c>, with the Mundlak version: the
    /// GLS model with the group means of the within-varying regressors added, and the Wald test that
    /// their coefficients are zero.
    /// </summary>
    public static HausmanTest SwamyArora(ModelDesign design, GroupingVariable group)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(group);
        (design, var gs, _) = GroupingVariable.DropMissing(design, [group]);
        var g = gs[0];
        var within = Within(design, g);
        var feCov = VarianceEstimators.Iid(within);
        var re = RandomEffectsGls.SwamyArora(design, g.Name, g.Codes, g.Levels.Count);
        var test = Compare(within.CoefficientNames, within.Coefficients, feCov, re.CoefficientNames, re.Coefficients, re.Covariance,
            "Swamy-Arora GLS (plm's default random.method = \"swar\")");
        // Mundlak: add the group means of the within-varying regressors.
        var mundlakDesign = WithGroupMeans(design, g, within.CoefficientNames);
        var mre = RandomEffectsGls.SwamyArora(mundlakDesign, g.Name, g.Codes, g.Levels.Count,
            (re.SigmaSquaredResidual, re.SigmaSquaredGroup));
        var meanNames = within.CoefficientNames.Select(MeanName).ToList();
        var mi = meanNames.Select(n => IndexOf(mre.CoefficientNames, n)).Where(j => j >= 0).ToArray();
        var gamma = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(mi.Length, a => mre.Coefficients[mi[a]]);
        var vg = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(mi.Length, mi.Length, (a, b) => mre.Covariance[mi[a], mi[b]]);
        double wald = gamma.DotProduct(vg.Solve(gamma));
        var mundlak = new MundlakTest(wald, mi.Length, Probability.ChiSquaredUpper(wald, mi.Length),
            [.. mi.Select(j => (mre.CoefficientNames[j], mre.Coefficients[j], Math.Sqrt(mre.Covariance[j, j])))]);
        return test with { Mundlak = mundlak, Notes = [.. test.Notes, .. re.Notes] };
    }

    /// <summary>
    /// Within (fixed effects of <paramref name="group"/>) against the linear mixed model with a random
    /// intercept for the group, fitted by REML as lme4's <c>lmer(y ~ x + (1 | g))</c> (its β̂ and the
    /// standard errors from R_X), with the Mundlak version: the same mixed model with the group means of
    /// the within-varying regressors added, and the Wald test that their coefficients are zero.
    /// </summary>
    public static HausmanTest Reml(ModelDesign design, GroupingVariable group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(group);
        (design, var gs, _) = GroupingVariable.DropMissing(design, [group]);
        var g = gs[0];
        var within = Within(design, g);
        var feCov = VarianceEstimators.Iid(within);
        var options = LinearMixedModelOptions.Reml with { CancellationToken = cancellationToken };
        var lmm = LinearMixedModel.Fit(WithRandomIntercept(design, g), options);
        var test = Compare(within.CoefficientNames, within.Coefficients, feCov, lmm.FixedEffectNames, lmm.FixedEffects, Covariance(lmm),
            "REML linear mixed model with a random intercept (lme4's lmer)");
        var mlmm = LinearMixedModel.Fit(WithRandomIntercept(WithGroupMeans(design, g, within.CoefficientNames), g), options);
        var mcov = Covariance(mlmm);
        var mi = within.CoefficientNames.Select(MeanName).Select(n => IndexOf(mlmm.FixedEffectNames, n)).Where(j => j >= 0).ToArray();
        var gamma = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(mi.Length, a => mlmm.FixedEffects[mi[a]]);
        var vg = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(mi.Length, mi.Length, (a, b) => mcov[mi[a], mi[b]]);
        double wald = gamma.DotProduct(vg.Solve(gamma));
        var mundlak = new MundlakTest(wald, mi.Length, Probability.ChiSquaredUpper(wald, mi.Length),
            [.. mi.Select(j => (mlmm.FixedEffectNames[j], mlmm.FixedEffects[j], Math.Sqrt(mcov[j, j])))]);
        var notes = test.Notes.Concat(lmm.Warnings.Select(w => "mixed model: " + w)).ToList();
        return test with { Mundlak = mundlak, Notes = notes };
    }

    private static CoefficientCovariance Covariance(LinearMixedModelFit fit)
    {
        int p = fit.FixedEffects.Length;
        var v = new double[p * p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < p; i++) v[j * p + i] = fit.Vcov[i, j];
        return new CoefficientCovariance("iid", v, p, double.PositiveInfinity);
    }

    /// <summary>The design with a random intercept for the group, <c>(1 | g)</c>.</summary>
    public static ModelDesign WithRandomIntercept(ModelDesign design, GroupingVariable group)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(group);
        var ones = new double[design.Observations];
        Array.Fill(ones, 1.0);
        var term = new ReTerm(group.Name, group.Levels, group.Codes, ["(Intercept)"], ones);
        return design with { RandomEffects = [term] };
    }

    /// <summary>The within (fixed-effects) fit of the design with the group absorbed, singletons kept (as plm).</summary>
    public static LinearModelFit Within(ModelDesign design, GroupingVariable group)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(group);
        var factor = new AbsorbedFactor(group.Name, group.Levels, group.Codes);
        return AbsorbedFixedEffects.Fit(design with { Absorbed = [factor] }, new AbsorbedOptions { DropSingletons = false });
    }

    /// <summary>The name of the group-mean column of a regressor in the Mundlak model.</summary>
    public static string MeanName(string term) => $"mean({term})";

    /// <summary>The design with the group means of the named columns appended (named <c>mean(x)</c>).</summary>
    public static ModelDesign WithGroupMeans(ModelDesign design, GroupingVariable group, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(columns);
        var x = design.X;
        int n = x.Rows, levels = group.Levels.Count;
        var count = new int[levels];
        foreach (int c in group.Codes) count[c]++;
        var data = new double[(long)n * (x.Columns + columns.Count)];
        x.Values.CopyTo(data);
        var names = x.ColumnNames.ToList();
        for (int k = 0; k < columns.Count; k++)
        {
            int j = IndexOf(x.ColumnNames, columns[k]);
            var col = x.Column(j);
            var mean = new double[levels];
            for (int i = 0; i < n; i++) mean[group.Codes[i]] += col[i];
            for (int l = 0; l < levels; l++) if (count[l] > 0) mean[l] /= count[l];
            var dst = data.AsSpan((x.Columns + k) * n, n);
            for (int i = 0; i < n; i++) dst[i] = mean[group.Codes[i]];
            names.Add(MeanName(columns[k]));
        }
        return design with { X = new FixedEffectsMatrix(data, n, names, x.AliasedColumns) };
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        return -1;
    }
}
