using Multilevel.Numerics;
using Xunit;

namespace Multilevel.Tests.Numerics;

public class HouseholderQrTests
{
    /// <summary>Column-major matrix from rows written out.</summary>
    private static double[] ColumnMajor(double[,] rows)
    {
        int n = rows.GetLength(0), p = rows.GetLength(1);
        var a = new double[n * p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++) a[j * n + i] = rows[i, j];
        return a;
    }

    private static double[] RandomMatrix(int n, int p, int seed, out double[] y)
    {
        var rng = new Random(seed);
        var a = new double[n * p];
        for (int i = 0; i < n; i++) a[i] = 1.0;
        for (int k = n; k < a.Length; k++) a[k] = rng.NextDouble() * 4 - 2;
        y = new double[n];
        for (int i = 0; i < n; i++) y[i] = rng.NextDouble() * 10;
        return a;
    }

    /// <summary>Normal equations XᵀX b = Xᵀy by Cholesky (the naive route, fine when well conditioned).</summary>
    private static (double[] Coef, double[] Inverse) NormalEquations(double[] a, int n, int p, double[] y)
    {
        var xtx = new double[p * p];
        var xty = new double[p];
        for (int j = 0; j < p; j++)
        {
            for (int k = 0; k < p; k++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += a[j * n + i] * a[k * n + i];
                xtx[k * p + j] = s;
            }
            double t = 0;
            for (int i = 0; i < n; i++) t += a[j * n + i] * y[i];
            xty[j] = t;
        }
        Assert.Equal(-1, DenseKernels.CholeskyLower(xtx, p, p));
        var b = (double[])xty.Clone();
        DenseKernels.SolveLower(p, xtx, p, b);
        DenseKernels.SolveLowerTranspose(p, xtx, p, b);
        var inv = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            var e = new double[p];
            e[j] = 1;
            DenseKernels.SolveLower(p, xtx, p, e);
            DenseKernels.SolveLowerTranspose(p, xtx, p, e);
            for (int i = 0; i < p; i++) inv[j * p + i] = e[i];
        }
        return (b, inv);
    }

    [Fact]
    public void SimpleRegressionMatchesHandDerivedValues()
    {
        // y = 2/3 + x/2 exactly solves the normal equations for x = 1, 2, 3 and y = 1, 2, 2:
        // x̄ = 2, ȳ = 5/3, Sxy = 1, Sxx = 2.
        var a = ColumnMajor(new double[,] { { 1, 1 }, { 1, 2 }, { 1, 3 } });
        var qr = HouseholderQr.Factor(a, 3, 2);
        Assert.Equal(2, qr.Rank);
        Assert.True(qr.IsFullRank);
        Assert.Empty(qr.AliasedColumns);
        var ls = qr.SolveLeastSquares(new double[] { 1, 2, 2 });
        Assert.Equal(2.0 / 3.0, ls.Coefficients[0], 1e-13);
        Assert.Equal(0.5, ls.Coefficients[1], 1e-13);
        // residuals 1 − (2/3 + 1/2), 2 − (2/3 + 1), 2 − (2/3 + 3/2)
        Assert.Equal(-1.0 / 6.0, ls.Residuals[0], 1e-13);
        Assert.Equal(1.0 / 3.0, ls.Residuals[1], 1e-13);
        Assert.Equal(-1.0 / 6.0, ls.Residuals[2], 1e-13);
        // R as LINPACK signs it: R11 = −√3, R12 = −(1+2+3)/√3, |R22| = √Sxx = √2.
        Assert.Equal(-Math.Sqrt(3), qr.RElement(0, 0), 1e-13);
        Assert.Equal(-6 / Math.Sqrt(3), qr.RElement(0, 1), 1e-13);
        Assert.Equal(Math.Sqrt(2), Math.Abs(qr.RElement(1, 1)), 1e-13);
        // (XᵀX)⁻¹ = [[Σx², −Σx], [−Σx, n]] / (n Σx² − (Σx)²) = [[14, −6], [−6, 3]] / 6.
        var inv = qr.InverseRtR();
        Assert.Equal(14.0 / 6, inv[0], 1e-12);
        Assert.Equal(-1.0, inv[1], 1e-12);
        Assert.Equal(-1.0, inv[2], 1e-12);
        Assert.Equal(0.5, inv[3], 1e-12);
    }

    [Theory]
    [InlineData(50, 1, 1)]
    [InlineData(50, 4, 2)]
    [InlineData(200, 7, 3)]
    [InlineData(9, 9, 4)]
    [InlineData(1000, 12, 5)]
    public void WellConditionedCasesAgreeWithTheNormalEquations(int n, int p, int seed)
    {
        var a = RandomMatrix(n, p, seed, out var y);
        var qr = HouseholderQr.Factor(a, n, p);
        Assert.Equal(p, qr.Rank);
        Assert.Equal(Enumerable.Range(0, p), qr.Pivot);
        var (b, inv) = NormalEquations(a, n, p, y);
        var coef = qr.Solve(y);
        for (int j = 0; j < p; j++) Assert.Equal(b[j], coef[j], 1e-9 * (1 + Math.Abs(b[j])));
        var v = qr.InverseRtR();
        for (int k = 0; k < p * p; k++) Assert.Equal(inv[k], v[k], 1e-9 * (1 + Math.Abs(inv[k])));
    }

    [Fact]
    public void QIsOrthogonalAndReproducesA()
    {
        int n = 30, p = 5;
        var a = RandomMatrix(n, p, 11, out _);
        var qr = HouseholderQr.Factor(a, n, p);
        // Q R (pivot is identity here) must give back A; Qᵀ Q y = y.
        var r = qr.UpperTriangle();
        for (int j = 0; j < p; j++)
        {
            var col = new double[n];
            for (int i = 0; i <= j; i++) col[i] = r[j * p + i];
            qr.ApplyQ(col);
            for (int i = 0; i < n; i++) Assert.Equal(a[j * n + i], col[i], 1e-12);
        }
        var rng = new Random(3);
        var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var back = qr.QY(qr.QtY(y));
        for (int i = 0; i < n; i++) Assert.Equal(y[i], back[i], 1e-13);
        // ‖Qᵀy‖ = ‖y‖
        Assert.Equal(HouseholderQr.Norm(y), HouseholderQr.Norm(qr.QtY(y)), 1e-12);
    }

    [Fact]
    public void ExactCollinearityAtTheEndIsAliased()
    {
        // columns 1, x, 2x: the third is aliased, R gives NA for it.
        double[] x = [0.5, 1.5, -2, 3, 4.25, -1];
        int n = x.Length;
        var a = new double[n * 3];
        for (int i = 0; i < n; i++) { a[i] = 1; a[n + i] = x[i]; a[2 * n + i] = 2 * x[i]; }
        double[] y = [1, 2, 0, 5, 7, 1];
        var qr = HouseholderQr.Factor(a, n, 3);
        Assert.Equal(2, qr.Rank);
        Assert.Equal(new[] { 2 }, qr.AliasedColumns);
        Assert.Equal(new[] { 0, 1 }, qr.KeptColumns);
        var coef = qr.Solve(y);
        Assert.True(double.IsNaN(coef[2]));
        // The other coefficients are those of the regression on 1 and x (hand formula).
        double xb = x.Average(), yb = y.Average();
        double sxy = x.Zip(y, (u, w) => (u - xb) * (w - yb)).Sum();
        double sxx = x.Sum(u => (u - xb) * (u - xb));
        Assert.Equal(sxy / sxx, coef[1], 1e-11);
        Assert.Equal(yb - sxy / sxx * xb, coef[0], 1e-11);
        // (R₁ᵀR₁)⁻¹ is (XᵀX)⁻¹ of the kept columns: [[Σx², −Σx], [−Σx, n]] / (n Sxx).
        var v = qr.InverseRtR();
        Assert.Equal(4, v.Length);
        double sx2 = x.Sum(u => u * u), sx = x.Sum();
        Assert.Equal(sx2 / (n * sxx), v[0], 1e-11);
        Assert.Equal(-sx / (n * sxx), v[1], 1e-11);
        Assert.Equal(1.0 / sxx, v[3], 1e-11);
    }

    [Fact]
    public void AliasedColumnInTheMiddleMovesToTheEndKeepingTheOrderOfTheOthers()
    {
        // columns: 1, a, 1 + a (aliased), b  →  pivot 0, 1, 3, 2 as R's qr()$pivot (1, 2, 4, 3).
        double[] av = [1, 2, 3, 4, 5, 6, 7];
        double[] bv = [2, -1, 0.5, 3, 1, -2, 0];
        int n = av.Length;
        var a = new double[n * 4];
        for (int i = 0; i < n; i++)
        {
            a[i] = 1; a[n + i] = av[i]; a[2 * n + i] = 1 + av[i]; a[3 * n + i] = bv[i];
        }
        var qr = HouseholderQr.Factor(a, n, 4);
        Assert.Equal(3, qr.Rank);
        Assert.Equal(new[] { 0, 1, 3, 2 }, qr.Pivot);
        Assert.Equal(new[] { 2 }, qr.AliasedColumns);
        double[] y = [3, 1, 4, 1, 5, 9, 2];
        var coef = qr.Solve(y);
        Assert.True(double.IsNaN(coef[2]));
        // Same as the fit without the aliased column.
        var a3 = new double[n * 3];
        Array.Copy(a, 0, a3, 0, 2 * n);
        Array.Copy(a, 3 * n, a3, 2 * n, n);
        var (b, _) = NormalEquations(a3, n, 3, y);
        Assert.Equal(b[0], coef[0], 1e-10);
        Assert.Equal(b[1], coef[1], 1e-10);
        Assert.Equal(b[2], coef[3], 1e-10);
    }

    [Fact]
    public void ZeroColumnIsAliasedAndCycledToTheEnd()
    {
        // A zero first column (e.g. a factor level with no rows) is moved to the end at the first step.
        int n = 5;
        var a = new double[n * 3];
        for (int i = 0; i < n; i++) { a[n + i] = 1; a[2 * n + i] = i; }
        var qr = HouseholderQr.Factor(a, n, 3);
        Assert.Equal(2, qr.Rank);
        Assert.Equal(new[] { 1, 2, 0 }, qr.Pivot);
        var coef = qr.Solve(new double[] { 1, 3, 5, 7, 9 });
        Assert.True(double.IsNaN(coef[0]));
        Assert.Equal(1.0, coef[1], 1e-11);
        Assert.Equal(2.0, coef[2], 1e-11);
    }

    [Fact]
    public void DummiesWithAnInterceptAliasTheLastDummy()
    {
        // Intercept + a full set of 3 dummies: the sum of the dummies equals the intercept, so the last
        // dummy (reduced to zero after the others) is aliased.
        int[] g = [0, 0, 1, 1, 1, 2, 2, 0, 2, 1];
        int n = g.Length;
        var a = new double[n * 4];
        for (int i = 0; i < n; i++) { a[i] = 1; a[(1 + g[i]) * n + i] = 1; }
        var qr = HouseholderQr.Factor(a, n, 4);
        Assert.Equal(3, qr.Rank);
        Assert.Equal(new[] { 3 }, qr.AliasedColumns);
        double[] y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var coef = qr.Solve(y);
        // Intercept = mean of the last group; dummies = differences of group means from it.
        double Mean(int level) => Enumerable.Range(0, n).Where(i => g[i] == level).Average(i => y[i]);
        Assert.Equal(Mean(2), coef[0], 1e-11);
        Assert.Equal(Mean(0) - Mean(2), coef[1], 1e-11);
        Assert.Equal(Mean(1) - Mean(2), coef[2], 1e-11);
    }

    [Fact]
    public void NearCollinearityIsJudgedRelativeToTheTolerance()
    {
        // Third column = first + second + ε·e: relative remaining norm ≈ ε / ‖col‖.
        int n = 8;
        var rng = new Random(7);
        var a = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            a[i] = 1; a[n + i] = rng.NextDouble();
            a[2 * n + i] = a[i] + a[n + i];
        }
        a[2 * n + 3] += 1e-10;
        Assert.Equal(2, HouseholderQr.Factor(a, n, 3).Rank);                   // 1e-10 relative < 1e-7
        Assert.Equal(3, HouseholderQr.Factor(a, n, 3, tolerance: 1e-12).Rank); // but > 1e-12
        a[2 * n + 3] += 1e-4;
        Assert.Equal(3, HouseholderQr.Factor(a, n, 3).Rank);
    }

    [Fact]
    public void MoreColumnsThanRowsCapsTheRankAtN()
    {
        int n = 3, p = 5;
        var a = RandomMatrix(n, p, 21, out var y);
        var qr = HouseholderQr.Factor(a, n, p);
        Assert.Equal(3, qr.Rank);
        Assert.Equal(new[] { 3, 4 }, qr.AliasedColumns);
        var ls = qr.SolveLeastSquares(y);
        // Square full-rank system: exact fit.
        for (int i = 0; i < n; i++) Assert.Equal(0.0, ls.Residuals[i], 1e-11);
    }

    [Fact]
    public void ResidualsAreOrthogonalToTheColumns()
    {
        int n = 100, p = 6;
        var a = RandomMatrix(n, p, 8, out var y);
        var ls = HouseholderQr.Factor(a, n, p).SolveLeastSquares(y);
        for (int j = 0; j < p; j++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += a[j * n + i] * ls.Residuals[i];
            Assert.True(Math.Abs(s) < 1e-10, $"column {j}: Xᵀe = {s}");
        }
        for (int i = 0; i < n; i++) Assert.Equal(y[i], ls.Fitted[i] + ls.Residuals[i], 1e-11);
    }

    [Fact]
    public void InputIsNotModifiedAndBadShapesAreRejected()
    {
        var a = RandomMatrix(6, 2, 1, out _);
        var copy = (double[])a.Clone();
        HouseholderQr.Factor(a, 6, 2);
        Assert.Equal(copy, a);
        Assert.Throws<ArgumentException>(() => HouseholderQr.Factor(a, 5, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => HouseholderQr.Factor(a, 6, 2, double.NaN));
    }
}
