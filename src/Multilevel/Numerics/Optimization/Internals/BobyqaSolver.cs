using System.Globalization;

namespace Multilevel.Numerics.Optimization.Internals;

/// <summary>
/// The iterations of BOBYQA (M. J. D. Powell, "The BOBYQA algorithm for bound constrained optimization
/// without derivatives", DAMTP 2009/NA06), written from the report's description.
/// </summary>
/// <remarks>
/// <para>
/// State. All points are stored relative to a base point <c>xbase</c>: the m interpolation points
/// Y_k (rows of <see cref="xpt"/>), their values F_k, the index <c>kopt</c> of the best one (xopt = Y_kopt),
/// and the box as sl = lower − xbase ≤ 0 ≤ su = upper − xbase.
/// </para>
/// <para>
/// Model. Q(xbase + s) is a quadratic that interpolates F at every Y_k. Its gradient at xopt is
/// <see cref="gopt"/> and its Hessian is HQ + Σ_k pq_k Y_k Y_kᵀ: an explicit part and an implicit part
/// carried by one coefficient per point. Among the quadratics that interpolate, each update chooses the
/// one whose Hessian changes least in the Frobenius norm.
/// </para>
/// <para>
/// Lagrange functions. H is the inverse of the (m + n + 1)² matrix W = [A Xᵀ; X 0] of that least-change
/// problem, with A_jk = ½ (Y_j · Y_k)² and X = [1 … 1; Y_1 … Y_m]. Its leading m × m block Ω is positive
/// semidefinite of rank m − n − 1 and is kept as Ω = Z Zᵀ (<see cref="zmat"/>); <see cref="bmat"/> keeps the
/// n rows of H that belong to the linear terms (without the constant row, which is never needed). Column k
/// of H gives the k-th Lagrange function ℓ_k: gradient at xbase <c>bmat[:, k]</c> and Hessian
/// Σ_j Ω_jk Y_j Y_jᵀ. When a point is replaced, H is updated by Powell's rank-two formula. It is recomputed
/// from the points (QR of Xᵀ and a Cholesky factor on the null space of X) at the start, when the base point
/// moves, when a probe after an update finds ℓ_k(Y_j) ≠ δ_kj beyond 1e-8 (rounding drift, measured to reach
/// order 1 otherwise), and when the update denominators are damaged; a set that stays badly poised is laid
/// out afresh around the best point. These take the place of Powell's RESCUE.
/// </para>
/// <para>
/// Iteration. A step d from xopt minimises the model in the trust region ‖d‖ ≤ Δ within the box
/// (truncated conjugate gradients with an active set, then a search along the boundary). If the step is
/// long enough, F is evaluated at xopt + d, Δ is revised from the ratio of actual to predicted reduction
/// and the new point replaces the point chosen to keep the interpolation set well poised. Otherwise, or
/// when the model is not trusted, a geometry step moves the point farthest from xopt to where its Lagrange
/// function is large. ρ, a lower bound on Δ that keeps points apart, falls from ρ_beg to ρ_end; the run
/// stops when the work at ρ_end is done.
/// </para>
/// </remarks>
internal sealed class BobyqaSolver
{
    private const double ShortStepFraction = 0.5;   // steps shorter than ½ ρ are not evaluated
    private const double CgTolerance = 0.01;        // relative reduction at which the subproblem solver stops

    private readonly BoundedProblem problem;
    private readonly Action<BobyqaSolver>? observer;
    private readonly int n;
    private readonly int m;
    private readonly int p;
    private readonly double rhoEnd;
    private readonly double[] lowerAbs;
    private readonly double[] upperAbs;

    private readonly double[] xbase;
    private readonly double[] sl;
    private readonly double[] su;
    private readonly double[] xpt;
    private readonly double[] fval;
    private int kopt;

    private readonly double[] gopt;
    private readonly double[] hq;
    private readonly double[] pq;
    private readonly double[] bmat;
    private readonly double[] zmat;

    private double rho;
    private double delta;

    // Work arrays.
    private readonly double[] vlag;
    private readonly double[] work1;
    private readonly double[] work2;
    private readonly double[] workM;
    private readonly double[] workM2;
    private readonly double[] workM3;
    private readonly double[] workHcol;
    private readonly double[][] workN;
    private readonly int[] workBound;
    private readonly bool[] workFree;

    public BobyqaSolver(BoundedProblem problem, int interpolationPoints, double rhoBeg, double rhoEnd, Action<BobyqaSolver>? observer = null)
    {
        this.observer = observer;
        this.problem = problem;
        n = problem.Dimension;
        m = interpolationPoints;
        p = m - n - 1;
        lowerAbs = problem.Lower;
        upperAbs = problem.Upper;
        rho = rhoBeg;
        this.rhoEnd = Math.Min(rhoEnd, rhoBeg);
        xbase = (double[])problem.Start.Clone();
        sl = new double[n];
        su = new double[n];
        for (int i = 0; i < n; i++)
        {
            sl[i] = lowerAbs[i] - xbase[i];
            su[i] = upperAbs[i] - xbase[i];
        }
        xpt = new double[m * n];
        fval = new double[m];
        gopt = new double[n];
        hq = new double[n * n];
        pq = new double[m];
        bmat = new double[n * (m + n)];
        zmat = new double[m * p];
        vlag = new double[m + n];
        work1 = new double[n];
        work2 = new double[n];
        workM = new double[m];
        workM2 = new double[m];
        workM3 = new double[m];
        workHcol = new double[m + n];
        workN = new double[12][];
        for (int w = 0; w < workN.Length; w++) workN[w] = new double[n];
        workBound = new int[n];
        workFree = new bool[n];
    }

