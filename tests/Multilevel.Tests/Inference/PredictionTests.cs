using MathNet.Numerics.LinearAlgebra;
using Multilevel.Inference;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>Predictions against lme4's predict() (fixtures/reference-extra/sleepstudy_predict.json) and their error variances against the dense mixed-model equations.</summary>
public class PredictionTests
{
    private static NewObservation Row(double days, string? subject) => new([1.0, days], [subject], [[1.0, days]]);

    [Fact]
    public void PredictionsMatchLme4()
    {
        var reference = Fixtures.Reference("../reference-extra/sleepstudy_predict.json");
        var fit = InferenceReferences.FitAtLme4Theta("sleepstudy");
        var rows = reference.GetProperty("newdata").EnumerateArray()
            .Select(r => Row(r.GetProperty("Days").GetDouble(), r.GetProperty("Subject").GetString())).ToArray();
        var conditional = PredictionIntervals.Predict(fit, rows);
        var population = PredictionIntervals.Predict(fit, [.. rows.Select(r => r with { Levels = [null] })]);
        var ec = reference.GetProperty("predict_conditional").Doubles();
        var ep = reference.GetProperty("predict_population").Doubles();
        for (int i = 0; i < rows.Length; i++)
        {
            InferenceReferences.Close(ec[i], conditional[i].Fit, 1e-7, $"conditional {i}");
            InferenceReferences.Close(ep[i], population[i].Fit, 1e-7, $"population {i}");
        }
        Assert.Equal(["Subject"], conditional[3].NewGroups);   // "999" is a new level
        Assert.Empty(conditional[0].NewGroups);
    }

    [Fact]
    public void ErrorVariancesAreThoseOfTheMixedModelEquations()
    {
        // brute force: C = [ΛᵀZᵀZΛ + I, ΛᵀZᵀX; XᵀZΛ, XᵀX] dense, PEV = σ² aᵀC⁻¹a with a = [Λᵀz; x]
        var fit = InferenceReferences.Fit("sleepstudy");
        var design = fit.Design;
        var term = design.RandomEffects[0];
        int n = design.Observations, q = term.Q, levels = term.LevelCount, m = levels * q, p = 2;
        var lam = Matrix<double>.Build.Dense(q, q);
        lam[0, 0] = fit.Theta[0];
        lam[1, 0] = fit.Theta[1];
        lam[1, 1] = fit.Theta[2];
        var zl = Matrix<double>.Build.Dense(n, m);
        var x = Matrix<double>.Build.Dense(n, p);
        for (int i = 0; i < n; i++)
        {
            int g = term.Codes[i];
            var zi = Vector<double>.Build.Dense([term.Z[i * q], term.Z[i * q + 1]]);
            var zli = lam.TransposeThisAndMultiply(zi);
            for (int c = 0; c < q; c++) zl[i, g * q + c] = zli[c];
            for (int j = 0; j < p; j++) x[i, j] = design.X[i, j];
        }
        var c11 = zl.TransposeThisAndMultiply(zl) + Matrix<double>.Build.DenseIdentity(m);
        var c21 = x.TransposeThisAndMultiply(zl);
        var cm = Matrix<double>.Build.Dense(m + p, m + p);
        cm.SetSubMatrix(0, 0, c11);
        cm.SetSubMatrix(m, 0, c21);
        cm.SetSubMatrix(0, m, c21.Transpose());
        cm.SetSubMatrix(m, m, x.TransposeThisAndMultiply(x));
        var cinv = cm.Inverse();
        double s2 = fit.Sigma * fit.Sigma;
        var sigmaB = lam * lam.Transpose() * s2;

        foreach (var (days, subject) in new[] { (0.0, "308"), (4.5, "335"), (12.0, "372") })
        {
            var pred = PredictionIntervals.Predict(fit, [Row(days, subject)], kind: PredictionKind.Mean)[0];
            var newObs = PredictionIntervals.Predict(fit, [Row(days, subject)])[0];
            int g = term.Levels.ToList().IndexOf(subject);
            var a = Vector<double>.Build.Dense(m + p);
            var lz = lam.TransposeThisAndMultiply(Vector<double>.Build.Dense([1.0, days]));
            a[g * q] = lz[0];
            a[g * q + 1] = lz[1];
            a[m] = 1;
            a[m + 1] = days;
            double pev = s2 * a.DotProduct(cinv * a);
            Assert.Equal(pev, pred.StandardError * pred.StandardError, 1e-8 * pev);
            Assert.Equal(pev + s2, newObs.StandardError * newObs.StandardError, 1e-8 * pev);
            Assert.Equal(newObs.Fit + 1.959963984540054 * newObs.StandardError, newObs.Upper, 1e-9);
        }

        // a new subject: xᵀ vcov(β̂) x + zᵀΣz + σ²
        var rowNew = Row(3, "new subject");
        var pnew = PredictionIntervals.Predict(fit, [rowNew])[0];
        var xv = Vector<double>.Build.Dense([1.0, 3.0]);
        var vb = Matrix<double>.Build.DenseOfArray(fit.Vcov);
        double expected = xv.DotProduct(vb * xv) + xv.DotProduct(sigmaB * xv) + s2;
        Assert.Equal(expected, pnew.StandardError * pnew.StandardError, 1e-8 * expected);
        Assert.Equal(fit.FixedEffects[0] + 3 * fit.FixedEffects[1], pnew.Fit, 1e-10);
    }

    [Fact]
    public void CrossedTermsWithOneNewLevel()
    {
        // penicillin: a seen plate and a new sample, against the dense equations restricted to the plate term
        var fit = Multilevel.Models.LinearMixedModel.Fit(Models.Penicillin());
        var terms = fit.Design.RandomEffects;
        var seen = PredictionIntervals.Predict(fit, [new NewObservation([1.0], [terms[0].Levels[0], terms[1].Levels[0]], [[1.0], [1.0]])])[0];
        var oneNew = PredictionIntervals.Predict(fit, [new NewObservation([1.0], [terms[0].Levels[0], "new"], [[1.0], [1.0]])])[0];
        var allNew = PredictionIntervals.Predict(fit, [new NewObservation([1.0], [null, null], [[1.0], [1.0]])])[0];
        Assert.True(seen.StandardError < oneNew.StandardError && oneNew.StandardError < allNew.StandardError);
        double total = fit.Vcov[0, 0] + fit.VarCorr[0].VarianceOrCovariance + fit.VarCorr[1].VarianceOrCovariance + fit.Sigma * fit.Sigma;
        Assert.Equal(total, allNew.StandardError * allNew.StandardError, 1e-8 * total);
        Assert.Equal(fit.FixedEffects[0], allNew.Fit, 1e-10);
    }
}
