using Multilevel.Numerics;

namespace Multilevel.Models.Glm;

/// <summary>What the separation check found.</summary>
/// <param name="Separated">True when the maximum-likelihood estimate does not exist (some coefficients diverge).</param>
/// <param name="Complete">True for complete separation (every observation predicted perfectly); false for
/// quasi-complete separation.</param>
/// <param name="Observations">0-based used rows predicted perfectly (fitted probability 0 or 1, or a Poisson mean 0).</param>
/// <param name="Coefficients">Names of the coefficients that move along the direction of divergence.</param>
/// <param name="Direction">The direction of divergence in coefficient space (unit length), aligned with the
/// kept columns.</param>
public sealed record SeparationReport(bool Separated, bool Complete, IReadOnlyList<int> Observations, IReadOnlyList<string> Coefficients, double[] Direction)
{
    /// <summary>A sentence for users.</summary>
    public string Describe(string family, int nobs)
    {
        if (!Separated) return "no separation";
        string kind = Complete ? "complete separation" : "quasi-complete separation";
        string what = family == "poisson"
            ? "have a fitted mean of 0 in the limit"
            : "are predicted perfectly (fitted probability 0 or 1)";
        string names = Coefficients.Count <= 10
            ? string.Join(", ", Coefficients)
            : $"{string.Join(", ", Coefficients.Take(10))} and {Coefficients.Count - 10} more";
        return $"{kind}: {Observations.Count} of {nobs} observations {what} by a combination of " +
            $"{names}; the maximum-likelihood estimates of these coefficients are infinite " +
            "(R's glm would return huge coefficients and standard errors). Remove or merge the separating predictor " +
            "or level, drop the perfectly predicted observations, or use a penalized (Firth) fit.";
    }
}

/// <summary>
/// Detects separation in binomial and Poisson GLMs exactly, as a linear-programming question solved by
/// non-negative least squares.
/// </summary>
/// <remarks>
/// The MLE fails to exist iff there is a direction γ with Xγ ≠ 0 on the boundary rows such that
/// x_iᵀγ ≥ 0 where y_i = 1, x_iᵀγ ≤ 0 where y_i = 0 (Poisson: y_i = 0) and x_iᵀγ = 0 on interior rows
/// (Albert and Anderson 1984; Santner and Duffy 1986). With a_i = s_i x_i (s_i = ±1) for the boundary
/// rows and the equality rows eliminated by restricting γ to the null space of the interior rows, take
/// c = Σ a_i and solve min over λ ≥ 0 of ‖c + Σ λ_i a_i‖. By the optimality conditions the minimising
/// residual r satisfies a_iᵀ r ≥ 0 for all i and cᵀ r = ‖r‖²: if r ≠ 0 it is a direction of separation;
/// if r = 0 a strictly positive combination of the a_i vanishes, so no direction exists. The rows are
/// first replaced by an orthonormal basis of the column space of X (the question is invariant to
/// column transformations), which makes the thresholds scale-free.
/// </remarks>
public static class Separation
{
    /// <summary>Checks a model matrix and response.</summary>
    /// <param name="x">Column-major n × p model matrix (full column rank, e.g. the kept columns).</param>
    /// <param name="n">Rows.</param>
    /// <param name="names">Column names (p).</param>
    /// <param name="y">Response: proportions in [0, 1] for binomial, counts for Poisson.</param>
    /// <param name="weights">Prior weights (binomial: × trials); rows with weight 0 are ignored. May be empty.</param>
    /// <param name="family">The family; only binomial and Poisson can separate.</param>
    public static SeparationReport Check(ReadOnlySpan<double> x, int n, IReadOnlyList<string> names, ReadOnlySpan<double> y,
        ReadOnlySpan<double> weights, GlmFamily family)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(family);
        int p = names.Count;
        var none = new SeparationReport(false, false, [], [], new double[p]);
        bool binomial = family.Name == "binomial", poisson = family.Name == "poisson";
        if (!binomial && !poisson || p == 0) return none;

        // sign: +1 (x'γ ≥ 0), −1 (x'γ ≤ 0), 0 interior (x'γ = 0), 2 ignored.
        var sign = new int[n];
        int boundary = 0;
        for (int i = 0; i < n; i++)
        {
            if (!weights.IsEmpty && !(weights[i] > 0)) { sign[i] = 2; continue; }
            if (binomial) sign[i] = y[i] >= 1 ? 1 : y[i] <= 0 ? -1 : 0;
            else sign[i] = y[i] <= 0 ? -1 : 0;
            if (sign[i] != 0) boundary++;
        }
        if (boundary == 0) return none;

        // Orthonormal basis Q = X R⁻¹ of the used rows.
        var used = Enumerable.Range(0, n).Where(i => sign[i] != 2).ToArray();
        int m = used.Length;
        var xu = new double[(long)m * p];
        for (int j = 0; j < p; j++)
            for (int r = 0; r < m; r++) xu[(long)j * m + r] = x[j * n + used[r]];
        var qr = HouseholderQr.Factor(xu, m, p);
        int rank = qr.Rank;
        var kept = qr.KeptColumns;
        var q = new double[(long)m * rank];  // row-major m × rank
        for (int r = 0; r < m; r++)
        {
            // Solve R₁ᵀ q_r = x_r (kept columns), i.e. q_rᵀ = x_rᵀ R₁⁻¹.
            for (int a = 0; a < rank; a++)
            {
                double s = xu[(long)kept[a] * m + r];
                for (int b = 0; b < a; b++) s -= qr.RElement(b, a) * q[(long)r * rank + b];
                q[(long)r * rank + a] = s / qr.RElement(a, a);
            }
        }