    /// <summary>Runs BOBYQA from the problem's start, whose value <paramref name="f0"/> is known.</summary>
    public (OptimizerReturnCode Code, string Message) Run(double f0)
    {
        if (!Initialise(f0)) return problem.Exhausted ? MaxEvaluationsResult() : RoundingResult();

        delta = rho;
        var d = new double[n];
        var dnormHistory = new double[3];
        var errorHistory = new double[3];
        ResetHistory(dnormHistory, errorHistory);
        int alternativeModelTest = 0;
        bool lastStepShortAndUntried = false;
        int evaluationsAtLastRecovery = -1;
        int rebuilds = 0;
        long iterationLimit = 50L * problem.MaxEvaluations + 1000;

        for (long iteration = 0; iteration < iterationLimit; iteration++)
        {
            // The trust-region step and the reduction the model predicts for it.
            double crvmin = TrustRegionStep(d);
            double dnorm = Math.Min(delta, Norm(d));
            bool shortStep = dnorm < ShortStepFraction * rho;
            double qred = -ModelChange(d);
            double ratio = -1;
            int knew = -1;
            double errorBound = 0;
            lastStepShortAndUntried = false;

            if (shortStep || !(qred > 0))
            {
                // Too short to be worth an evaluation: shrink Δ and judge whether the model is
                // accurate enough for the work at this ρ to be complete.
                delta *= 0.1;
                if (delta <= 1.5 * rho) delta = rho;
                errorBound = ErrorBound(crvmin, d);
                lastStepShortAndUntried = shortStep && Norm(d) > 0;
            }
            else
            {
                if (problem.Exhausted) return MaxEvaluationsResult();
                double fopt = fval[kopt];
                double f = EvaluateAt(d);
                ShiftIn(dnormHistory, dnorm);
                double modelError = f - fopt + qred;
                ShiftIn(errorHistory, modelError);
                ratio = (fopt - f) / qred;
                if (ratio <= 0.1) delta = Math.Min(0.5 * delta, dnorm);
                else if (ratio <= 0.7) delta = Math.Max(0.5 * delta, dnorm);
                else delta = Math.Max(0.5 * delta, dnorm + dnorm);
                if (delta <= 1.5 * rho) delta = rho;
                bool improved = f < fopt;

                knew = ChoosePointToDrop(d, improved, out bool damaged, out double betaOfD);
                if (damaged)
                {
                    Recovery recovery = Recover(ref evaluationsAtLastRecovery, ref rebuilds);
                    if (recovery == Recovery.Failed) return problem.Exhausted ? MaxEvaluationsResult() : RoundingResult();
                    ResetHistory(dnormHistory, errorHistory);
                    if (recovery == Recovery.Rebuilt)
                    {
                        knew = -1; // the set was laid out afresh around the best point
                    }
                    else
                    {
                        knew = ChoosePointToDrop(d, improved, out damaged, out betaOfD);
                        if (damaged) knew = -1;
                        modelError = f - fval[kopt] - ModelChange(d);
                    }
                }
                if (knew >= 0)
                {
                    Replace(knew, d, f, modelError, improved, betaOfD);
                    TryAlternativeModel(ratio, ref alternativeModelTest);
                }
            }

            // Decide between a geometry step, a reduction of ρ, or neither.
            bool accurate = true;
            for (int t = 0; t < 3; t++)
            {
                if (!(Math.Abs(errorHistory[t]) <= errorBound) || dnormHistory[t] > rho) accurate = false;
            }
            double maxDist = 0;
            int farthest = -1;
            for (int k = 0; k < m; k++)
            {
                double dist = DistanceSquared(k, kopt);
                if (dist > maxDist)
                {
                    maxDist = dist;
                    farthest = k;
                }
            }
            bool closeSet = maxDist <= Math.Max(4 * delta * delta, 100 * rho * rho);
            bool adequateGeometry = (shortStep && accurate) || closeSet;
            bool smallRadius = Math.Max(delta, dnorm) <= rho;
            bool badStep = shortStep || !(qred > 0) || ratio <= 0.1 || knew < 0;
            bool improveGeometry = badStep && !adequateGeometry;
            bool badStepForRho = shortStep || !(qred > 0) || ratio <= 0 || knew < 0;
            bool reduceRho = badStepForRho && adequateGeometry && smallRadius;

            if (improveGeometry && farthest >= 0)
            {
                double deltaBar = Math.Max(Math.Min(0.1 * Math.Sqrt(maxDist), delta), rho);
                GeometryStep(farthest, deltaBar, d);
                ComputeLagrangeValues(d, out double beta);
                double alpha = OmegaDiagonal(farthest);
                double denominator = alpha * beta + vlag[farthest] * vlag[farthest];
                if (!(denominator > 0.5 * vlag[farthest] * vlag[farthest]) || !double.IsFinite(denominator))
                {
                    Recovery recovery = Recover(ref evaluationsAtLastRecovery, ref rebuilds);
                    if (recovery == Recovery.Failed) return problem.Exhausted ? MaxEvaluationsResult() : RoundingResult();
                    ResetHistory(dnormHistory, errorHistory);
                }
                else
                {
                    if (problem.Exhausted) return MaxEvaluationsResult();
                    double predicted = ModelChange(d);
                    double fopt = fval[kopt];
                    double f = EvaluateAt(d);
                    ShiftIn(dnormHistory, Math.Min(deltaBar, Norm(d)));
                    double modelError = f - fopt - predicted;
                    ShiftIn(errorHistory, modelError);
                    Replace(farthest, d, f, modelError, f < fopt, beta);
                }
            }

            if (reduceRho)
            {
                if (rho <= rhoEnd)
                {
                    if (lastStepShortAndUntried && !problem.Exhausted)
                    {
                        // One last try of the (short) model step, as Powell does.
                        EvaluateAt(d);
                    }
                    return ConvergedResult();
                }
                delta = 0.5 * rho;
                double ratioToEnd = rho / rhoEnd;
                if (ratioToEnd <= 16) rho = rhoEnd;
                else if (ratioToEnd <= 250) rho = Math.Sqrt(ratioToEnd) * rhoEnd;
                else rho *= 0.1;
                delta = Math.Max(delta, rho);
                ResetHistory(dnormHistory, errorHistory);
            }

            observer?.Invoke(this);

            // Keep xopt near the base point so that rounding errors in the quadratic terms stay small.
            double xoptSq = 0;
            for (int i = 0; i < n; i++) xoptSq += xpt[kopt * n + i] * xpt[kopt * n + i];
            if (xoptSq >= 1e3 * delta * delta)
            {
                if (!ShiftBase()) return RoundingResult();
            }
        }
        return RoundingResult();
    }

    // ------------------------------------------------------------------------------------------------
    // Results

    private (OptimizerReturnCode, string) ConvergedResult() =>
        (OptimizerReturnCode.Converged,
         string.Create(CultureInfo.InvariantCulture,
             $"converged: the trust-region radius reached its final value {rhoEnd:G3}"));

    private (OptimizerReturnCode, string) MaxEvaluationsResult() =>
        (OptimizerReturnCode.MaxEvaluationsReached,
         string.Create(CultureInfo.InvariantCulture,
             $"stopped at the limit of {problem.MaxEvaluations} evaluations with trust-region radius {rho:G3} (final value {rhoEnd:G3}); the result may be short of the minimum"));

    private (OptimizerReturnCode, string) RoundingResult() =>
        (OptimizerReturnCode.RoundingLimited,
         string.Create(CultureInfo.InvariantCulture,
             $"stopped after {problem.Evaluations} evaluations at trust-region radius {rho:G3} (final value {rhoEnd:G3}): rounding errors prevent further progress; the result is usually close to the minimum"));

    private static void ResetHistory(double[] dnormHistory, double[] errorHistory)
    {
        Array.Fill(dnormHistory, double.PositiveInfinity);
        Array.Fill(errorHistory, double.PositiveInfinity);
    }

    private static void ShiftIn(double[] history, double value)
    {
        history[0] = history[1];
        history[1] = history[2];
        history[2] = value;
    }

    // ------------------------------------------------------------------------------------------------
    // Evaluation

    /// <summary>Evaluates F at xopt + d, placing components on a bound exactly on it.</summary>
    private double EvaluateAt(double[] d)
    {
        Span<double> x = n <= 64 ? stackalloc double[n] : new double[n];
        for (int i = 0; i < n; i++) x[i] = AbsoluteCoordinate(i, xpt[kopt * n + i] + d[i]);
        return problem.Evaluate(x);
    }

    private double AbsoluteCoordinate(int i, double relative)
    {
        if (relative <= sl[i]) return lowerAbs[i];
        if (relative >= su[i]) return upperAbs[i];
        return Math.Clamp(xbase[i] + relative, lowerAbs[i], upperAbs[i]);
    }

    // ------------------------------------------------------------------------------------------------
    // Initial interpolation set and model (report, section 2)

    private bool Initialise(double f0)
    {
        if (!BuildDesign(rho, f0)) return false;
        if (!RecomputeH()) return false;
        Array.Clear(hq);
        Array.Clear(pq);
        Array.Clear(gopt);
        FitModelToResiduals();
        return true;
    }

