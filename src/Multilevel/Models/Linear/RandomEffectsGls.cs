using Multilevel.Design;
using Multilevel.Numerics;

namespace Multilevel.Models.Linear;

/// <summary>
/// The one-way random-effects model y_ij = x_ijᵀβ + u_j + ε_ij estimated by feasible GLS with the
/// Swamy–Arora variance components, as plm's <c>plm(model = "random")</c> (its default
/// <c>random.method = "swar"</c>; for unbalanced groups the unbiased version, <c>dfcor = c(3, 3)</c>).
/// </summary>
/// <remarks>
/// <para>Variance components from two quadratic forms: the within regression's residual sum of squares
/// q_w = (n − G − K_w) σ²_ε, and the residual sum of squares of the between regression on the group means
/// repeated for each row (each group weighted by its size T_j), q_b = (G − K − 1) σ²_ε + (n − tr[(Z̄ᵀZ̄)⁻¹ Σ_j T_j² z̄_j z̄_jᵀ]) σ²_u,
/// with Z̄ᵀZ̄ = Σ_j T_j z̄_j z̄_jᵀ over the columns z of X (intercept included) and K the columns besides the
/// intercept. A negative σ²_u is set to 0.</para>
/// <para>GLS by quasi-demeaning: with θ_j = 1 − √(σ²_ε / (T_j σ²_u + σ²_ε)), OLS of y − θ_j ȳ_j on
/// X − θ_j x̄_j; the covariance is the residual variance of that regression times its (X*ᵀX*)⁻¹.</para>
/// </remarks>
public static class RandomEffectsGls
{
    /// <summary>Fits the model.</summary>
    /// <param name="design">The design (with an intercept; no weights, offsets, random-effects terms or absorbed factors).</param>
    /// <param name="groupName">The grouping variable.</param>
    /// <param name="groupCodes">Per used row, the group (0-based).</param>
    /// <param name="levelCount">Number of levels the codes index.</param>
    /// <param name="components">Variance components (σ²_ε, σ²_u) to use instead of estimating them from this
    /// design (the Mundlak model takes those of the model without the group means, whose between
    /// regression would be singular).</param>
    public static RandomEffectsGlsFit SwamyArora(ModelDesign design, string groupName, int[] groupCodes, int levelCount,
        (double SigmaSquaredResidual, double SigmaSquaredGroup)? components = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(groupCodes);
        if (design.Weights is not null || design.Offset is not null)
        {
            throw new ModelSpecificationException("the Swamy–Arora random-effects estimator takes no weights or offsets");
        }
        var x = design.X;
        int n = x.Rows, p = x.Columns;
        if (!x.ColumnNames.Contains("(Intercept)"))
        {
            throw new ModelSpecificationException("the random-effects (GLS) model needs an intercept");
        }
        var y = design.Response.Values;
        // Group sizes and means (present groups only).
        var size = new int[levelCount];
        foreach (int g in groupCodes) size[g]++;
        int groups = size.Count(s => s > 0);
        var ybar = new double[levelCount];
        for (int i = 0; i < n; i++) ybar[groupCodes[i]] += y[i];
        for (int g = 0; g < levelCount; g++) if (size[g] > 0) ybar[g] /= size[g];
        var xbar = new double[(long)levelCount * p];   // column-major levelCount × p
        for (int j = 0; j < p; j++)
        {
            var col = x.Column(j);
            for (int i = 0; i < n; i++) xbar[(long)j * levelCount + groupCodes[i]] += col[i];
            for (int g = 0; g < levelCount; g++) if (size[g] > 0) xbar[(long)j * levelCount + g] /= size[g];
        }

        double sigma2e, sigma2u;
        var notes = new List<string>();
        if (components is { } given)
        {
            (sigma2e, sigma2u) = given;
        }
        else
        {
            // Within regression: demeaned columns that vary within groups.
            var withinCols = new List<int>();
            var xw = new List<double[]>();
            for (int j = 0; j < p; j++)
            {
                if (x.ColumnNames[j] == "(Intercept)") continue;
                var col = x.Column(j);
                var d = new double[n];
                double ss = 0, tot = 0, mean = 0;
                for (int i = 0; i < n; i++) mean += col[i];
                mean /= n;
                for (int i = 0; i < n; i++)
                {
                    d[i] = col[i] - xbar[(long)j * levelCount + groupCodes[i]];
                    ss += d[i] * d[i];
                    tot += (col[i] - mean) * (col[i] - mean);
                }
                if (ss > 1e-14 * Math.Max(tot, 1e-300)) { withinCols.Add(j); xw.Add(d); }
            }
            var yw = new double[n];
            for (int i = 0; i < n; i++) yw[i] = y[i] - ybar[groupCodes[i]];
            double qWithin;
            int kw = withinCols.Count;
            {
                var a = new double[(long)n * kw];
                for (int k = 0; k < kw; k++) xw[k].CopyTo(a.AsSpan(k * n, n));
                var ls = HouseholderQr.Factor(a, n, kw).SolveLeastSquares(yw);
                qWithin = ls.Residuals.Sum(e => e * e);
            }
            sigma2e = qWithin / (n - groups - kw);

            // "Between" regression: group means repeated for every row (weights T_j).
            var zb = new double[(long)n * p];
            var yb = new double[n];
            for (int i = 0; i < n; i++)
            {
                int g = groupCodes[i];
                yb[i] = ybar[g];
                for (int j = 0; j < p; j++) zb[(long)j * n + i] = xbar[(long)j * levelCount + g];
            }
            var qrb = HouseholderQr.Factor(zb, n, p);
            if (!qrb.IsFullRank)
            {
                throw new ModelSpecificationException($"the between regression on the group means of {groupName} is singular: too few groups for the coefficients");
            }
            var lsb = qrb.SolveLeastSquares(yb);
            double qBetween = lsb.Residuals.Sum(e => e * e);
            // tr[(Z̄ᵀZ̄)⁻¹ Σ_j T_j² z̄_j z̄_jᵀ] with Z̄ᵀZ̄ = Σ_j T_j z̄_j z̄_jᵀ.
            var ztz = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p, p);
            var zt2z = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p, p);
            for (int g = 0; g < levelCount; g++)
            {
                if (size[g] == 0) continue;
                for (int a = 0; a < p; a++)
                    for (int b = 0; b < p; b++)
                    {
                        double v = xbar[(long)a * levelCount + g] * xbar[(long)b * levelCount + g];
                        ztz[a, b] += size[g] * v;
                        zt2z[a, b] += (double)size[g] * size[g] * v;
                    }
            }
            double trace = ztz.Solve(zt2z).Trace();
            int kNoIntercept = p - 1;
            sigma2u = (qBetween - (groups - kNoIntercept - 1) * sigma2e) / (n - trace);
            if (sigma2u < 0)
            {
                notes.Add($"the Swamy–Arora estimate of the {groupName} variance was negative ({sigma2u:G4}) and is set to 0");
                sigma2u = 0;
            }
        }

        // GLS by quasi-demeaning.
        var theta = new double[levelCount];
        for (int g = 0; g < levelCount; g++) if (size[g] > 0) theta[g] = 1 - Math.Sqrt(sigma2e / (size[g] * sigma2u + sigma2e));
        var xs = new double[(long)n * p];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            int g = groupCodes[i];
            ys[i] = y[i] - theta[g] * ybar[g];
        }
        for (int j = 0; j < p; j++)
        {
            var col = x.Column(j);
            for (int i = 0; i < n; i++)
            {
                int g = groupCodes[i];
                xs[(long)j * n + i] = col[i] - theta[g] * xbar[(long)j * levelCount + g];
            }
        }
        var qr = HouseholderQr.Factor(xs, n, p);
        var ls2 = qr.SolveLeastSquares(ys);
        double rss = ls2.Residuals.Sum(e => e * e);
        double s2 = rss / (n - qr.Rank);
        var unscaled = qr.InverseRtR();
        var kept = qr.KeptColumns;
        var cov = new double[kept.Count * kept.Count];
        for (int k = 0; k < cov.Length; k++) cov[k] = s2 * unscaled[k];
        return new RandomEffectsGlsFit(
            [.. kept.Select(j => x.ColumnNames[j])], [.. kept.Select(j => ls2.Coefficients[j])],
            new Inference.CoefficientCovariance("iid", cov, kept.Count, n - qr.Rank),
            sigma2e, sigma2u, n, groups, notes);
    }
}

/// <summary>A Swamy–Arora random-effects GLS fit.</summary>
/// <param name="CoefficientNames">Coefficient names.</param>
/// <param name="Coefficients">GLS estimates.</param>
/// <param name="Covariance">Their covariance (t on n − p df).</param>
/// <param name="SigmaSquaredResidual">σ²_ε (within).</param>
/// <param name="SigmaSquaredGroup">σ²_u (between groups).</param>
/// <param name="Observations">Rows.</param>
/// <param name="Groups">Groups.</param>
/// <param name="Notes">Remarks (a negative variance set to 0).</param>
public sealed record RandomEffectsGlsFit(
    IReadOnlyList<string> CoefficientNames, double[] Coefficients, Inference.CoefficientCovariance Covariance,
    double SigmaSquaredResidual, double SigmaSquaredGroup, int Observations, int Groups, IReadOnlyList<string> Notes);
