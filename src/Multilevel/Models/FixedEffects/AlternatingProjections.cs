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

    /// <summary>Cancels the iteration.</summary>
    public CancellationToken CancellationToken { get; init; }

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
        var vv = v.ToArray();
        double normV = Math.Sqrt(Inner(vv, vv));
        if (normV == 0) return (0, true);
        var u = new double[n];
        var res = new double[n];
        var q = new double[n];
        var sweep = new Sweep(this);
        // res = b = v − T v (the sweep writes dir − T dir into its output; here dir = v).
        sweep.Run(vv, res);
        var dir = (double[])res.Clone();
        double rho = Inner(res, res);
        double target = Tolerance * normV;
        int iter = 0;
        bool converged = Math.Sqrt(rho) <= target;
        while (!converged && iter < MaxIterations)
        {
            CancellationToken.ThrowIfCancellationRequested();
            iter++;
            // q = A dir = dir − T dir and ⟨dir, q⟩ in one sweep (dir was updated inside the previous one).
            double pq = sweep.Run(dir, q);
            if (!(pq > 0)) break;
            double alpha = rho / pq;
            double rhoNew = UpdateSolution(u, res, dir, q, alpha);
            Trace?.Invoke(iter, Math.Sqrt(rhoNew) / normV);
            if (Math.Sqrt(rhoNew) <= target)
            {
                converged = true;
                break;
            }
            double beta = rhoNew / rho;
            rho = rhoNew;
            // dir = res + β dir, fused into the first pass of the next sweep.
            sweep.PendingUpdate = (res, beta);
        }
        for (int i = 0; i < n; i++) v[i] = vv[i] - u[i];
        return (iter, converged);
    }

    /// <summary>u += α dir; res −= α q; returns ⟨res, res⟩_W (one pass).</summary>
    private double UpdateSolution(double[] u, double[] res, double[] dir, double[] q, double alpha)
    {
        double s0 = 0, s1 = 0;
        int n = res.Length, i = 0;
        if (_w is null)
        {
            for (; i + 2 <= n; i += 2)
            {
                u[i] += alpha * dir[i];
                u[i + 1] += alpha * dir[i + 1];
                double r0 = res[i] - alpha * q[i], r1 = res[i + 1] - alpha * q[i + 1];
                res[i] = r0;
                res[i + 1] = r1;
                s0 += r0 * r0;
                s1 += r1 * r1;
            }
            for (; i < n; i++)
            {
                u[i] += alpha * dir[i];
                double r = res[i] - alpha * q[i];
                res[i] = r;
                s0 += r * r;
            }
        }
        else
        {
            var w = _w;
            for (; i < n; i++)
            {
                u[i] += alpha * dir[i];
                double r = res[i] - alpha * q[i];
                res[i] = r;
                s0 += w[i] * r * r;
            }
        }
        return s0 + s1;
    }

    /// <summary>
    /// One application of A = I − T with the surrounding vector operations fused into its passes:
    /// optionally dir := res + β dir first (in the pass that accumulates the first factor's sums), then
    /// out := dir − T dir through the sequence of projections M_1, …, M_K, …, M_1 (each pass subtracts one
    /// factor's means and accumulates the next factor's sums), and ⟨dir, out⟩_W in the last pass.
    /// </summary>
    private sealed class Sweep
    {
        private readonly AlternatingProjections _p;
        private readonly int[] _order;
        private readonly double[][] _sums;

        public Sweep(AlternatingProjections p)
        {
            _p = p;
            int k = p._codes.Length, steps = 2 * k - 1;
            _order = new int[steps];
            for (int s = 0; s < k; s++) _order[s] = s;
            for (int s = k; s < steps; s++) _order[s] = steps - 1 - s;
            _sums = [.. _order.Select(f => new double[p._inverseWeight[f].Length])];
        }

        /// <summary>When set, the next <see cref="Run"/> first replaces dir by res + β dir.</summary>
        public (double[] Res, double Beta)? PendingUpdate { get; set; }

        public double Run(double[] dir, double[] output)
        {
            var w = _p._w;
            int n = dir.Length, steps = _order.Length;
            foreach (var s in _sums) Array.Clear(s);
            // Pass 0: optional dir update, and the sums of the first factor.
            {
                var codes = _p._codes[_order[0]];
                var sums = _sums[0];
                if (PendingUpdate is { } up)
                {
                    var res = up.Res;
                    double beta = up.Beta;
                    if (w is null)
                        for (int i = 0; i < n; i++) { double d = res[i] + beta * dir[i]; dir[i] = d; sums[codes[i]] += d; }
                    else
                        for (int i = 0; i < n; i++) { double d = res[i] + beta * dir[i]; dir[i] = d; sums[codes[i]] += w[i] * d; }
                    PendingUpdate = null;
                }
                else if (w is null)
                    for (int i = 0; i < n; i++) sums[codes[i]] += dir[i];
                else
                    for (int i = 0; i < n; i++) sums[codes[i]] += w[i] * dir[i];
            }
            double s0 = 0;
            for (int s = 0; s < steps; s++)
            {
                var means = _sums[s];
                var inv = _p._inverseWeight[_order[s]];
                for (int l = 0; l < means.Length; l++) means[l] *= inv[l];
                var codes = _p._codes[_order[s]];
                var src = s == 0 ? dir : output;
                if (s < steps - 1)
                {
                    var nextCodes = _p._codes[_order[s + 1]];
                    var next = _sums[s + 1];
                    if (w is null)
                        for (int i = 0; i < n; i++) { double x = src[i] - means[codes[i]]; output[i] = x; next[nextCodes[i]] += x; }
                    else
                        for (int i = 0; i < n; i++) { double x = src[i] - means[codes[i]]; output[i] = x; next[nextCodes[i]] += w[i] * x; }
                }
                else
                {
                    // Last projection: output = dir − T dir, and ⟨dir, output⟩_W.
                    if (w is null)
                        for (int i = 0; i < n; i++) { double t = src[i] - means[codes[i]]; double o = dir[i] - t; output[i] = o; s0 += dir[i] * o; }
                    else
                        for (int i = 0; i < n; i++) { double t = src[i] - means[codes[i]]; double o = dir[i] - t; output[i] = o; s0 += w[i] * dir[i] * o; }
                }
            }
            return s0;
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
