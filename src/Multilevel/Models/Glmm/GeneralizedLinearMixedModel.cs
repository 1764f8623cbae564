using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm.Internals;
using Multilevel.Models.Internals;
using Multilevel.Numerics;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Glmm;

/// <summary>
/// Generalized linear mixed models g(E[y | u]) = offset + Xβ + ZΛ(θ)u, u ~ N(0, I), y | u binomial or Poisson,
/// fitted by maximum likelihood as lme4's <c>glmer</c>: the Laplace approximation (nAGQ = 1), adaptive
/// Gauss–Hermite quadrature (nAGQ &gt; 1, one random-effects term, scalar or vector) or the fast variant
/// (nAGQ = 0). <see cref="Fit(string, Frame, GlmFamily, GeneralizedLinearMixedModelOptions)"/> does everything; the steps are public as lme4's
/// <c>glFormula → mkGlmerDevfun → optimizeGlmer → mkMerMod</c>: <see cref="CreateDeviance"/>,
/// <see cref="Optimize"/> and <see cref="CreateFit"/>.
/// <para>
/// The conditional modes come from PIRLS on the same blocked Cholesky factor as the linear mixed model, its Gram
/// blocks rebuilt from the rows with the working weights of each iteration.
/// </para>
/// </summary>
public static class GeneralizedLinearMixedModel
{
    /// <summary>
    /// Fits <paramref name="formula"/> (lme4 syntax, e.g. <c>cbind(incidence, size - incidence) ~ period + (1 | herd)</c>)
    /// to <paramref name="data"/> with the given family, as lme4's <c>glmer(formula, data, family, nAGQ)</c>.
    /// </summary>
    /// <exception cref="Formulas.FormulaException">The formula has a syntax error.</exception>
    /// <exception cref="ModelSpecificationException">The model cannot be fitted (no random-effects term, separation,
    /// PIRLS failure …).</exception>
    public static GeneralizedLinearMixedModelFit Fit(string formula, Frame data, GlmFamily family, GeneralizedLinearMixedModelOptions options = default)
    {
        var design = BuildDesign(formula, data, family, options);
        return Fit(design, family, options).WithTrainingData(data, DesignOptionsOf(family, options));
    }