        // Null space N of the interior rows (eigenvectors of EᵀE with ~0 eigenvalue).
        var ete = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rank, rank);
        int interior = 0;
        for (int r = 0; r < m; r++)
        {
            if (sign[used[r]] != 0) continue;
            interior++;
            for (int a = 0; a < rank; a++)
                for (int b = 0; b <= a; b++) ete[a, b] += q[(long)r * rank + a] * q[(long)r * rank + b];
        }
        for (int a = 0; a < rank; a++) for (int b = 0; b < a; b++) ete[b, a] = ete[a, b];
        MathNet.Numerics.LinearAlgebra.Matrix<double> basis;
        if (interior == 0) basis = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(rank);
        else
        {
            var evd = ete.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            double maxEig = evd.EigenValues.Select(e => e.Real).Max();
            var cols = Enumerable.Range(0, rank).Where(j => evd.EigenValues[j].Real <= 1e-10 * Math.Max(maxEig, 1)).ToArray();
            if (cols.Length == 0) return none;
            basis = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rank, cols.Length, (a, b) => evd.EigenVectors[a, cols[b]]);
        }
        int k = basis.ColumnCount;

        // Columns a_i = s_i Nᵀ q_i of the boundary rows, and c = Σ a_i.
        var boundaryRows = Enumerable.Range(0, m).Where(r => sign[used[r]] is 1 or -1).ToArray();
        var amat = new double[(long)boundaryRows.Length * k];
        var c = new double[k];
        for (int t = 0; t < boundaryRows.Length; t++)
        {
            int r = boundaryRows[t];
            int s = sign[used[r]];
            for (int b = 0; b < k; b++)
            {
                double v = 0;
                for (int a = 0; a < rank; a++) v += basis[a, b] * q[(long)r * rank + a];
                amat[(long)t * k + b] = s * v;
                c[b] += s * v;
            }
        }
        double cnorm = Math.Sqrt(c.Sum(v => v * v));
        if (cnorm == 0) return none;
        // min ‖M λ − d‖ with M = [a_i], d = −c.
        var d = c.Select(v => -v).ToArray();
        var (_, resid, _) = NonNegativeLeastSquares.Solve(amat, k, boundaryRows.Length, d);
        // residual of the NNLS is d − Mλ = −(c + Mλ): the direction is its negative.
        var rvec = resid.Select(v => -v).ToArray();
        double rnorm = Math.Sqrt(rvec.Sum(v => v * v));
        if (!(rnorm > 1e-9 * cnorm)) return none;
        for (int b = 0; b < k; b++) rvec[b] /= rnorm;

        // Scores a_iᵀ γ: non-negative for all boundary rows at a true separation direction.
        var scores = new double[boundaryRows.Length];
        double maxScore = 0, minScore = 0;
        for (int t = 0; t < boundaryRows.Length; t++)
        {
            double v = 0;
            for (int b = 0; b < k; b++) v += amat[(long)t * k + b] * rvec[b];
            scores[t] = v;
            maxScore = Math.Max(maxScore, v);
            minScore = Math.Min(minScore, v);
        }
        if (!(maxScore > 1e-7) || minScore < -1e-6 * maxScore) return none;
        var obs = new List<int>();
        for (int t = 0; t < boundaryRows.Length; t++)
            if (scores[t] > 1e-7 * maxScore) obs.Add(used[boundaryRows[t]]);

        // Direction in coefficient space: γ = N r (Q coordinates), β = R₁⁻¹ γ.
        var gamma = new double[rank];
        for (int a = 0; a < rank; a++)
            for (int b = 0; b < k; b++) gamma[a] += basis[a, b] * rvec[b];
        var beta = new double[rank];
        for (int a = rank - 1; a >= 0; a--)
        {
            double s = gamma[a];
            for (int b = a + 1; b < rank; b++) s -= qr.RElement(a, b) * beta[b];
            beta[a] = s / qr.RElement(a, a);
        }
        double bnorm = Math.Sqrt(beta.Sum(v => v * v));
        var direction = new double[p];
        for (int a = 0; a < rank; a++) direction[kept[a]] = beta[a] / bnorm;
        double maxDir = direction.Max(Math.Abs);
        var coefs = Enumerable.Range(0, p).Where(j => Math.Abs(direction[j]) > 1e-6 * maxDir).Select(j => names[j]).ToList();
        bool complete = interior == 0 && obs.Count == boundary;
        return new SeparationReport(true, complete, obs, coefs, direction);
    }
}

/// <summary>The GLM's maximum-likelihood estimate does not exist because of separation.</summary>
public sealed class SeparationException : ModelSpecificationException
{
    /// <summary>Creates the exception.</summary>
    public SeparationException(string message, SeparationReport report) : base(message) => Report = report;

    /// <summary>What the check found.</summary>
    public SeparationReport Report { get; }
}
