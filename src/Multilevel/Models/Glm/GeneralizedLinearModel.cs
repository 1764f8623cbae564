using Multilevel.Design;
using Multilevel.Numerics;

namespace Multilevel.Models.Glm;

/// <summary>What to do when the separation check finds that the MLE does not exist.</summary>
public enum SeparationAction
{
    /// <summary>Stop with a <see cref="SeparationException"/> describing the separation (default).</summary>
    Error,

    /// <summary>Fit anyway, as R does, and add the description to the fit's messages.</summary>
    Warn,

    /// <summary>Do not check.</summary>
    Ignore,
}

/// <summary>Options of IRLS (defaults as R's <c>glm.control</c>).</summary>
/// <param name="Epsilon">Convergence when |dev − dev_old| / (|dev| + 0.1) &lt; ε.</param>
/// <param name="MaxIterations">Largest number of IRLS iterations.</param>
/// <param name="Separation">What to do on separation.</param>
public readonly record struct GlmOptions(double Epsilon = 1e-8, int MaxIterations = 25, SeparationAction Separation = SeparationAction.Error)
{
    /// <summary>The defaults: ε = 1e-8, 25 iterations, separation is an error.</summary>
    public GlmOptions() : this(1e-8, 25, SeparationAction.Error) { }
}

/// <summary>
/// Generalized linear models by iteratively reweighted least squares, step for step as R's
/// <c>glm.fit</c> (same starting values, QR with R's rank rule at tolerance min(1e-7, ε/1000), step halving,
/// convergence rule), so estimates, standard errors, deviances and AIC agree with R's <c>glm</c>. Before
/// fitting, binomial and Poisson models are checked for separation (<see cref="Separation"/>).
/// </summary>
public static class GeneralizedLinearModel
{
    /// <summary>Fits the GLM of a design (binomial responses may be 0/1, a two-level factor coded 0/1 by the
    /// design, or <c>cbind(successes, failures)</c> with <see cref="Response.Trials"/>).</summary>
    public static GlmFit Fit(ModelDesign design, GlmFamily family, GlmLink? link = null, GlmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(family);
        if (design.RandomEffects.Count > 0)
        {
            throw new ModelSpecificationException("the formula has random-effects terms '( … | g)': fit a GLMM instead of a GLM");
        }
        if (design.Absorbed.Count > 0)
        {
            throw new ModelSpecificationException("absorbed fixed effects (y ~ x | g) are implemented for linear models only; write factor(g) in the formula for a GLM with fixed effects");
        }
        if (design.Response.Trials is not null && family.Name != "binomial")
        {
            throw new ModelSpecificationException($"cbind(successes, failures) is a binomial response; the family is {family.Name}");
        }
        var x = design.X;
        var fit = Fit(x.UnsafeArray, x.Rows, x.ColumnNames, design.Response.Values, family, link ?? family.DefaultLink,
            design.Response.Trials, design.Weights, design.Offset, design.FormulaText, design.Response.Name, options);
        return fit with
        {
            AliasedColumns = [.. x.AliasedColumns, .. fit.AliasedColumns],
            RowsInData = design.RowsInData,
            RowsDropped = design.RowsDropped,
            RowIndex = design.RowIndex,
            Messages = [.. design.Messages, .. fit.Messages],
        };
    }