    /// <summary>
    /// Lays out and evaluates a fresh interpolation set of radius <paramref name="r"/> around the base point,
    /// whose value <paramref name="f0"/> is known (report, section 2). Along each axis two points at a_i and
    /// b_i: ±r when the box allows, otherwise r and 2r on the side where there is room; then, when m > 2n + 1,
    /// points displaced along two axes, each on the side where F was lower.
    /// </summary>
    /// <returns>False when the evaluation limit stops the design.</returns>
    private bool BuildDesign(double r, double f0)
    {
        Array.Clear(xpt);
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            double up = su[i];
            double down = -sl[i];
            if (up >= r)
            {
                a[i] = r;
                if (down >= r) b[i] = -r;
                else if (up >= 2 * r) b[i] = 2 * r;
                else b[i] = up > r ? up : -down;
            }
            else
            {
                a[i] = -r;
                b[i] = down >= 2 * r ? -2 * r : -down;
            }
        }
        fval[0] = f0;
        int count = 1;
        for (int i = 0; i < n && count < m; i++, count++)
        {
            xpt[count * n + i] = a[i];
            if (problem.Exhausted) return false;
            fval[count] = EvaluateRelative(count);
        }
        for (int i = 0; i < n && count < m; i++, count++)
        {
            xpt[count * n + i] = b[i];
            if (problem.Exhausted) return false;
            fval[count] = EvaluateRelative(count);
        }
        if (count < m)
        {
            var sigma = new double[n];
            for (int i = 0; i < n; i++) sigma[i] = fval[1 + n + i] < fval[1 + i] ? b[i] : a[i];
            // Offsets 1 … ⌊n/2⌋ enumerate every unordered pair once (offset n/2 twice, hence the skip).
            for (int offset = 1; offset < n && count < m; offset++)
            {
                for (int i = 0; i < n && count < m; i++)
                {
                    int j = (i + offset) % n;
                    if (offset * 2 == n && j < i) continue;
                    xpt[count * n + i] = sigma[i];
                    xpt[count * n + j] = sigma[j];
                    if (problem.Exhausted) return false;
                    fval[count] = EvaluateRelative(count);
                    count++;
                }
            }
        }
        kopt = 0;
        for (int k = 1; k < m; k++)
        {
            if (fval[k] < fval[kopt]) kopt = k;
        }
        return true;
    }

    private double EvaluateRelative(int k)
    {
        Span<double> x = n <= 64 ? stackalloc double[n] : new double[n];
        for (int i = 0; i < n; i++) x[i] = AbsoluteCoordinate(i, xpt[k * n + i]);
        return problem.Evaluate(x);
    }

    // ------------------------------------------------------------------------------------------------
    // The matrix H

    /// <summary>
    /// Computes Z and the linear rows of H = W⁻¹ from the current points. With Xᵀ = [Q₁ Q₂] [R; 0]:
    /// Ω = Q₂ (Q₂ᵀ A Q₂)⁻¹ Q₂ᵀ = Z Zᵀ with Z = Q₂ L⁻ᵀ (L L ᵀ = Q₂ᵀ A Q₂), Ξ = R⁻¹ Q₁ᵀ (I − A Ω) and
    /// Υ = −Ξ A Q₁ R⁻ᵀ; bmat holds the rows of Ξ and Υ that belong to the linear terms.
    /// </summary>
    /// <returns>False when the points do not determine the least-change model (they are not poised).</returns>
    private bool RecomputeH() => ComputeH(bmat, zmat);

    private bool ComputeH(double[] bOut, double[] zOut)
    {
        int k1 = n + 1;
        var xt = new double[m * k1];
        for (int k = 0; k < m; k++)
        {
            xt[k] = 1;
            for (int i = 0; i < n; i++) xt[(i + 1) * m + k] = xpt[k * n + i];
        }
        var q = new double[m * m];
        var r = new double[k1 * k1];
        if (!SmallDense.QrFull(xt, m, k1, q, r)) return false;

        var amat = new double[m * m];
        for (int j = 0; j < m; j++)
        {
            for (int k = 0; k <= j; k++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += xpt[j * n + i] * xpt[k * n + i];
                double v = 0.5 * dot * dot;
                amat[k * m + j] = v;
                amat[j * m + k] = v;
            }
        }
        // M = Q₂ᵀ A Q₂ (p × p).
        var aq2 = new double[m * p];
        for (int c = 0; c < p; c++)
        {
            ReadOnlySpan<double> qc = q.AsSpan((k1 + c) * m, m);
            Span<double> dst = aq2.AsSpan(c * m, m);
            for (int t = 0; t < m; t++)
            {
                double qt = qc[t];
                if (qt == 0) continue;
                ReadOnlySpan<double> at = amat.AsSpan(t * m, m);
                for (int i = 0; i < m; i++) dst[i] += at[i] * qt;
            }
        }
        var mm = new double[p * p];
        for (int c = 0; c < p; c++)
        {
            for (int rr = 0; rr <= c; rr++)
            {
                double s = SmallDense.Dot(q.AsSpan((k1 + rr) * m, m), aq2.AsSpan(c * m, m));
                mm[c * p + rr] = s;
                mm[rr * p + c] = s;
            }
        }
        if (!SmallDense.Cholesky(mm, p)) return false;
        // Zᵀ = L⁻¹ Q₂ᵀ: forward substitution, one row of Z (one point) at a time.
        var zrow = new double[p];
        var newZ = new double[m * p];
        for (int k = 0; k < m; k++)
        {
            for (int c = 0; c < p; c++)
            {
                double s = q[(k1 + c) * m + k];
                for (int t = 0; t < c; t++) s -= mm[t * p + c] * zrow[t];
                zrow[c] = s / mm[c * p + c];
            }
            for (int c = 0; c < p; c++) newZ[c * m + k] = zrow[c];
        }
        // A Q₁ (m × (n+1)), and W = (A Q₁)ᵀ Z ((n+1) × p).
        var aq1 = new double[m * k1];
        for (int c = 0; c < k1; c++)
        {
            ReadOnlySpan<double> qc = q.AsSpan(c * m, m);
            for (int t = 0; t < m; t++)
            {
                double qt = qc[t];
                if (qt == 0) continue;
                ReadOnlySpan<double> at = amat.AsSpan(t * m, m);
                Span<double> dst = aq1.AsSpan(c * m, m);
                for (int i = 0; i < m; i++) dst[i] += at[i] * qt;
            }
        }
        var wmat = new double[k1 * p];
        for (int c = 0; c < p; c++)
        {
            ReadOnlySpan<double> zc = newZ.AsSpan(c * m, m);
            for (int rr = 0; rr < k1; rr++) wmat[c * k1 + rr] = SmallDense.Dot(aq1.AsSpan(rr * m, m), zc);
        }
        // Ξ = R⁻¹ Q₁ᵀ (I − A Ω) = R⁻¹ (Q₁ᵀ − W Zᵀ): (n+1) × m, one column (point) at a time.
        var xi = new double[k1 * m];
        for (int c = 0; c < m; c++)
        {
            for (int rr = 0; rr < k1; rr++)
            {
                double s = q[rr * m + c];
                for (int t = 0; t < p; t++) s -= wmat[t * k1 + rr] * newZ[t * m + c];
                xi[c * k1 + rr] = s;
            }
            for (int rr = k1 - 1; rr >= 0; rr--)
            {
                double s = xi[c * k1 + rr];
                for (int t = rr + 1; t < k1; t++) s -= r[t * k1 + rr] * xi[c * k1 + t];
                xi[c * k1 + rr] = s / r[rr * k1 + rr];
            }
        }
        // S = Ξ (A Q₁), then Υ Rᵀ = −S, i.e. R Υᵀ = −Sᵀ.
        var upsilonT = new double[k1 * k1]; // column rr of Υᵀ is row rr of Υ
        for (int rr = 0; rr < k1; rr++)
        {
            for (int c = 0; c < k1; c++)
            {
                double s = 0;
                for (int t = 0; t < m; t++) s += xi[t * k1 + rr] * aq1[c * m + t];
                upsilonT[rr * k1 + c] = -s; // (−Sᵀ)[c, rr]
            }
            for (int c = k1 - 1; c >= 0; c--)
            {
                double s = upsilonT[rr * k1 + c];
                for (int t = c + 1; t < k1; t++) s -= r[t * k1 + c] * upsilonT[rr * k1 + t];
                upsilonT[rr * k1 + c] = s / r[c * k1 + c];
            }
        }
        var newB = new double[bOut.Length];
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < n; i++) newB[k * n + i] = xi[k * k1 + i + 1];
        }
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double s = 0.5 * (upsilonT[(i + 1) * k1 + j + 1] + upsilonT[(j + 1) * k1 + i + 1]);
                newB[(m + j) * n + i] = s;
            }
        }
        foreach (double v in newB)
        {
            if (!double.IsFinite(v)) return false;
        }
        foreach (double v in newZ)
        {
            if (!double.IsFinite(v)) return false;
        }
        Array.Copy(newB, bOut, bOut.Length);
        Array.Copy(newZ, zOut, zOut.Length);
        return true;
    }

    /// <summary>Ω_kk = ‖row k of Z‖².</summary>
    private double OmegaDiagonal(int k)
    {
        double s = 0;
        for (int c = 0; c < p; c++) s += zmat[c * m + k] * zmat[c * m + k];
        return s;
    }

    /// <summary>Column k of Ω into <paramref name="column"/> (length m).</summary>
    private void OmegaColumn(int k, Span<double> column)
    {
        column.Clear();
        for (int c = 0; c < p; c++)
        {
            double zk = zmat[c * m + k];
            if (zk == 0) continue;
            for (int j = 0; j < m; j++) column[j] += zk * zmat[c * m + j];
        }
    }

    /// <summary>
    /// For the candidate xnew = xopt + d, sets <see cref="vlag"/> to H (w(xnew) − w(xopt)) + e_kopt — its first m
    /// entries are the Lagrange functions at xnew — and returns β = ½‖xnew‖⁴ − w(xnew)ᵀ H w(xnew), written in
    /// differences from xopt to avoid cancellation.
    /// </summary>
    private void ComputeLagrangeValues(ReadOnlySpan<double> d, out double beta, int reference = -1)
    {
        // Any interpolation point r can serve as reference, since H w(Y_r) = e_r; the iterations use xopt.
        if (reference < 0) reference = kopt;
        ReadOnlySpan<double> xopt = xpt.AsSpan(reference * n, n);
        Span<double> u = workM;
        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<double> y = xpt.AsSpan(j * n, n);
            double yd = SmallDense.Dot(y, d);
            double yx = SmallDense.Dot(y, xopt);
            u[j] = yd * (yx + 0.5 * yd);
        }
        // First m entries: Ω u + B₀ᵀ d with Ω u = Z (Zᵀ u); uᵀ B₀ᵀ d on the way.
        double udbd = 0;
        for (int j = 0; j < m; j++)
        {
            double bd = SmallDense.Dot(bmat.AsSpan(j * n, n), d);
            vlag[j] = bd;
            udbd += u[j] * bd;
        }
        double zuzu = 0;
        for (int c = 0; c < p; c++)
        {
            ReadOnlySpan<double> zc = zmat.AsSpan(c * m, m);
            double zu = SmallDense.Dot(zc, u);
            zuzu += zu * zu;
            for (int j = 0; j < m; j++) vlag[j] += zc[j] * zu;
        }
        // Last n entries: B₀ u + Υ d; dᵀ Υ d on the way.
        Span<double> tail = vlag.AsSpan(m, n);
        tail.Clear();
        for (int j = 0; j < m; j++)
        {
            double uj = u[j];
            ReadOnlySpan<double> bj = bmat.AsSpan(j * n, n);
            for (int i = 0; i < n; i++) tail[i] += bj[i] * uj;
        }
        double dUd = 0;
        for (int l = 0; l < n; l++)
        {
            ReadOnlySpan<double> ul = bmat.AsSpan((m + l) * n, n);
            double dl = d[l];
            dUd += dl * SmallDense.Dot(ul, d);
            for (int i = 0; i < n; i++) tail[i] += ul[i] * dl;
        }
        vlag[reference] += 1;
        double vHv = zuzu + 2 * udbd + dUd;
        double dx = SmallDense.Dot(d, xopt);
        double dsq = SmallDense.Dot(d, d);
        double xsq = SmallDense.Dot(xopt, xopt);
        beta = dx * dx + dsq * (xsq + dx + dx + 0.5 * dsq) - vHv;
    }

    /// <summary>
    /// Replaces point <paramref name="t"/> by xopt + d in H (Powell's update; <see cref="vlag"/> and β must be
    /// those of d). Ω changes by a rank-two matrix; after plane rotations leave a single non-zero in row t
    /// of Z, it is enough to rewrite the first column of Z.
    /// </summary>
    private bool UpdateH(int t, double beta)
    {
        var hcol = workHcol;
        OmegaColumn(t, hcol.AsSpan(0, m));
        for (int i = 0; i < n; i++) hcol[m + i] = bmat[t * n + i];
        double alpha = hcol[t];
        double tau = vlag[t];
        double sigma = alpha * beta + tau * tau;
        if (!(sigma > 0) || !double.IsFinite(sigma)) return false;
        vlag[t] -= 1;

        // Linear rows: B += v1 vlagᵀ + v2 hcolᵀ.
        for (int i = 0; i < n; i++)
        {
            work1[i] = (alpha * vlag[m + i] - tau * hcol[m + i]) / sigma;
            work2[i] = (-beta * hcol[m + i] - tau * vlag[m + i]) / sigma;
        }
        for (int j = 0; j < m + n; j++)
        {
            for (int i = 0; i < n; i++) bmat[j * n + i] += work1[i] * vlag[j] + work2[i] * hcol[j];
        }
        for (int j = 0; j < n; j++)
        {
            for (int i = j + 1; i < n; i++)
            {
                double s = 0.5 * (bmat[(m + j) * n + i] + bmat[(m + i) * n + j]);
                bmat[(m + j) * n + i] = s;
                bmat[(m + i) * n + j] = s;
            }
        }

        // Rotate so that row t of Z is (ζ, 0, …, 0).
        double zmax = 0;
        foreach (double z in zmat) zmax = Math.Max(zmax, Math.Abs(z));
        double ztest = 1e-20 * zmax;
        for (int c = 1; c < p; c++)
        {
            double zc = zmat[c * m + t];
            if (Math.Abs(zc) > ztest)
            {
                double z0 = zmat[t];
                double radius = Math.Sqrt(z0 * z0 + zc * zc);
                double cs = z0 / radius;
                double sn = zc / radius;
                for (int k = 0; k < m; k++)
                {
                    double a0 = zmat[k];
                    double ac = zmat[c * m + k];
                    zmat[k] = cs * a0 + sn * ac;
                    zmat[c * m + k] = -sn * a0 + cs * ac;
                }
            }
            zmat[c * m + t] = 0;
        }
        double zeta = zmat[t];
        double root = Math.Sqrt(sigma);
        for (int k = 0; k < m; k++) zmat[k] = (tau * zmat[k] - zeta * vlag[k]) / root;
        return true;
    }

    // ------------------------------------------------------------------------------------------------
    // The quadratic model

    /// <summary>result = ∇²Q v = HQ v + Σ_k pq_k (Y_k · v) Y_k.</summary>
    private void HessianTimes(ReadOnlySpan<double> v, Span<double> result)
    {
        result.Clear();
        for (int j = 0; j < n; j++)
        {
            double vj = v[j];
            if (vj == 0) continue;
            ReadOnlySpan<double> hj = hq.AsSpan(j * n, n);
            for (int i = 0; i < n; i++) result[i] += hj[i] * vj;
        }
        for (int k = 0; k < m; k++)
        {
            if (pq[k] == 0) continue;
            ReadOnlySpan<double> y = xpt.AsSpan(k * n, n);
            double c = pq[k] * SmallDense.Dot(y, v);
            for (int i = 0; i < n; i++) result[i] += c * y[i];
        }
    }

    /// <summary>Q(xopt + d) − Q(xopt).</summary>
    private double ModelChange(ReadOnlySpan<double> d)
    {
        HessianTimes(d, work1);
        double s = 0;
        for (int i = 0; i < n; i++) s += d[i] * (gopt[i] + 0.5 * work1[i]);
        return s;
    }

    /// <summary>
    /// Adds to the model the least-Frobenius-norm quadratic that interpolates its residuals
    /// F_k − Q(Y_k) (relative to xopt), so that the model interpolates every point again.
    /// </summary>
    private void FitModelToResiduals()
    {
        var residual = new double[m];
        var diff = new double[n];
        ReadOnlySpan<double> xopt = xpt.AsSpan(kopt * n, n);
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < n; i++) diff[i] = xpt[k * n + i] - xopt[i];
            residual[k] = k == kopt ? 0 : fval[k] - fval[kopt] - ModelChange(diff);
        }
        // Coefficients of the implicit Hessian: Ω r; gradient at xbase: B₀ r.
        var coef = new double[m];
        for (int c = 0; c < p; c++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += zmat[c * m + j] * residual[j];
            for (int j = 0; j < m; j++) coef[j] += s * zmat[c * m + j];
        }
        var grad = new double[n];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++) grad[i] += bmat[j * n + i] * residual[j];
        }
        // The correction's gradient at xopt adds Σ_k coef_k (Y_k · xopt) Y_k.
        for (int k = 0; k < m; k++)
        {
            double c = coef[k] * SmallDense.Dot(xpt.AsSpan(k * n, n), xopt);
            for (int i = 0; i < n; i++) grad[i] += c * xpt[k * n + i];
        }
        for (int i = 0; i < n; i++) gopt[i] += grad[i];
        for (int k = 0; k < m; k++) pq[k] += coef[k];
    }

    /// <summary>
    /// Puts xopt + d (value f) in place of point t: updates H, then the model by the multiple
    /// <paramref name="modelError"/> of the new t-th Lagrange function, then moves xopt if f is lower.
    /// </summary>
    /// <remarks>
    /// <paramref name="beta"/> is β of d when <see cref="vlag"/> already holds the Lagrange values of d; NaN has
    /// them computed here.
    /// </remarks>
    private void Replace(int t, double[] d, double f, double modelError, bool improved, double beta = double.NaN)
    {
        if (double.IsNaN(beta)) ComputeLagrangeValues(d, out beta);
        var xoptOld = workN[7];
        xpt.AsSpan(kopt * n, n).CopyTo(xoptOld);
        // The implicit Hessian term of the leaving point moves into HQ.
        double pt = pq[t];
        if (pt != 0)
        {
            for (int j = 0; j < n; j++)
            {
                double yj = xpt[t * n + j];
                for (int i = 0; i < n; i++) hq[j * n + i] += pt * xpt[t * n + i] * yj;
            }
            pq[t] = 0;
        }
        bool updated = UpdateH(t, beta);
        PlacePoint(t, xoptOld, d, f);

        if (!updated)
        {
            // H cannot absorb this point (rounding): recompute it for the new set and re-fit the model.
            if (improved)
            {
                HessianTimes(d, work2);
                for (int i = 0; i < n; i++) gopt[i] += work2[i];
                kopt = t;
            }
            if (RecomputeH()) FitModelToResiduals();
            return;
        }

        // Model += modelError · ℓ_t (ℓ_t is the new t-th Lagrange function).
        var omegaT = workM2;
        OmegaColumn(t, omegaT);
        for (int k = 0; k < m; k++) pq[k] += modelError * omegaT[k];
        for (int i = 0; i < n; i++) gopt[i] += modelError * bmat[t * n + i];
        for (int k = 0; k < m; k++)
        {
            double c = modelError * omegaT[k] * SmallDense.Dot(xpt.AsSpan(k * n, n), xoptOld);
            if (c == 0) continue;
            for (int i = 0; i < n; i++) gopt[i] += c * xpt[k * n + i];
        }
        if (improved)
        {
            kopt = t;
            HessianTimes(d, work2);
            for (int i = 0; i < n; i++) gopt[i] += work2[i];
        }

        // Rounding errors accumulate in the updated H, above all with large m and points clustered at several
        // scales. Probe it at another point Y_j (the update itself makes the conditions at the new point hold):
        // ℓ_k(Y_j) = δ_kj. If it is off by more than 1e-8, recompute H from the points and restore interpolation.
        if (LagrangeErrorAt((t + 1) % m) > 1e-8 && RecomputeH()) FitModelToResiduals();
    }

    /// <summary>max_k |ℓ_k(Y_j) − δ_kj| with the current H, computed from another interpolation point.</summary>
    private double LagrangeErrorAt(int j)
    {
        int reference = j != kopt ? kopt : (j + 1) % m;
        var d = work1;
        for (int i = 0; i < n; i++) d[i] = xpt[j * n + i] - xpt[reference * n + i];
        ComputeLagrangeValues(d, out _, reference);
        double err = 0;
        for (int k = 0; k < m; k++) err = Math.Max(err, Math.Abs(vlag[k] - (k == j ? 1 : 0)));
        return double.IsFinite(err) ? err : double.PositiveInfinity;
    }

    private void PlacePoint(int t, double[] xoptOld, double[] d, double f)
    {
        for (int i = 0; i < n; i++)
        {
            double v = xoptOld[i] + d[i];
            xpt[t * n + i] = Math.Clamp(v, sl[i], su[i]);
        }
        fval[t] = f;
    }

    /// <summary>
    /// Powell's test of the alternative model: when the least-Frobenius-norm interpolant of the current
    /// values has a much smaller projected gradient than the model on three successive poor steps, the
    /// model has kept curvature that the data no longer support, and is replaced.
    /// </summary>
    private void TryAlternativeModel(double ratio, ref int count)
    {
        var fr = workM2;
        for (int k = 0; k < m; k++) fr[k] = fval[k] - fval[kopt];
        var pqAlt = workM3;
        Array.Clear(pqAlt);
        for (int c = 0; c < p; c++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += zmat[c * m + j] * fr[j];
            for (int j = 0; j < m; j++) pqAlt[j] += s * zmat[c * m + j];
        }
        var gAlt = workN[0];
        Array.Clear(gAlt);
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < n; i++) gAlt[i] += bmat[j * n + i] * fr[j];
        }
        ReadOnlySpan<double> xopt = xpt.AsSpan(kopt * n, n);
        for (int k = 0; k < m; k++)
        {
            double c = pqAlt[k] * SmallDense.Dot(xpt.AsSpan(k * n, n), xopt);
            for (int i = 0; i < n; i++) gAlt[i] += c * xpt[k * n + i];
        }
        double gq = 0, ga = 0;
        for (int i = 0; i < n; i++)
        {
            double g1 = ProjectedGradient(i, gopt[i], xopt[i]);
            double g2 = ProjectedGradient(i, gAlt[i], xopt[i]);
            gq += g1 * g1;
            ga += g2 * g2;
        }
        if (ratio > 0.1 || gq < 10 * ga) count = 0;
        else count++;
        if (count >= 3)
        {
            Array.Copy(gAlt, gopt, n);
            Array.Copy(pqAlt, pq, m);
            Array.Clear(hq);
            count = 0;
        }
    }

    private double ProjectedGradient(int i, double g, double x)
    {
        if (x >= su[i]) return Math.Max(0, g);
        if (x <= sl[i]) return Math.Min(0, g);
        return g;
    }

    // ------------------------------------------------------------------------------------------------
    // Choice of the point to leave after a trust-region step (report, around (6.1))

    /// <summary>
    /// Index of the point to replace by xopt + d, or −1 to leave the set as it is (only when F did not
    /// improve). Chooses the largest denominator σ_k = α_k β + ℓ_k(xnew)² of the update, weighted by
    /// max(1, ‖Y_k − x*‖²/ρ²)⁴ so that points far from the best point x* (the new one if it is better) go
    /// first. The report (6.1) weights by distance over Δ; the ρ-based fourth power is Zhang's finding in
    /// PRIMA and saved a fifth of the evaluations on our test problems. <paramref name="damaged"/> is set
    /// when the denominators are not what exact arithmetic guarantees (σ_k ≥ ℓ_k²).
    /// </summary>
    private int ChoosePointToDrop(double[] d, bool improved, out bool damaged, out double beta)
    {
        ComputeLagrangeValues(d, out beta);
        double rhoSq = rho * rho;
        double bestScore = double.NegativeInfinity;
        int best = -1;
        double biggestWeightedLagrange = 0;
        double farthestDist = -1;
        int farthest = -1;
        bool finite = double.IsFinite(beta);
        for (int k = 0; k < m; k++)
        {
            double dist = 0;
            for (int i = 0; i < n; i++)
            {
                double reference = xpt[kopt * n + i] + (improved ? d[i] : 0);
                double diff = xpt[k * n + i] - reference;
                dist += diff * diff;
            }
            double r2 = Math.Max(1.0, dist / rhoSq);
            double weight = r2 * r2 * r2 * r2;
            double sigma = OmegaDiagonal(k) * beta + vlag[k] * vlag[k];
            if (!double.IsFinite(sigma)) finite = false;
            double score = weight * sigma;
            if (!improved && k == kopt) continue;
            biggestWeightedLagrange = Math.Max(biggestWeightedLagrange, weight * vlag[k] * vlag[k]);
            if (score > bestScore)
            {
                bestScore = score;
                best = k;
            }
            if (dist > farthestDist)
            {
                farthestDist = dist;
                farthest = k;
            }
        }
        damaged = !finite || !(bestScore > 0.5 * biggestWeightedLagrange);
        if (bestScore > 1 || (improved && bestScore > 0)) return best;
        if (improved) return farthest;
        return -1;
    }

    // ------------------------------------------------------------------------------------------------
    // Recovery from rounding errors and moves of the base point

    /// <summary>
    /// Recomputes H from the points and re-fits the model to them. If the points no longer determine the
    /// model, builds a fresh interpolation set around the best point (costs m − 1 evaluations).
    /// </summary>
    private Recovery Recover(ref int evaluationsAtLastRecovery, ref int rebuilds)
    {
        // First recompute H from the points (free). If that does not help — the damage recurs before any new
        // evaluation, or H is still inaccurate — the points themselves are badly poised: lay out a fresh set
        // around the best point (m − 1 evaluations), at most MaxRebuilds times in a run.
        bool recurring = problem.Evaluations == evaluationsAtLastRecovery;
        evaluationsAtLastRecovery = problem.Evaluations;
        if (!recurring && RecomputeH())
        {
            FitModelToResiduals();
            if (LagrangeErrorAt(kopt == 0 ? 1 : 0) <= 1e-6) return Recovery.Recomputed;
        }
        if (rebuilds >= MaxRebuilds) return Recovery.Failed;
        rebuilds++;
        bool ok = Rebuild();
        evaluationsAtLastRecovery = problem.Evaluations;
        return ok ? Recovery.Rebuilt : Recovery.Failed;
    }

    private const int MaxRebuilds = 5;

    private enum Recovery
    {
        Recomputed,
        Rebuilt,
        Failed,
    }

    private bool Rebuild()
    {
        // New base at xopt and a fresh design of radius ρ around it; the model keeps its Hessian (folded
        // into HQ by the shift) and is corrected to interpolate the new values with least change.
        ShiftBaseCoordinates();
        double fopt = fval[kopt];
        if (!BuildDesign(rho, fopt)) return false;
        if (kopt != 0)
        {
            HessianTimes(xpt.AsSpan(kopt * n, n), work2);
            for (int i = 0; i < n; i++) gopt[i] += work2[i];
        }
        if (!RecomputeH()) return false;
        FitModelToResiduals();
        return true;
    }

    /// <summary>Moves the base point to xopt and recomputes H.</summary>
    private bool ShiftBase()
    {
        ShiftBaseCoordinates();
        if (RecomputeH()) return true;
        return Rebuild();
    }

    /// <summary>
    /// Moves xbase to xbase + xopt: folds the implicit Hessian into HQ (the model is unchanged), shifts
    /// every point and the box. H must be recomputed afterwards.
    /// </summary>
    private void ShiftBaseCoordinates()
    {
        for (int k = 0; k < m; k++)
        {
            if (pq[k] == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double yj = xpt[k * n + j];
                for (int i = 0; i < n; i++) hq[j * n + i] += pq[k] * xpt[k * n + i] * yj;
            }
            pq[k] = 0;
        }
        var shift = xpt.AsSpan(kopt * n, n).ToArray();
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < n; i++) xpt[k * n + i] -= shift[i];
        }
        for (int i = 0; i < n; i++)
        {
            xpt[kopt * n + i] = 0;
            sl[i] = Math.Min(sl[i] - shift[i], 0);
            su[i] = Math.Max(su[i] - shift[i], 0);
            xbase[i] = Math.Clamp(xbase[i] + shift[i], lowerAbs[i], upperAbs[i]);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Model accuracy test for short steps (report, (6.8)–(6.11))

    /// <summary>
    /// The bound on recent model errors below which a short step means the work at this ρ is done:
    /// errors must be small compared with the reduction a step of length ρ could still bring, judged by
    /// the curvature met by the subproblem solver and by the gradient at bounds that block the step.
    /// </summary>
    private double ErrorBound(double crvmin, double[] d)
    {
        Span<double> gnew = work2;
        HessianTimes(d, gnew);
        for (int i = 0; i < n; i++) gnew[i] += gopt[i];
        double bound = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double xnew = xpt[kopt * n + i] + d[i];
            double first;
            if (xnew <= sl[i]) first = gnew[i] * rho;
            else if (xnew >= su[i]) first = -gnew[i] * rho;
            else continue; // a free variable allows any error up to the largest one seen
            double curv = hq[i * n + i];
            for (int k = 0; k < m; k++) curv += pq[k] * xpt[k * n + i] * xpt[k * n + i];
            double second = 0.5 * curv * rho * rho;
            bound = Math.Min(bound, Math.Max(first, first + second));
        }
        if (crvmin > 0) bound = Math.Min(bound, 0.125 * crvmin * rho * rho);
        return bound;
    }

    // ------------------------------------------------------------------------------------------------
    // Trust-region subproblem (report, section 3)

    /// <summary>
    /// An approximate minimiser d of Q(xopt + d) subject to ‖d‖ ≤ Δ and sl ≤ xopt + d ≤ su: truncated
    /// conjugate gradients, restarted with the variable fixed whenever a bound is hit; once the trust-region
    /// boundary is reached, the free part of d is turned, in the plane of d and the gradient, along the
    /// boundary while Q keeps falling.
    /// </summary>
    /// <returns>The least curvature met along unconstrained conjugate-gradient steps (0 when the boundary was reached or none).</returns>
    private double TrustRegionStep(double[] d)
    {
        ReadOnlySpan<double> xopt = xpt.AsSpan(kopt * n, n);
        var g = workN[0];
        Array.Copy(gopt, g, n);
        var bound = workBound; // −1 fixed at lower, +1 fixed at upper, 0 free
        Array.Clear(bound);
        int nact = 0;
        for (int i = 0; i < n; i++)
        {
            if (xopt[i] >= su[i] && g[i] <= 0) bound[i] = 1;
            else if (xopt[i] <= sl[i] && g[i] >= 0) bound[i] = -1;
            if (bound[i] != 0) nact++;
        }
        Array.Clear(d);
        var s = workN[1];
        var hs = workN[2];
        Array.Clear(s);
        double crvmin = -1;
        double delsq = delta * delta;
        double qred = 0;
        double beta = 0;
        int itercg = 0;
        double gredsq = FreeSumSquares(g, bound);
        double ggsav = gredsq;
        bool boundary = false;
        int maxIterations = Math.Max(1, (n - nact) * (n - nact)) + n;

        for (int iter = 0; iter < 10 * maxIterations; iter++)
        {
            double resid = delsq - FreeSumSquares(d, bound);
            if (resid <= 0)
            {
                boundary = true;
                break;
            }
            for (int i = 0; i < n; i++) s[i] = bound[i] != 0 ? 0 : (itercg == 0 ? -g[i] : beta * s[i] - g[i]);
            double stepsq = SmallDense.Dot(s, s);
            double ds = 0;
            for (int i = 0; i < n; i++) ds += bound[i] == 0 ? d[i] * s[i] : 0;
            if (!(stepsq > 1e-30 * delsq) || !(gredsq * delsq > CgTolerance * CgTolerance * qred * qred)) break;

            // Step to the trust-region boundary along s.
            double sqrtd = Math.Sqrt(stepsq * resid + ds * ds);
            double bstep = ds >= 0 ? resid / (sqrtd + ds) : (sqrtd - ds) / stepsq;
            if (!(bstep > 0) || !double.IsFinite(bstep)) break;
            HessianTimes(s, hs);
            double shs = 0;
            for (int i = 0; i < n; i++) shs += bound[i] == 0 ? s[i] * hs[i] : 0;
            double stplen = bstep;
            if (shs > 0) stplen = Math.Min(bstep, gredsq / shs);

            // Shorten the step to keep the simple bounds.
            int iact = -1;
            for (int i = 0; i < n; i++)
            {
                if (s[i] == 0) continue;
                double xnew = xopt[i] + d[i];
                double limit = s[i] > 0 ? (su[i] - xnew) / s[i] : (sl[i] - xnew) / s[i];
                if (limit < stplen)
                {
                    stplen = Math.Max(limit, 0);
                    iact = i;
                }
            }

            double sdec = 0;
            if (stplen > 0)
            {
                itercg++;
                double curvature = shs / stepsq;
                if (iact < 0 && curvature > 0) crvmin = crvmin < 0 ? curvature : Math.Min(crvmin, curvature);
                ggsav = gredsq;
                for (int i = 0; i < n; i++)
                {
                    g[i] += stplen * hs[i];
                    d[i] += stplen * s[i];
                }
                gredsq = FreeSumSquares(g, bound);
                sdec = Math.Max(stplen * (ggsav - 0.5 * stplen * shs), 0);
                qred += sdec;
            }

            if (iact >= 0)
            {
                // A bound was hit: fix that variable and restart the conjugate gradients.
                nact++;
                bound[iact] = s[iact] > 0 ? 1 : -1;
                if (nact >= n) break;
                delsq -= d[iact] * d[iact];
                if (delsq <= 0)
                {
                    boundary = true;
                    break;
                }
                beta = 0;
                itercg = 0;
                gredsq = FreeSumSquares(g, bound);
            }
            else if (stplen < bstep)
            {
                if (itercg >= n - nact || sdec <= CgTolerance * qred) break;
                beta = gredsq / ggsav;
            }
            else
            {
                boundary = true;
                break;
            }
        }

        if (boundary)
        {
            crvmin = 0;
            TurnAlongBoundary(d, g, bound, qred);
        }

        // Put the step exactly on the bounds it reached.
        for (int i = 0; i < n; i++)
        {
            double xnew = Math.Clamp(xopt[i] + d[i], sl[i], su[i]);
            if (bound[i] == -1) xnew = sl[i];
            else if (bound[i] == 1) xnew = su[i];
            d[i] = xnew - xopt[i];
        }
        return crvmin < 0 ? 0 : crvmin;
    }

    private static double FreeSumSquares(double[] v, int[] bound)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (bound[i] == 0) s += v[i] * v[i];
        }
        return s;
    }

    /// <summary>
    /// The search on the trust-region boundary: the free part D of d is replaced by cos θ D + sin θ S,
    /// where S is orthogonal to D in the plane of D and the gradient, with ‖S‖ = ‖D‖; θ is chosen on a grid
    /// in the tangent of θ/2, up to the angle where a simple bound is met (that variable is then fixed).
    /// </summary>
    private void TurnAlongBoundary(double[] d, double[] g, int[] bound, double qred)
    {
        ReadOnlySpan<double> xopt = xpt.AsSpan(kopt * n, n);
        var s = workN[3];
        var hs = workN[4];
        var hred = workN[5];
        var dfree = workN[6];
        int nactAtHred = -1;
        for (int iter = 0; iter < 10 * n + 10; iter++)
        {
            int nact = 0;
            for (int i = 0; i < n; i++)
            {
                if (bound[i] == 0)
                {
                    double xnew = xopt[i] + d[i];
                    if (xnew >= su[i]) bound[i] = 1;
                    else if (xnew <= sl[i]) bound[i] = -1;
                }
                if (bound[i] != 0) nact++;
            }
            if (nact >= n - 1) return;
            double gredsq = 0, dredg = 0, dredsq = 0;
            for (int i = 0; i < n; i++)
            {
                if (bound[i] != 0) continue;
                gredsq += g[i] * g[i];
                dredg += d[i] * g[i];
                dredsq += d[i] * d[i];
            }
            if (nact != nactAtHred)
            {
                for (int i = 0; i < n; i++) dfree[i] = bound[i] == 0 ? d[i] : 0;
                HessianTimes(dfree, hred);
                nactAtHred = nact;
            }
            double temp = gredsq * dredsq - dredg * dredg;
            if (!(temp > CgTolerance * CgTolerance * qred * qred)) return;
            temp = Math.Sqrt(temp);
            for (int i = 0; i < n; i++) s[i] = bound[i] == 0 ? (dredg * d[i] - dredsq * g[i]) / temp : 0;
            double sredg = -temp;

            // Largest tangent of the half angle allowed by the simple bounds.
            double tanBound = 1;
            int iact = -1;
            for (int i = 0; i < n; i++)
            {
                if (bound[i] != 0) continue;
                double ssq = d[i] * d[i] + s[i] * s[i];
                double below = xopt[i] - sl[i];
                if (below * below < ssq)
                {
                    double denom = Math.Sqrt(ssq - below * below) - s[i];
                    if (denom > 0)
                    {
                        double t = (xopt[i] + d[i] - sl[i]) / denom;
                        if (t < tanBound)
                        {
                            tanBound = Math.Max(t, 0);
                            iact = i;
                        }
                    }
                }
                double above = su[i] - xopt[i];
                if (above * above < ssq)
                {
                    double denom = Math.Sqrt(ssq - above * above) + s[i];
                    if (denom > 0)
                    {
                        double t = (su[i] - xopt[i] - d[i]) / denom;
                        if (t < tanBound)
                        {
                            tanBound = Math.Max(t, 0);
                            iact = i;
                        }
                    }
                }
            }
            if (!(tanBound > 0)) return;

            HessianTimes(s, hs);
            double shs = 0, dhs = 0, dhd = 0;
            for (int i = 0; i < n; i++)
            {
                if (bound[i] != 0) continue;
                shs += s[i] * hs[i];
                dhs += d[i] * hs[i];
                dhd += d[i] * hred[i];
            }

            // Reduction of Q as a function of t = tan(θ/2), on a grid and then refined by a parabola.
            double Reduction(double t)
            {
                double sth = (t + t) / (1 + t * t);
                return sth * (t * dredg - sredg - 0.5 * sth * (shs + t * (t * dhd - dhs - dhs)));
            }
            int gridSize = (int)(17 * tanBound + 3.1);
            double bestRed = 0, prevRed = 0, redBefore = 0, redAfter = 0;
            int bestIndex = -1;
            for (int i = 1; i <= gridSize; i++)
            {
                double red = Reduction(tanBound * i / gridSize);
                if (red > bestRed)
                {
                    bestRed = red;
                    bestIndex = i;
                    redBefore = prevRed;
                }
                else if (i == bestIndex + 1)
                {
                    redAfter = red;
                }
                prevRed = red;
            }
            if (bestIndex < 0) return;
            double tBest = tanBound * bestIndex / gridSize;
            if (bestIndex < gridSize)
            {
                double curvature = redBefore - 2 * bestRed + redAfter;
                if (curvature < 0)
                {
                    double shift = 0.5 * (redBefore - redAfter) / curvature;
                    tBest = tanBound * (bestIndex + shift) / gridSize;
                }
            }
            double cth = (1 - tBest * tBest) / (1 + tBest * tBest);
            double sth = 2 * tBest / (1 + tBest * tBest);
            double sdec = Reduction(tBest);
            if (!(sdec > 0)) return;
            for (int i = 0; i < n; i++)
            {
                g[i] += (cth - 1) * hred[i] + sth * hs[i];
                if (bound[i] == 0) d[i] = cth * d[i] + sth * s[i];
                hred[i] = cth * hred[i] + sth * hs[i];
            }
            qred += sdec;
            if (iact >= 0 && bestIndex == gridSize)
            {
                bound[iact] = xopt[iact] + d[iact] - 0.5 * (sl[iact] + su[iact]) > 0 ? 1 : -1;
            }
            else if (!(sdec > CgTolerance * qred))
            {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Geometry step (report, section 3, from (3.7))

    /// <summary>
    /// A step d from xopt, within distance <paramref name="deltaBar"/> and the box, that makes the update
    /// denominator large when xopt + d replaces point <paramref name="knew"/>: the better of the best point on
    /// the lines through xopt and the other points, and a bounded Cauchy step on the knew-th Lagrange function.
    /// </summary>
    private void GeometryStep(int knew, double deltaBar, double[] d)
    {
        ReadOnlySpan<double> xopt = xpt.AsSpan(kopt * n, n);
        var pqlag = workM3;
        OmegaColumn(knew, pqlag);
        double alpha = pqlag[knew];
        // Gradient of ℓ_knew at xopt.
        var glag = workN[8];
        for (int i = 0; i < n; i++) glag[i] = bmat[knew * n + i];
        for (int k = 0; k < m; k++)
        {
            double c = pqlag[k] * SmallDense.Dot(xpt.AsSpan(k * n, n), xopt);
            for (int i = 0; i < n; i++) glag[i] += c * xpt[k * n + i];
        }

        // Lines through xopt and another point: ℓ_knew is quadratic in the step t along the line.
        double bestPred = -1;
        int bestK = -1, bestBound = 0;
        double bestT = 0;
        for (int k = 0; k < m; k++)
        {
            if (k == kopt) continue;
            double dist = 0, dderiv = 0;
            for (int i = 0; i < n; i++)
            {
                double diff = xpt[k * n + i] - xopt[i];
                dist += diff * diff;
                dderiv += glag[i] * diff;
            }
            if (!(dist > 0)) continue;
            // t ∈ [slbd, subd] keeps xopt + t (Y_k − xopt) inside the trust region and the box; every
            // t ∈ [0, 1] is inside the box, so subd need not fall below min(1, Δ̄ / ‖Y_k − xopt‖).
            double subd = deltaBar / Math.Sqrt(dist);
            double slbd = -subd;
            int ilbd = 0, iubd = 0;
            double sumin = Math.Min(1, subd);
            for (int i = 0; i < n; i++)
            {
                double diff = xpt[k * n + i] - xopt[i];
                if (diff == 0) continue;
                double toLower = (sl[i] - xopt[i]) / diff;
                double toUpper = (su[i] - xopt[i]) / diff;
                double lowT = diff > 0 ? toLower : toUpper;   // most negative t allowed by variable i
                double highT = diff > 0 ? toUpper : toLower;  // largest t allowed by variable i
                if (lowT > slbd)
                {
                    slbd = lowT;
                    ilbd = diff > 0 ? -(i + 1) : i + 1;
                }
                if (highT < subd)
                {
                    subd = highT;
                    iubd = diff > 0 ? i + 1 : -(i + 1);
                }
            }
            if (slbd > 0)
            {
                slbd = 0;
                ilbd = 0;
            }
            if (subd < sumin)
            {
                subd = sumin;
                iubd = 0;
            }
            double stationary;
            if (k == knew)
            {
                stationary = Math.Abs(1 - dderiv) > 0 ? -0.5 * dderiv / (1 - dderiv) : slbd;
            }
            else
            {
                stationary = 0.5;
            }
            stationary = Math.Clamp(stationary, slbd, subd);
            ReadOnlySpan<double> ts = [slbd, subd, stationary];
            for (int c = 0; c < 3; c++)
            {
                double t = ts[c];
                double value = k == knew ? t * (t * (1 - dderiv) + dderiv) : t * (1 - t) * dderiv;
                double tt = t * (1 - t) * dist;
                double betaBound = 0.5 * tt * tt;
                double pred = value * value * (value * value + alpha * betaBound);
                if (double.IsFinite(pred) && pred > bestPred)
                {
                    bestPred = pred;
                    bestK = k;
                    bestT = t;
                    bestBound = c == 0 ? ilbd : c == 1 ? iubd : 0;
                }
            }
        }
        var lineStep = workN[9];
        Array.Clear(lineStep);
        if (bestK >= 0)
        {
            for (int i = 0; i < n; i++)
            {
                double x = Math.Clamp(xopt[i] + bestT * (xpt[bestK * n + i] - xopt[i]), sl[i], su[i]);
                lineStep[i] = x - xopt[i];
            }
            if (bestBound < 0) lineStep[-bestBound - 1] = sl[-bestBound - 1] - xopt[-bestBound - 1];
            else if (bestBound > 0) lineStep[bestBound - 1] = su[bestBound - 1] - xopt[bestBound - 1];
        }

        // Bounded Cauchy steps on −ℓ and +ℓ.
        var cauchy = workN[10];
        Array.Clear(cauchy);
        double cauchyValueSq = 0;
        var step = workN[11];
        var free = workFree;
        for (int sign = 1; sign >= -1; sign -= 2)
        {
            double ggfree = 0;
            for (int i = 0; i < n; i++)
            {
                double gi = sign * glag[i];
                free[i] = (xopt[i] > sl[i] && gi > 0) || (xopt[i] < su[i] && gi < 0);
                step[i] = 0;
                if (free[i]) ggfree += gi * gi;
            }
            if (!(ggfree > 0)) continue;
            double sfixsq = 0;
            double length = 0;
            for (int pass = 0; pass < n; pass++)
            {
                double resis = deltaBar * deltaBar - sfixsq;
                if (resis <= 0) break;
                length = Math.Sqrt(resis / ggfree);
                bool fixedAny = false;
                for (int i = 0; i < n; i++)
                {
                    if (!free[i]) continue;
                    double gi = sign * glag[i];
                    double xtest = xopt[i] - length * gi;
                    if (xtest <= sl[i] || xtest >= su[i])
                    {
                        step[i] = (xtest <= sl[i] ? sl[i] : su[i]) - xopt[i];
                        sfixsq += step[i] * step[i];
                        ggfree -= gi * gi;
                        free[i] = false;
                        fixedAny = true;
                    }
                }
                if (!fixedAny || !(ggfree > 0)) break;
            }
            for (int i = 0; i < n; i++)
            {
                if (free[i]) step[i] = -length * sign * glag[i];
            }
            // ℓ(xopt + a·step) = a·gs + ½a²·curv; a ≤ 1 keeps the box.
            double gs = SmallDense.Dot(glag, step);
            double curv = 0;
            for (int k = 0; k < m; k++)
            {
                double ys = SmallDense.Dot(xpt.AsSpan(k * n, n), step);
                curv += pqlag[k] * ys * ys;
            }
            double scale = 1;
            double value = gs + 0.5 * curv;
            if (curv != 0)
            {
                double aStar = -gs / curv;
                if (aStar > 0 && aStar < 1)
                {
                    double v2 = aStar * gs + 0.5 * aStar * aStar * curv;
                    if (Math.Abs(v2) > Math.Abs(value))
                    {
                        value = v2;
                        scale = aStar;
                    }
                }
            }
            if (value * value > cauchyValueSq)
            {
                cauchyValueSq = value * value;
                for (int i = 0; i < n; i++)
                {
                    double x = Math.Clamp(xopt[i] + scale * step[i], sl[i], su[i]);
                    cauchy[i] = x - xopt[i];
                }
            }
        }

        double lineDen = bestK >= 0 ? Denominator(lineStep, knew) : double.NegativeInfinity;
        double cauchyDen = cauchyValueSq > 0 ? Denominator(cauchy, knew) : double.NegativeInfinity;
        if (cauchyDen > lineDen || !double.IsFinite(lineDen)) Array.Copy(cauchy, d, n);
        else Array.Copy(lineStep, d, n);
        if (Norm(d) == 0)
        {
            // Degenerate case: step towards the point that leaves.
            double dist = Math.Sqrt(DistanceSquared(knew, kopt));
            double f = Math.Min(0.5, deltaBar / dist);
            for (int i = 0; i < n; i++) d[i] = f * (xpt[knew * n + i] - xopt[i]);
        }
    }

    private double Denominator(double[] d, int knew)
    {
        ComputeLagrangeValues(d, out double beta);
        double value = OmegaDiagonal(knew) * beta + vlag[knew] * vlag[knew];
        return double.IsFinite(value) ? value : double.NegativeInfinity;
    }

    // ------------------------------------------------------------------------------------------------
    // Diagnostics for tests

    /// <summary>Current ρ.</summary>
    internal double Rho => rho;

    /// <summary>
    /// Largest |ℓ_k(Y_j) − δ_kj| over all points with the current H (<paramref name="recomputed"/> false) or with H
    /// recomputed from the points (true; the state is left unchanged).
    /// </summary>
    internal double LagrangeError(bool recomputed)
    {
        var bSave = (double[])bmat.Clone();
        var zSave = (double[])zmat.Clone();
        if (recomputed && !ComputeH(bmat, zmat)) return double.PositiveInfinity;
        double worst = 0;
        for (int j = 0; j < m; j++) worst = Math.Max(worst, LagrangeErrorAt(j));
        Array.Copy(bSave, bmat, bmat.Length);
        Array.Copy(zSave, zmat, zmat.Length);
        return worst;
    }

    /// <summary>Largest |F_k − F_opt − (Q(Y_k) − Q(xopt))| over the points, relative to max(1, |F_opt|).</summary>
    internal double InterpolationResidual()
    {
        var diff = new double[n];
        double worst = 0;
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < n; i++) diff[i] = xpt[k * n + i] - xpt[kopt * n + i];
            worst = Math.Max(worst, Math.Abs(fval[k] - fval[kopt] - ModelChange(diff)));
        }
        return worst / Math.Max(1, Math.Abs(fval[kopt]));
    }

    // ------------------------------------------------------------------------------------------------
    // Small helpers

    private double DistanceSquared(int k, int j)
    {
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            double diff = xpt[k * n + i] - xpt[j * n + i];
            s += diff * diff;
        }
        return s;
    }

    private static double Norm(ReadOnlySpan<double> v) => Math.Sqrt(SmallDense.Dot(v, v));
}