    /// <summary>Step 0: the design of <paramref name="formula"/> on <paramref name="data"/> (lme4's <c>glFormula</c>):
    /// a binomial response may be 0/1, a two-level factor or <c>cbind(successes, failures)</c>.</summary>
    public static ModelDesign BuildDesign(string formula, Frame data, GlmFamily family, GeneralizedLinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(family);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("design", 0, double.NaN));
        return DesignBuilder.Build(formula, data, DesignOptionsOf(family, options));
    }

    private static DesignOptions DesignOptionsOf(GlmFamily family, in GeneralizedLinearMixedModelOptions options) =>
        (options.Design ?? DesignOptions.Default) with { Response = family.Name == "binomial" ? ResponseKind.Binomial : ResponseKind.Numeric };

    /// <summary>Fits the GLMM of a design with the given family (binomial or Poisson).</summary>
    public static GeneralizedLinearMixedModelFit Fit(ModelDesign design, GlmFamily family, GeneralizedLinearMixedModelOptions options = default)
    {
        var deviance = CreateDeviance(design, family, options);
        var optimum = Optimize(deviance, options);
        return CreateFit(deviance, optimum, options);
    }

    /// <summary>
    /// Step 1: checks the design (lme4's checks for glmer), sets up the response as R's family does, checks the
    /// fixed effects for separation, fits the GLM without random effects for PIRLS's starting values and returns
    /// the deviance function.
    /// </summary>
    /// <exception cref="SeparationException">The fixed effects separate the outcomes (unless <see cref="GeneralizedLinearMixedModelOptions.Separation"/> says otherwise).</exception>
    public static GlmmDeviance CreateDeviance(ModelDesign design, GlmFamily family, GeneralizedLinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(family);
        int nagq = options.EffectiveNagq;
        GlmmChecks.Validate(design, nagq);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("design", 0, double.NaN));
        var link = options.Link ?? family.DefaultLink;
        var notes = new List<string>();
        var warnings = new List<string>();
        var rows = new GlmmRows(design, family, link, warnings);
        var x = design.X;
        int n = design.Observations;
        if (options.Separation != SeparationAction.Ignore && x.Columns > 0 && family.Name is "binomial" or "poisson")
        {
            var report = Glm.Separation.Check(x.Values, n, x.ColumnNames, rows.Y, rows.Weights, family);
            if (report.Separated)
            {
                string text = SeparationMessage(report, family, rows.Weights.Count(w => w > 0));
                if (options.Separation == SeparationAction.Error) throw new SeparationException(text, report);
                warnings.Add(text);
            }
        }

        var start = new double[x.Columns];
        try
        {
            var glm = GeneralizedLinearModel.Fit(x.Values, n, x.ColumnNames, design.Response.Values, family, link,
                design.Response.Trials, design.Weights, design.Offset, design.FormulaText, design.Response.Name,
                new GlmOptions(1e-8, 25, SeparationAction.Ignore));
            for (int j = 0; j < glm.CoefficientNames.Count; j++)
            {
                int c = IndexOf(x.ColumnNames, glm.CoefficientNames[j]);
                if (c >= 0 && double.IsFinite(glm.Coefficients[j])) start[c] = glm.Coefficients[j];
            }
        }
        catch (ModelSpecificationException e)
        {
            notes.Add($"the GLM without random effects could not be fitted for starting values ({e.Message}); PIRLS starts from β = 0");
        }
        notes.AddRange(warnings.Select(w => "warning: " + w));
        return new GlmmDeviance(design, rows, nagq, start, options.PirlsTol, options.PirlsMaxIter, notes);
    }

    /// <summary>
    /// Step 2: as lme4's <c>glmer</c>, first minimises the nAGQ = 0 deviance over θ (β inside PIRLS); for nAGQ ≥ 1
    /// then minimises the Laplace or quadrature deviance over (θ, β) from there, with β measured in units of its
    /// first-stage standard errors (a whitening by the Cholesky factor of (R_XᵀR_X)⁻¹) so that one step size suits
    /// every parameter. After each stage, a θ within 1e-5 of its bound goes to the bound when that lowers the
    /// deviance (lme4's boundary check). Where PIRLS fails the deviance counts as +∞.
    /// </summary>
    public static GlmmOptimization Optimize(GlmmDeviance deviance, GeneralizedLinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(deviance);
        int nagq = options.Nagq is null ? deviance.Nagq : options.EffectiveNagq;
        if (nagq > 1) GlmmChecks.ValidateQuadrature(deviance.Design, nagq);
        int nTheta = deviance.ThetaCount;
        int p = deviance.FixedEffectCount;
        var lower = deviance.LowerBounds;
        var start = options.StartTheta is { } s ? s.ToArray() : deviance.InitialTheta;
        if (start.Length != nTheta) throw new ArgumentException($"the start has {start.Length} elements; θ has {nTheta}", nameof(options));
        for (int i = 0; i < nTheta; i++)
        {
            if (!(start[i] >= lower[i])) throw new ArgumentException($"start θ[{i + 1}] = {start[i]} is below its lower bound {lower[i]}", nameof(options));
        }
        var optimizer = options.CustomOptimizer ?? new Bobyqa();
        var settings = options.OptimizerSettings ?? new OptimizerOptions();
        var ct = options.CancellationToken;
        var progress = options.Progress;
        int failures = 0;

        // ---- stage 1: θ, with β and u from PIRLS ----
        deviance.ResetModes();
        double Fast(double[] theta)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return deviance.EvaluateFast(theta);
            }
            catch (PirlsException)
            {
                failures++;
                deviance.ResetModes();
                return double.PositiveInfinity;
            }
        }
        var stage1 = optimizer.Minimize(Fast, start, lower, Infinite(nTheta), settings, Reporter(progress, "stage 1", 0), ct);
        if (stage1.ReturnCode == OptimizerReturnCode.InvalidObjective)
        {
            deviance.ResetModes();
            deviance.EvaluateFast(start);   // throws PIRLS's own message
            throw new ModelSpecificationException($"the deviance is not finite at the starting θ = ({Format(start)}): {stage1.Message}");
        }
        var (theta1, value1, extra1) = BoundaryCheck(Fast, stage1.Final, stage1.FinalObjective, lower, deviance.DiagonalElements);
        stage1 = stage1 with { Final = theta1, FinalObjective = value1, Evaluations = stage1.Evaluations + extra1 };

        // the PIRLS state at θ̂₁ (β̂₁, the modes and R_X)
        double d1 = deviance.EvaluateFast(theta1);
        var fast = deviance.FastPirls;
        var beta1 = (double[])fast.Beta.Clone();
        if (nagq == 0) return new GlmmOptimization(theta1, beta1, d1, 0, stage1, null, failures);

        // ---- stage 2: (θ, β) on the Laplace / quadrature deviance ----
        ct.ThrowIfCancellationRequested();
        var whitening = Whitening(fast.UnscaledCovariance(), p, beta1);
        var modes = deviance.ModePirls;
        for (int k = 0; k < fast.U.Length; k++) fast.U[k].CopyTo(modes.U[k], 0);
        var theta = new double[nTheta];
        var beta = new double[p];
        void ToNatural(double[] phi, double[] th, double[] b)
        {
            Array.Copy(phi, th, nTheta);
            for (int r = 0; r < p; r++)
            {
                double v = beta1[r];
                for (int c = 0; c <= r; c++) v += whitening[c * p + r] * phi[nTheta + c];
                b[r] = v;
            }
        }
        double Full(double[] phi)
        {
            ct.ThrowIfCancellationRequested();
            ToNatural(phi, theta, beta);
            try
            {
                return deviance.Evaluate(theta, beta, nagq);
            }
            catch (PirlsException)
            {
                failures++;
                deviance.ResetModes();
                return double.PositiveInfinity;
            }
        }
        var start2 = new double[nTheta + p];
        Array.Copy(theta1, start2, nTheta);
        var lower2 = Enumerable.Repeat(double.NegativeInfinity, nTheta + p).ToArray();
        Array.Copy(lower, lower2, nTheta);
        var diag2 = new bool[nTheta + p];
        Array.Copy(deviance.DiagonalElements, diag2, nTheta);
        var settings2 = options.SecondStageOptimizerSettings ?? settings.WithDefaults() with { InitialStep = GeneralizedLinearMixedModelOptions.SecondStageInitialStep };
        var stage2 = optimizer.Minimize(Full, start2, lower2, Infinite(nTheta + p), settings2, Reporter(progress, "stage 2", stage1.Evaluations), ct);
        if (stage2.ReturnCode == OptimizerReturnCode.InvalidObjective)
        {
            ToNatural(start2, theta, beta);
            deviance.Evaluate(theta, beta, nagq);
            throw new ModelSpecificationException($"the deviance is not finite at the second stage's start: {stage2.Message}");
        }
        var (phi2, value2, extra2) = BoundaryCheck(Full, stage2.Final, stage2.FinalObjective, lower2, diag2);
        var thetaHat = new double[nTheta];
        var betaHat = new double[p];
        ToNatural(phi2, thetaHat, betaHat);
        var initialNatural = (double[])start2.Clone();
        Array.Copy(beta1, 0, initialNatural, nTheta, p);
        stage2 = stage2 with
        {
            Initial = initialNatural,
            Final = [.. thetaHat, .. betaHat],
            FinalObjective = value2,
            Evaluations = stage2.Evaluations + extra2,
        };
        return new GlmmOptimization(thetaHat, betaHat, value2, nagq, stage1, stage2, failures);
    }

    /// <summary>
    /// Step 3: the fit at the estimates: standard errors from the finite-difference Hessian of the deviance in (θ, β)
    /// (lme4's <c>use.hessian = TRUE</c>; from R_X for nAGQ = 0), lme4's convergence checks, variance components,
    /// conditional modes, fitted values.
    /// </summary>
    public static GeneralizedLinearMixedModelFit CreateFit(GlmmDeviance deviance, GlmmOptimization optimum, GeneralizedLinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(deviance);
        ArgumentNullException.ThrowIfNull(optimum);
        var design = deviance.Design;
        var terms = design.RandomEffects;
        int nTheta = deviance.ThetaCount;
        int p = deviance.FixedEffectCount;
        int nagq = optimum.Nagq;
        var theta = (double[])optimum.Theta.Clone();
        var beta = (double[])optimum.FixedEffects.Clone();
        var ct = options.CancellationToken;
        var warnings = new List<string>(deviance.Notes.Where(m => m.StartsWith("warning: ", StringComparison.Ordinal)).Select(m => m["warning: ".Length..]));
        var messages = new List<string>(design.Messages);
        messages.AddRange(deviance.Notes.Where(m => !m.StartsWith("warning: ", StringComparison.Ordinal)));
        var thetaNames = GlmmSummaries.ThetaNames(terms);
        double[]? gradient = null;
        double[,]? hessian = null;
        double[,]? vcov = null;
        bool fromHessian = false;
        double objective;
        Pirls state;
        options.Progress?.Report(new FitProgress("derivatives", optimum.Evaluations, optimum.Deviance));
        if (nagq == 0)
        {
            objective = deviance.EvaluateFast(theta);
            state = deviance.FastPirls;
            beta = (double[])state.Beta.Clone();
            vcov = ToMatrix(state.UnscaledCovariance(), p);
        }
        else
        {
            objective = deviance.Evaluate(theta, beta, nagq);
            if (!options.SkipHessian)
            {
                var x = new double[nTheta + p];
                theta.CopyTo(x, 0);
                beta.CopyTo(x, nTheta);
                // lme4's deriv12: central differences with step 1e-4, no bounds (θ may step below 0: Λ(−θ) gives the same deviance);
                // the 2n² points are evaluated in parallel (HessianPoints)
                var derivatives = NumericalDerivatives.GradientAndHessianInBatch(
                    points => HessianPoints(deviance, points, x, nTheta, nagq, options.MaxDegreeOfParallelism, ct), x, DifferenceOptions.Lme4, value: objective, cancellationToken: ct);
                gradient = derivatives.Gradient;
                hessian = new double[x.Length, x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    for (int j = 0; j < x.Length; j++) hessian[i, j] = derivatives.HessianAt(i, j);
                }
                vcov = HessianCovariance(hessian, nTheta, p);
                fromHessian = vcov is not null;
                if (!fromHessian)
                {
                    warnings.Add("the variance–covariance matrix from the finite-difference Hessian is not positive definite or contains NaN: the standard errors come from R_X instead (as lme4)");
                }
                objective = deviance.Evaluate(theta, beta, nagq);   // back to the state at the estimates
            }
            state = deviance.ModePirls;
            if (vcov is null)
            {
                var fast = deviance.FastPirls;
                fast.FactorAt(theta, state.Eta);
                vcov = ToMatrix(fast.UnscaledCovariance(), p);
                objective = deviance.Evaluate(theta, beta, nagq);
            }
        }
        ct.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("result", deviance.Evaluations, objective));

        var labels = thetaNames.Concat(design.X.ColumnNames).ToArray();
        var (singular, checks) = GlmmConvergence.Check(theta, deviance.DiagonalElements, gradient, hessian, labels,
            options.SingularTol, options.GradientTol, options.HessianTol);
        warnings.AddRange(checks);
        if (optimum.FirstStage.ReturnCode is not (OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited))
        {
            warnings.Add($"the optimiser stopped before converging in the first stage (nAGQ = 0): {optimum.FirstStage.Message}");
        }
        if (optimum.SecondStage is { } s2 && s2.ReturnCode is not (OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited))
        {
            warnings.Add($"the optimiser stopped before converging in the second stage: {s2.Message}");
        }
        if (optimum.PirlsFailures > 0)
        {
            warnings.Add($"PIRLS failed at {optimum.PirlsFailures} of the parameter values the optimiser tried; the deviance counted as +∞ there");
        }
        if (design.X.AliasedColumns.Count > 0)
        {
            int a = design.X.AliasedColumns.Count;
            warnings.Add($"fixed-effect model matrix is rank deficient so dropping {a} column{(a == 1 ? "" : "s")} / coefficient{(a == 1 ? "" : "s")}: {string.Join(", ", design.X.AliasedColumns)}");
        }

        var rows = deviance.Rows;
        var b = state.ConditionalModes();
        var display = LinearMixedModel.DisplayGroups(terms);
        var lambdas = Enumerable.Range(0, terms.Count).Select(k => (double[])state.Lambda(k).Clone()).ToArray();
        var varcorr = GlmmSummaries.VarCorr(terms, display, lambdas);
        var thetaCopy = (double[])theta.Clone();
        var betaCopy = (double[])beta.Clone();
        Lazy<double[][]> inverseBlocks = new(() =>
        {
            var copy = deviance.Clone();
            Pirls pirls;
            if (nagq == 0)
            {
                copy.EvaluateFast(thetaCopy);
                pirls = copy.FastPirls;
            }
            else
            {
                copy.Evaluate(thetaCopy, betaCopy, 1);
                pirls = copy.ModePirls;
            }
            return [.. Enumerable.Range(0, terms.Count).Select(k => pirls.InverseDiagonalBlocks(k))];
        });
        var modes = new TermConditionalModes[terms.Count];
        for (int k = 0; k < terms.Count; k++)
        {
            int term = k;
            var lam = lambdas[k];
            int q = terms[k].Q;
            modes[k] = new TermConditionalModes(terms[k].GroupName, display[k], terms[k].Levels, terms[k].ColumnNames, b[k],
                () => GlmmSummaries.ConditionalVariances(inverseBlocks.Value[term], lam, q));
        }
        var eta = (double[])state.Eta.Clone();
        var mu = new double[eta.Length];
        for (int i = 0; i < mu.Length; i++) mu[i] = rows.Link.LinkInverse(eta[i]);

        var parts = new GlmmFitParts(
            design, rows.Family, rows.Link, optimum, beta, vcov, fromHessian, theta, thetaNames, varcorr, objective, rows.Constant,
            state.Deviance, modes, GlmmSummaries.Groups(terms, design.Observations), eta, mu, (double[])rows.Y.Clone(), (double[])rows.Weights.Clone(),
            deviance.PirlsIterations, deviance.Evaluations, singular, warnings, messages, gradient, hessian);
        return new GeneralizedLinearMixedModelFit(parts);
    }

    // ---------------- helpers ----------------

    /// <summary>Chunks of the Hessian's points: a fixed number, so that the values do not depend on the number of cores.</summary>
    private const int HessianChunks = 4;

    /// <summary>
    /// The deviance at each point of the finite-difference Hessian, in <see cref="HessianChunks"/> contiguous chunks run in
    /// parallel, each by its own copy of the deviance function whose PIRLS starts from the modes at the estimates
    /// <paramref name="x"/> and then from the previous point of its chunk (the same values for any number of threads).
    /// A point where PIRLS fails gives NaN, as lme4's.
    /// </summary>
    private static double[] HessianPoints(GlmmDeviance deviance, IReadOnlyList<double[]> points, double[] x, int nTheta, int nagq, int maxThreads, CancellationToken ct)
    {
        var values = new double[points.Count];
        int chunk = (points.Count + HessianChunks - 1) / HessianChunks;
        var copies = new GlmmDeviance[HessianChunks];
        var parallel = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        Parallel.For(0, HessianChunks, parallel, c =>
        {
            var copy = copies[c] = deviance.Clone();
            Evaluate(copy, x);
            for (int k = c * chunk; k < Math.Min(points.Count, (c + 1) * chunk); k++)
            {
                ct.ThrowIfCancellationRequested();
                values[k] = Evaluate(copy, points[k]);
            }
        });
        foreach (var copy in copies) deviance.AddWorkOf(copy);
        return values;

        double Evaluate(GlmmDeviance d, double[] v)
        {
            try
            {
                return d.Evaluate(v.AsSpan(0, nTheta), v.AsSpan(nTheta), nagq);
            }
            catch (PirlsException)
            {
                return double.NaN;
            }
        }
    }

    /// <summary>2 [H⁻¹]_ββ, symmetrised (lme4's calc.vcov.hess); null when not finite or not positive definite.</summary>
    private static double[,]? HessianCovariance(double[,] hessian, int nTheta, int p)
    {
        var h = Matrix<double>.Build.DenseOfArray(hessian);
        if (!h.Enumerate().All(double.IsFinite)) return null;
        Matrix<double> inv;
        try
        {
            inv = h.Inverse();
        }
        catch (ArgumentException)
        {
            return null;
        }
        var v = new double[p, p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) v[i, j] = inv[nTheta + i, nTheta + j] + inv[nTheta + j, nTheta + i];
        }
        var m = Matrix<double>.Build.DenseOfArray(v);
        if (!m.Enumerate().All(double.IsFinite)) return null;
        try
        {
            _ = m.Cholesky();
        }
        catch (ArgumentException)
        {
            return null;
        }
        return v;
    }

    /// <summary>Lower Cholesky factor (column-major p × p) of the first-stage covariance of β, for the whitening; a diagonal of |β| + 1 if it fails.</summary>
    private static double[] Whitening(double[] unscaled, int p, double[] beta)
    {
        var c = (double[])unscaled.Clone();
        if (p > 0 && DenseKernels.CholeskyLower(c, p, p) < 0 && c.All(double.IsFinite))
        {
            for (int j = 0; j < p; j++)
            {
                for (int i = 0; i < j; i++) c[j * p + i] = 0;
            }
            return c;
        }
        var d = new double[p * p];
        for (int j = 0; j < p; j++) d[j * p + j] = Math.Abs(beta[j]) + 1;
        return d;
    }

    private static (double[] X, double Value, int Evaluations) BoundaryCheck(Func<double[], double> f, double[] x, double value, double[] lower, bool[] diagonal)
    {
        const double tol = 1e-5;
        var best = (double[])x.Clone();
        int evaluations = 0;
        for (int i = 0; i < diagonal.Length; i++)
        {
            if (!diagonal[i]) continue;
            double gap = best[i] - lower[i];
            if (!(gap > 0 && gap < tol)) continue;
            var t = (double[])best.Clone();
            t[i] = lower[i];
            double v = f(t);
            evaluations++;
            if (v < value)
            {
                best = t;
                value = v;
            }
        }
        return (best, value, evaluations);
    }

    private static string SeparationMessage(SeparationReport report, GlmFamily family, int nobs)
    {
        string kind = report.Complete ? "complete separation" : "quasi-complete separation";
        string what = family.Name == "poisson" ? "have a fitted mean of 0 in the limit" : "are predicted perfectly (fitted probability 0 or 1)";
        return $"{kind} by the fixed effects: {report.Observations.Count} of {nobs} observations {what} by a combination of " +
            $"{string.Join(", ", report.Coefficients)}, whatever the random effects; the maximum-likelihood estimates of these coefficients are " +
            "infinite (glmer would return huge estimates and standard errors with convergence warnings). Remove or merge the separating " +
            "predictor or level, drop the perfectly predicted observations, or model that factor as a random effect instead.";
    }

    private static double[,] ToMatrix(double[] columnMajor, int p)
    {
        var m = new double[p, p];
        for (int j = 0; j < p; j++)
        {
            for (int i = 0; i < p; i++) m[i, j] = columnMajor[j * p + i];
        }
        return m;
    }

    private static double[] Infinite(int n) => Enumerable.Repeat(double.PositiveInfinity, n).ToArray();

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        return -1;
    }

    private static string Format(double[] v) => string.Join(", ", v.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)));

    private static StageProgress? Reporter(IProgress<FitProgress>? progress, string stage, int offset) =>
        progress is null ? null : new StageProgress(p => progress.Report(new FitProgress(stage, offset + p.Evaluations, p.BestObjective)));

    private sealed class StageProgress(Action<OptimizerProgress> report) : IProgress<OptimizerProgress>
    {
        public void Report(OptimizerProgress value) => report(value);
    }
}