    /// <summary>Fits y ~ X by IRLS.</summary>
    /// <param name="x">Column-major n × p model matrix.</param>
    /// <param name="n">Rows.</param>
    /// <param name="names">Column names; a column <c>(Intercept)</c> marks an intercept.</param>
    /// <param name="y">Response (binomial: 0/1 or proportions).</param>
    /// <param name="family">Family.</param>
    /// <param name="link">Link.</param>
    /// <param name="trials">Binomial totals (cbind responses), or null.</param>
    /// <param name="priorWeights">Prior weights, or null.</param>
    /// <param name="offset">Offset, or null.</param>
    /// <param name="formula">Formula text.</param>
    /// <param name="responseName">Response name.</param>
    /// <param name="options">IRLS options.</param>
    public static GlmFit Fit(ReadOnlySpan<double> x, int n, IReadOnlyList<string> names, ReadOnlySpan<double> y,
        GlmFamily family, GlmLink link, double[]? trials = null, double[]? priorWeights = null, double[]? offset = null,
        string formula = "", string responseName = "y", GlmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(link);
        var opt = options ?? new GlmOptions();
        int p = names.Count;
        if (x.Length != (long)n * p) throw new ArgumentException($"x has {x.Length} values, expected {n} × {p}", nameof(x));
        if (y.Length != n) throw new ArgumentException($"y has {y.Length} values, expected {n}", nameof(y));
        bool intercept = names.Contains("(Intercept)");

        // R's family$initialize: binomial totals become weights; starting means.
        var yy = y.ToArray();
        var wts = new double[n];
        var nTrials = new double[n];
        for (int i = 0; i < n; i++)
        {
            double pw = priorWeights is null ? 1 : priorWeights[i];
            if (!(pw >= 0) || double.IsInfinity(pw)) throw new ModelSpecificationException($"prior weights must be finite and ≥ 0; used row {i + 1} has {pw}");
            double t = trials is null ? 1 : trials[i];
            if (trials is not null && !(t >= 0)) throw new ModelSpecificationException($"binomial totals must be ≥ 0; used row {i + 1} has {t}");
            nTrials[i] = t;
            wts[i] = pw * t;
            if (trials is not null && t == 0) yy[i] = 0;
            if (trials is null && family.Name == "binomial" && pw == 0) yy[i] = 0;
            if (!double.IsFinite(yy[i])) throw new ModelSpecificationException($"the response {responseName} is not finite in used row {i + 1}");
            var problem = family.CheckResponse(yy[i]);
            if (problem is not null) throw new ModelSpecificationException($"{problem} (used row {i + 1})");
        }
        var off = offset ?? new double[n];
        var messages = new List<string>();

        if (opt.Separation != SeparationAction.Ignore && (family.Name is "binomial" or "poisson"))
        {
            var report = Separation.Check(x, n, names, yy, wts, family);
            if (report.Separated)
            {
                int nobsOk = wts.Count(v => v > 0);
                string text = report.Describe(family.Name, nobsOk);
                if (opt.Separation == SeparationAction.Error) throw new SeparationException(text, report);
                messages.Add("warning: " + text);
            }
        }

        double[] mustart = new double[n];
        for (int i = 0; i < n; i++) mustart[i] = family.StartingMu(yy[i], trials is null ? wts[i] : nTrials[i]);
        var core = Irls(x, n, p, yy, wts, off, family, link, mustart, opt);
        var names2 = core.Kept.Select(j => names[j]).ToArray();
        var aliased = core.Aliased.Select(j => names[j]).ToArray();
        if (aliased.Length > 0) messages.Add($"{aliased.Length} coefficient(s) not defined because of singularities (aliased): {string.Join(", ", aliased)}");
        messages.AddRange(core.Warnings);

        int nOk = wts.Count(v => v > 0);
        // Null deviance: weighted mean with an intercept, g⁻¹(offset) without; with an offset and an
        // intercept, the intercept-only model is refitted (as glm does).
        double nullDev;
        double[] nullMu = new double[n];
        if (intercept && offset is not null)
        {
            var ones = new double[n];
            Array.Fill(ones, 1.0);
            var nullFit = Irls(ones, n, 1, yy, wts, off, family, link, core.Mu, opt);
            nullDev = nullFit.Deviance;
            nullMu = nullFit.Mu;
        }
        else
        {
            double sw = 0, swy = 0;
            for (int i = 0; i < n; i++) { sw += wts[i]; swy += wts[i] * yy[i]; }
            for (int i = 0; i < n; i++) nullMu[i] = intercept ? swy / sw : link.LinkInverse(off[i]);
            nullDev = 0;
            for (int i = 0; i < n; i++) nullDev += family.DevianceResidual(yy[i], nullMu[i], wts[i]);
        }
        int rank = core.Kept.Length;
        double aic = family.Aic(yy, nTrials, core.Mu, wts, core.Deviance) + 2 * rank;
        int nullRank = intercept ? 1 : 0;
        double nullAic = family.Aic(yy, nTrials, nullMu, wts, nullDev) + 2 * nullRank;
        double nullLogLik = nullRank + (family.FixedDispersion ? 0 : 1) - nullAic / 2;

        double pearson = 0;
        for (int i = 0; i < n; i++)
        {
            if (wts[i] == 0) continue;
            double r = yy[i] - core.Mu[i];
            pearson += wts[i] * r * r / family.Variance(core.Mu[i]);
        }
        double dispersion = 1;
        if (!family.FixedDispersion)
        {
            // Σ w_work · r_work² over w_work > 0, divided by the residual df (summary.glm).
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                if (!(core.WorkingWeights[i] > 0)) continue;
                double me = link.MuEta(core.Eta[i]);
                double rw = (yy[i] - core.Mu[i]) / me;
                s += core.WorkingWeights[i] * rw * rw;
            }
            int df = nOk - rank;
            dispersion = df > 0 ? s / df : double.NaN;
        }

