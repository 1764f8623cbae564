using MathNet.Numerics.LinearAlgebra;
using Multilevel.Data;
using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// The profiled deviance and REML criterion of one vector-valued term (q = 2, 3, 4: the first block column of L
/// computed in one pass over the levels) and of a vector term crossed with a scalar one, against the same
/// quantities computed densely and independently of the blocked factor: Z and Λ as full matrices,
/// M = ΛᵀZᵀZΛ + I, the penalised least-squares solution of [ZΛ X] from the normal equations, and the
/// Schur complement XᵀX − XᵀZΛ M⁻¹ ΛᵀZᵀX for REML. 1e-9 relative at random θ (off-diagonal elements of either sign).
/// </summary>
public class DenseObjectiveTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void BlockedDevianceEqualsDenseComputation(int q, bool crossed)
    {
        const int groups = 12, perGroup = 9, others = 5;
        int n = groups * perGroup;
        var rng = new Random(20261122 + q + (crossed ? 100 : 0));
        var x = new double[3][];
        for (int c = 0; c < 3; c++) x[c] = [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2)];
        var g = Enumerable.Range(0, n).Select(i => (i * 7) % groups).ToArray();
        var h = Enumerable.Range(0, n).Select(i => (i * 3 + i / 5) % others).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1 + x[0][i] + Math.Sin(g[i]) * (1 + x[1][i]) + 0.5 * h[i] + rng.NextDouble()).ToArray();
        var frame = new Frame([
            new NumericColumn("y", y), new NumericColumn("x1", x[0]), new NumericColumn("x2", x[1]), new NumericColumn("x3", x[2]),
            new CategoricalColumn("g", g, [.. Enumerable.Range(0, groups).Select(i => $"g{i}")]),
            new CategoricalColumn("h", h, [.. Enumerable.Range(0, others).Select(i => $"h{i}")]),
        ]);
        string slopes = string.Join(" + ", new[] { "1", "x1", "x2", "x3" }.Take(q));
        string formula = $"y ~ x1 + ({slopes} | g)" + (crossed ? " + (1 | h)" : "");

        // dense Z (n × (groups q [+ others])), X (n × 2)
        int re = groups * q + (crossed ? others : 0);
        var z = Matrix<double>.Build.Dense(n, re);
        var xm = Matrix<double>.Build.Dense(n, 2);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < q; c++) z[i, g[i] * q + c] = c == 0 ? 1.0 : x[c - 1][i];
            if (crossed) z[i, groups * q + h[i]] = 1.0;
            xm[i, 0] = 1;
            xm[i, 1] = x[0][i];
        }
        var yv = Vector<double>.Build.DenseOfArray(y);

        foreach (var criterion in new[] { LmmCriterion.MaximumLikelihood, LmmCriterion.Reml })
        {
            var options = new LinearMixedModelOptions { Criterion = criterion };
            var deviance = LinearMixedModel.CreateDeviance(LinearMixedModel.BuildDesign(formula, frame, options), options);
            for (int trial = 0; trial < 4; trial++)
            {
                var theta = new double[deviance.ThetaCount];
                var diagonal = deviance.DiagonalElements;
                for (int t = 0; t < theta.Length; t++) theta[t] = diagonal[t] ? 0.2 + 1.5 * rng.NextDouble() : rng.NextDouble() - 0.5;
                double expected = Dense(z, xm, yv, theta, q, groups, crossed ? others : 0, criterion);
                double actual = deviance.Evaluate(theta);
                Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected),
                    $"{formula} {criterion} at θ = [{string.Join(", ", theta)}]: {actual:R} vs dense {expected:R}");
            }
        }
    }

    private static double Dense(Matrix<double> z, Matrix<double> x, Vector<double> y, double[] theta, int q, int groups, int others, LmmCriterion criterion)
    {
        int re = z.ColumnCount, n = z.RowCount, p = x.ColumnCount;
        // Λ: block diagonal, the same lower-triangular λ (θ column by column) for every level of g; θ's last
        // element scales the crossed scalar term
        var lambda = Matrix<double>.Build.Dense(re, re);
        for (int l = 0; l < groups; l++)
        {
            int t = 0;
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++) lambda[l * q + r, l * q + c] = theta[t++];
            }
        }
        for (int l = 0; l < others; l++) lambda[groups * q + l, groups * q + l] = theta[^1];
        var zl = z * lambda;
        var m = zl.TransposeThisAndMultiply(zl) + Matrix<double>.Build.DenseIdentity(re);
        var cm = m.Cholesky();
        double logDetZ = 2 * Enumerable.Range(0, re).Sum(i => Math.Log(cm.Factor[i, i]));
        // penalised least squares: [M, ZΛᵀX; XᵀZΛ, XᵀX] [u; β] = [ΛᵀZᵀy; Xᵀy]
        var a = Matrix<double>.Build.Dense(re + p, re + p);
        a.SetSubMatrix(0, 0, m);
        var zx = zl.TransposeThisAndMultiply(x);
        a.SetSubMatrix(0, re, zx);
        a.SetSubMatrix(re, 0, zx.Transpose());
        a.SetSubMatrix(re, re, x.TransposeThisAndMultiply(x));
        var rhs = Vector<double>.Build.Dense(re + p);
        rhs.SetSubVector(0, re, zl.TransposeThisAndMultiply(y));
        rhs.SetSubVector(re, p, x.TransposeThisAndMultiply(y));
        var sol = a.Cholesky().Solve(rhs);
        var u = sol.SubVector(0, re);
        var beta = sol.SubVector(re, p);
        var resid = y - zl * u - x * beta;
        double r2 = resid.DotProduct(resid) + u.DotProduct(u);
        if (criterion == LmmCriterion.MaximumLikelihood) return logDetZ + n * (1 + Math.Log(2 * Math.PI * r2 / n));
        var schur = x.TransposeThisAndMultiply(x) - zx.Transpose() * cm.Solve(zx);
        double logDetX = Math.Log(schur.Determinant());
        int nmp = n - p;
        return logDetZ + logDetX + nmp * (1 + Math.Log(2 * Math.PI * r2 / nmp));
    }
}
