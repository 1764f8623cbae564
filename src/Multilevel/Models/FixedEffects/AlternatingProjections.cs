namespace Multilevel.Models.FixedEffects;

/// <summary>
/// The within transformation for any number of absorbed factors: r = M_D v, the (weighted) residual of
/// v after projecting on the span of the indicator columns of all factors.
/// </summary>
/// <remarks>
/// M_k = I − P_k removes the (weighted) group means of factor k. The method of alternating projections
/// iterates M_1 M_2 ⋯ M_K; here it is accelerated by conjugate gradients on its symmetric form
/// T = M_1 ⋯ M_K ⋯ M_1 (the "symmetric Kaczmarz + CG" scheme of reghdfe): A = I − T is self-adjoint and
/// positive semi-definite in the W inner product, zero exactly on range(D)^⊥ and positive definite on
/// range(D). Writing v = r + u with u ∈ range(D), A u = A v = v − T v; CG started from u = 0 stays in
/// range(D) and converges to u, and r = v − u. One factor is projected exactly in one pass. The summation
/// order is fixed, so results are deterministic.
/// </remarks>
internal sealed class AlternatingProjections
{
    private readonly int[][] _codes;
    private readonly double[][] _inverseWeight;   // 1 / (Σ w over the level) per factor and level
    private readonly double[]? _w;
    private readonly int _n;

    public AlternatingProjections(IReadOnlyList<int[]> codes, IReadOnlyList<int> levelCounts, double[]? weights)
    {
        _codes = [.. codes];
        _n = _codes.Length == 0 ? 0 : _codes[0].Length;
        _w = weights;
        _inverseWeight = new double[_codes.Length][];
        for (int k = 0; k < _codes.Length; k++)
        {
            var s = new double[levelCounts[k]];
            var c = _codes[k];
            for (int i = 0; i < _n; i++) s[c[i]] += weights is null ? 1 : weights[i];
            for (int l = 0; l < s.Length; l++) s[l] = s[l] > 0 ? 1 / s[l] : 0;
            _inverseWeight[k] = s;
        }
    }

    /// <summary>Relative tolerance on the CG residual ‖A u − A v‖_W / ‖v‖_W.</summary>
    public double Tolerance { get; init; } = 1e-14;

    /// <summary>Largest number of CG iterations.</summary>
    public int MaxIterations { get; init; } = 10_000;

    /// <summary>Receives (iteration, relative residual) after each CG step (diagnostics).</summary>
    public Action<int, double>? Trace { get; init; }

    /// <summary>Replaces v by M_D v. Returns the number of iterations and whether it converged.</summary>
    public (int Iterations, bool Converged) Demean(Span<double> v)
    {
        int k = _codes.Length;
        if (k == 0) return (0, true);
        if (k == 1)
        {
            Project(0, v);
            return (1, true);
        }
        int n = _n;
        double normV = Math.Sqrt(Inner(v, v));
        if (normV == 0) return (0, true);
        var u = new double[n];
        var res = new double[n];
        var dir = new double[n];
        var q = new double[n];
        // res = b = v − T v
        v.CopyTo(q);
        ApplyT(q);
        for (int i = 0; i < n; i++) res[i] = v[i] - q[i];
        res.CopyTo(dir.AsSpan());
        double rho = Inner(res, res);
        double target = Tolerance * normV;
        int iter = 0;
        bool converged = Math.Sqrt(rho) <= target;
        while (!converged && iter < MaxIterations)
        {
            iter++;
            // q = A dir = dir − T dir
            dir.CopyTo(q.AsSpan());
            ApplyT(q);
            for (int i = 0; i < n; i++) q[i] = dir[i] - q[i];
            double pq = Inner(dir, q);
            if (!(pq > 0)) break;
            double alpha = rho / pq;
            for (int i = 0; i < n; i++)
            {
                u[i] += alpha * dir[i];
                res[i] -= alpha * q[i];
            }
            double rhoNew = Inner(res, res);
            Trace?.Invoke(iter, Math.Sqrt(rhoNew) / normV);
            if (Math.Sqrt(rhoNew) <= target)
            {
                converged = true;
                break;
            }
            double beta = rhoNew / rho;
            rho = rhoNew;
            for (int i = 0; i < n; i++) dir[i] = res[i] + beta * dir[i];
        }
        for (int i = 0; i < n; i++) v[i] -= u[i];
        return (iter, converged);
    }

    /// <summary>T x = M_1 ⋯ M_K ⋯ M_1 x in place. Consecutive projections are fused: one pass over the
    /// rows subtracts the means of one factor and accumulates the sums of the next.</summary>
    private void ApplyT(Span<double> x)
    {
        int k = _codes.Length;
        // Sequence of factors: 0, 1, …, k−1, k−2, …, 0 (M_1 is applied first; T is symmetric).
        int steps = 2 * k - 1;
        var order = new int[steps];
        for (int s = 0; s < k; s++) order[s] = s;
        for (int s = k; s < steps; s++) order[s] = steps - 1 - s;
        var sums = new double[steps][];
        for (int s = 0; s < steps; s++) sums[s] = new double[_inverseWeight[order[s]].Length];
        Accumulate(order[0], x, sums[0]);
        for (int s = 0; s < steps; s++)
        {
            var means = sums[s];
            var inv = _inverseWeight[order[s]];
            for (int l = 0; l < means.Length; l++) means[l] *= inv[l];
            var codes = _codes[order[s]];
            if (s == steps - 1)
            {
                for (int i = 0; i < x.Length; i++) x[i] -= means[codes[i]];
                break;
            }
            var nextCodes = _codes[order[s + 1]];
            var next = sums[s + 1];
            if (_w is null)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    double xi = x[i] - means[codes[i]];
                    x[i] = xi;
                    next[nextCodes[i]] += xi;
                }
            }
            else
            {
                var w = _w;
                for (int i = 0; i < x.Length; i++)
                {
                    double xi = x[i] - means[codes[i]];
                    x[i] = xi;
                    next[nextCodes[i]] += w[i] * xi;
                }
            }
        }
    }

    private void Accumulate(int f, ReadOnlySpan<double> x, double[] sums)
    {
        var codes = _codes[f];
        if (_w is null)
        {
            for (int i = 0; i < x.Length; i++) sums[codes[i]] += x[i];
        }
        else
        {
            var w = _w;
            for (int i = 0; i < x.Length; i++) sums[codes[i]] += w[i] * x[i];
        }
    }

    /// <summary>x := M_f x (subtract weighted group means of factor f).</summary>
    internal void Project(int f, Span<double> x)
    {
        var codes = _codes[f];
        var inv = _inverseWeight[f];
        var sums = new double[inv.Length];
        if (_w is null)
        {
            for (int i = 0; i < x.Length; i++) sums[codes[i]] += x[i];
        }
        else
        {
            var w = _w;
            for (int i = 0; i < x.Length; i++) sums[codes[i]] += w[i] * x[i];
        }
        for (int l = 0; l < sums.Length; l++) sums[l] *= inv[l];
        for (int i = 0; i < x.Length; i++) x[i] -= sums[codes[i]];
    }

    private double Inner(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s0 = 0, s1 = 0;
        int i = 0;
        if (_w is null)
        {
            for (; i + 2 <= a.Length; i += 2)
            {
                s0 += a[i] * b[i];
                s1 += a[i + 1] * b[i + 1];
            }
            for (; i < a.Length; i++) s0 += a[i] * b[i];
        }
        else
        {
            var w = _w;
            for (; i < a.Length; i++) s0 += w[i] * a[i] * b[i];
        }
        return s0 + s1;
    }
}