        return new GlmFit
        {
            Formula = formula,
            ResponseName = responseName,
            Family = family,
            Link = link,
            CoefficientNames = names2,
            Coefficients = core.Coefficients,
            AliasedColumns = aliased,
            UnscaledCovariance = core.UnscaledCovariance,
            Dispersion = dispersion,
            Deviance = core.Deviance,
            NullDeviance = nullDev,
            Observations = nOk,
            RowsInData = n,
            NullDf = nOk - (intercept ? 1 : 0),
            Aic = aic,
            NullLogLikelihood = nullLogLik,
            PearsonChiSquared = pearson,
            Iterations = core.Iterations,
            Converged = core.Converged,
            Fitted = core.Mu,
            LinearPredictor = core.Eta,
            Response = yy,
            PriorWeights = wts,
            WorkingWeights = core.WorkingWeights,
            Messages = messages,
        };
    }

    private sealed record IrlsResult(double[] Coefficients, int[] Kept, int[] Aliased, double[] UnscaledCovariance,
        double[] Mu, double[] Eta, double[] WorkingWeights, double Deviance, int Iterations, bool Converged, List<string> Warnings);

    private static IrlsResult Irls(ReadOnlySpan<double> x, int n, int p, double[] y, double[] wts, double[] off,
        GlmFamily family, GlmLink link, double[] mustart, GlmOptions opt)
    {
        var warnings = new List<string>();
        var eta = new double[n];
        var mu = new double[n];
        for (int i = 0; i < n; i++)
        {
            eta[i] = link.LinkFun(mustart[i]);
            mu[i] = link.LinkInverse(eta[i]);
            if (!family.ValidMu(mu[i]) || !link.ValidEta(eta[i]))
            {
                throw new ModelSpecificationException($"cannot find valid starting values for the {family.Name} GLM (used row {i + 1})");
            }
        }
        double devold = Deviance(y, mu, wts, family);
        double[]? coefold = null;
        var start = new double[p];
        HouseholderQr? qr = null;
        var workW = new double[n];
        double dev = devold;
        bool conv = false, boundary = false;
        int iter = 0;
        double tol = Math.Min(1e-7, opt.Epsilon / 1000);
        var xs = x.ToArray();
        for (iter = 1; iter <= opt.MaxIterations; iter++)
        {
            var good = new List<int>(n);
            var z = new List<double>(n);
            var w = new List<double>(n);
            Array.Clear(workW);
            for (int i = 0; i < n; i++)
            {
                if (!(wts[i] > 0)) continue;
                double v = family.Variance(mu[i]);
                if (double.IsNaN(v)) throw new ModelSpecificationException("NAs in V(μ) during IRLS");
                if (v == 0) throw new ModelSpecificationException("0s in V(μ) during IRLS");
                double me = link.MuEta(eta[i]);
                if (double.IsNaN(me)) throw new ModelSpecificationException("NAs in dμ/dη during IRLS");
                if (me == 0) continue;
                good.Add(i);
                z.Add(eta[i] - off[i] + (y[i] - mu[i]) / me);
                double wi = Math.Sqrt(wts[i] * me * me / v);
                w.Add(wi);
                workW[i] = wi * wi;
            }
            if (good.Count == 0)
            {
                conv = false;
                warnings.Add($"warning: no observations informative at iteration {iter}");
                break;
            }
            int m = good.Count;
            var xw = new double[(long)m * p];
            var zw = new double[m];
            for (int j = 0; j < p; j++)
                for (int r = 0; r < m; r++) xw[(long)j * m + r] = xs[(long)j * n + good[r]] * w[r];
            for (int r = 0; r < m; r++) zw[r] = z[r] * w[r];
            qr = HouseholderQr.FactorInPlace(xw, m, p, tol);
            var b = qr.SolveUpper(qr.QtY(zw));
            if (b.Any(v => !double.IsFinite(v)))
            {
                conv = false;
                warnings.Add($"warning: non-finite coefficients at iteration {iter}");
                break;
            }
            if (m < qr.Rank) throw new ModelSpecificationException($"X matrix has rank {qr.Rank}, but only {m} observations");
            Array.Clear(start);
            for (int k = 0; k < qr.Rank; k++) start[qr.Pivot[k]] = b[k];
            Predict(xs, n, p, start, off, link, eta, mu);
            dev = Deviance(y, mu, wts, family);
            boundary = false;
            if (!double.IsFinite(dev))
            {
                if (coefold is null) throw new ModelSpecificationException("no valid set of coefficients has been found: the IRLS step diverged at the first iteration");
                warnings.Add("warning: step size truncated due to divergence");
                int ii = 1;
                while (!double.IsFinite(dev))
                {
                    if (ii > opt.MaxIterations) throw new ModelSpecificationException("IRLS: inner loop 1; cannot correct step size");
                    ii++;
                    for (int j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
                    Predict(xs, n, p, start, off, link, eta, mu);
                    dev = Deviance(y, mu, wts, family);
                }
                boundary = true;
            }
            if (!AllValid(eta, mu, family, link))
            {
                if (coefold is null) throw new ModelSpecificationException("no valid set of coefficients has been found: the IRLS step left the valid range at the first iteration");
                warnings.Add("warning: step size truncated: out of bounds");
                int ii = 1;
                while (!AllValid(eta, mu, family, link))
                {
                    if (ii > opt.MaxIterations) throw new ModelSpecificationException("IRLS: inner loop 2; cannot correct step size");
                    ii++;
                    for (int j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
                    Predict(xs, n, p, start, off, link, eta, mu);
                }
                boundary = true;
                dev = Deviance(y, mu, wts, family);
            }
            if (Math.Abs(dev - devold) / (Math.Abs(dev) + 0.1) < opt.Epsilon)
            {
                conv = true;
                break;
            }
            devold = dev;
            coefold = (double[])start.Clone();
        }
        if (iter > opt.MaxIterations) iter = opt.MaxIterations;
        if (!conv) warnings.Add($"warning: IRLS did not converge in {opt.MaxIterations} iterations");
        if (boundary) warnings.Add("warning: IRLS stopped at a boundary value");
        const double eps = 10 * 2.220446049250313e-16;
        if (family.Name == "binomial" && mu.Any(v => v > 1 - eps || v < eps)) warnings.Add("warning: fitted probabilities numerically 0 or 1 occurred");
        if (family.Name == "poisson" && mu.Any(v => v < eps)) warnings.Add("warning: fitted rates numerically 0 occurred");
        if (qr is null) throw new ModelSpecificationException("IRLS made no iteration");
        var kept = qr.KeptColumns.ToArray();
        var coef = kept.Select(j => start[j]).ToArray();
        return new IrlsResult(coef, kept, qr.AliasedColumns.ToArray(), qr.InverseRtR(), mu, eta, workW, dev, iter, conv, warnings);
    }

    private static void Predict(double[] x, int n, int p, double[] b, double[] off, GlmLink link, double[] eta, double[] mu)
    {
        Array.Copy(off, eta, n);
        for (int j = 0; j < p; j++)
        {
            double bj = b[j];
            if (bj == 0) continue;
            var col = x.AsSpan(j * n, n);
            for (int i = 0; i < n; i++) eta[i] += col[i] * bj;
        }
        for (int i = 0; i < n; i++) mu[i] = link.LinkInverse(eta[i]);
    }

    private static double Deviance(double[] y, double[] mu, double[] wts, GlmFamily family)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += family.DevianceResidual(y[i], mu[i], wts[i]);
        return s;
    }

    private static bool AllValid(double[] eta, double[] mu, GlmFamily family, GlmLink link)
    {
        for (int i = 0; i < eta.Length; i++)
            if (!link.ValidEta(eta[i]) || !family.ValidMu(mu[i])) return false;
        return true;
    }
}
