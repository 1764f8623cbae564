using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models.Internals;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models;

/// <summary>
/// Linear mixed models y = Xβ + Zb + ε, b = Λ(θ)u, u ~ N(0, σ²I), ε ~ N(0, σ²W⁻¹), fitted by REML or ML as lme4's
/// <c>lmer</c>. <see cref="Fit(ModelDesign, LinearMixedModelOptions)"/> does everything; the steps are public
/// as well, as lme4's <c>lFormula → mkLmerDevfun → optimizeLmer → mkMerMod</c>:
/// <see cref="CreateDeviance"/> (design → deviance function of θ), <see cref="Optimize"/> and
/// <see cref="CreateFit"/>.
/// </summary>
public static partial class LinearMixedModel
{
    /// <summary>
    /// Fits <paramref name="formula"/> (lme4 syntax, e.g. <c>Reaction ~ Days + (Days | Subject)</c>) to
    /// <paramref name="data"/>: builds the design, the deviance function, optimises it and returns the fit.
    /// </summary>
    /// <exception cref="Formulas.FormulaException">The formula has a syntax error.</exception>
    /// <exception cref="ModelSpecificationException">The model cannot be fitted (no random-effects term, a grouping
    /// factor with one level, more random effects than observations …).</exception>
    public static LinearMixedModelFit Fit(string formula, Frame data, LinearMixedModelOptions options = default)
    {
        var design = BuildDesign(formula, data, options);
        return Fit(design, options).WithTrainingData(data, DesignOptionsOf(options));
    }

    /// <summary>Step 0: the design of <paramref name="formula"/> on <paramref name="data"/> (lme4's <c>lFormula</c>).</summary>
    public static ModelDesign BuildDesign(string formula, Frame data, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(data);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("design", 0, double.NaN));
        return DesignBuilder.Build(formula, data, DesignOptionsOf(options));
    }

    private static DesignOptions DesignOptionsOf(in LinearMixedModelOptions options) =>
        (options.Design ?? DesignOptions.Default) with { Response = ResponseKind.Numeric };

    /// <summary>Fits the model of a design.</summary>
    public static LinearMixedModelFit Fit(ModelDesign design, LinearMixedModelOptions options = default)
    {
        var deviance = CreateDeviance(design, options);
        var optimum = Optimize(deviance, options);
        return CreateFit(design, deviance, optimum, options);
    }

    /// <summary>
    /// Step 1: checks the design (lme4's checks on grouping factors and the number of random effects), builds the
    /// Gram matrix of [Z X y] in one pass over the rows, and returns the profiled deviance (ML) or REML criterion
    /// as a function of θ.
    /// </summary>
    public static ProfiledDeviance CreateDeviance(ModelDesign design, LinearMixedModelOptions options = default)
    {
        LmmChecks.Validate(design);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("gram", 0, double.NaN));
        return ProfiledDeviance.Create(DesignGram.Build(design), options.Criterion);
    }

    /// <summary>
    /// Step 2: minimises the deviance function over θ within its bounds, as lme4's <c>optimizeLmer</c>: from the
    /// start, then (when some θ ends exactly on its bound and the one-sided slope there points inside) once more
    /// from the optimum, then setting to the bound any θ within 1e-5 of it when that lowers the objective.
    /// The summary counts every evaluation.
    /// </summary>
    public static OptSummary Optimize(ProfiledDeviance deviance, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(deviance);
        var lower = deviance.LowerBounds;
        int n = lower.Length;
        var upper = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        // lme4 starts at θ = 1 (0 off the diagonal); with scalar terms only, moments of the Gram matrix start nearer
        double[]? moments = options.StartTheta is null && options.OptimizerSettings is null && options.CustomOptimizer is null
            ? MomentStart.Theta(deviance.Gram) : null;
        var start = options.StartTheta is { } s ? [.. s] : moments ?? deviance.InitialTheta;
        if (start.Length != n) throw new ArgumentException($"the start has {start.Length} elements; θ has {n}", nameof(options));
        for (int i = 0; i < n; i++)
        {
            if (!(start[i] >= lower[i])) throw new ArgumentException($"start θ[{i + 1}] = {start[i]} is below its lower bound {lower[i]}", nameof(options));
        }
        var optimizer = options.CustomOptimizer ?? OptimizerFactory.Create(options.Optimizer);
        var settings = options.OptimizerSettings
            ?? new OptimizerOptions(InitialStep: moments is null ? LinearMixedModelOptions.DefaultInitialStep : MomentStart.InitialStep);
        var ct = options.CancellationToken;
        var progress = options.Progress;
        int offset = 0;
        IProgress<OptimizerProgress>? inner = progress is null
            ? null
            : new Progress(p => progress.Report(new FitProgress("optimize", offset + p.Evaluations, p.BestObjective)));
        Func<double[], double> f = theta =>
        {
            ct.ThrowIfCancellationRequested();
            return deviance.Evaluate(theta);
        };

        var summary = optimizer.Minimize(f, start, lower, upper, settings, inner, ct);
        int evaluations = summary.Evaluations;
        var theta = (double[])summary.Final.Clone();

        // lme4's restart_edge: a θ exactly on its bound with a negative one-sided slope there → optimise again.
        var onBound = Enumerable.Range(0, n).Where(i => theta[i] == lower[i]).ToArray();
        if (onBound.Length > 0)
        {
            const double btol = 1e-5;
            double d0 = f(theta);
            evaluations++;
            bool restart = false;
            foreach (int i in onBound)
            {
                var t = (double[])theta.Clone();
                t[i] = lower[i] + btol;
                evaluations++;
                if ((f(t) - d0) / btol < 0) restart = true;
            }
            if (restart)
            {
                offset = evaluations;
                var again = optimizer.Minimize(f, theta, lower, upper, settings, inner, ct);
                evaluations += again.Evaluations;
                summary = again with { Initial = summary.Initial, InitialObjective = summary.InitialObjective };
                theta = (double[])again.Final.Clone();
            }
        }

        // lme4's check.boundary: θ within 1e-5 of its bound goes to the bound when that is lower.
        double best = summary.FinalObjective;
        bool moved = false;
        for (int i = 0; i < n; i++)
        {
            double gap = theta[i] - lower[i];
            if (!(gap > 0 && gap < 1e-5)) continue;
            var t = (double[])theta.Clone();
            t[i] = lower[i];
            double v = f(t);
            evaluations++;
            if (v < best)
            {
                theta = t;
                best = v;
                moved = true;
            }
        }
        if (moved) summary = summary with { Final = theta, FinalObjective = best };
        return summary with { Evaluations = evaluations };
    }

    /// <summary>
    /// Step 3: the fit at the optimum θ of <paramref name="optimum"/>: β̂, σ̂, vcov, variance components,
    /// conditional modes, fitted values, and lme4's convergence checks (gradient and Hessian by finite
    /// differences, singular fit).
    /// </summary>
    public static LinearMixedModelFit CreateFit(ModelDesign design, ProfiledDeviance deviance, OptSummary optimum, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(deviance);
        ArgumentNullException.ThrowIfNull(optimum);
        var terms = design.RandomEffects;
        var solution = SolveAtOptimum(deviance, optimum, terms, design.Observations, design.X.AliasedColumns, options);
        var (fitted, residuals) = FittedValues(design, solution.FixedEffects, solution.Modes);
        return new LinearMixedModelFit(design, solution.Parts(MixedModelTables.Groups(terms, design.Observations), fitted, residuals, design.Messages));
    }

    /// <summary>What a fit needs only the factor at θ̂ for (a design in memory or one known by its sums).</summary>
    private sealed record OptimumSolution(
        LmmCriterion Criterion, OptSummary Optimum, double[] Theta, string[] ThetaNames, double Objective, ConvergenceCheck.Result Check,
        double Sigma2, double PenalizedRss, double[] FixedEffects, double[][] Modes, double[,] Vcov, VarianceComponent[] VarCorr,
        TermConditionalModes[] TermModes, List<string> Warnings)
    {
        public LinearMixedModelFitParts Parts(GroupingSummary[] groups, double[] fitted, double[] residuals, IReadOnlyList<string> messages) =>
            new(Criterion, FixedEffects, Vcov, Theta, ThetaNames, Math.Sqrt(Sigma2), VarCorr, Objective, TermModes, groups,
                fitted, residuals, Optimum, Check.Singular, Warnings, messages, Check.Gradient, Check.Hessian, PenalizedRss);
    }

    /// <summary>
    /// The final evaluation at θ̂, lme4's convergence checks, σ̂², β̂ and its covariance, the conditional modes (their
    /// variances on demand), the variance components and the warnings.
    /// </summary>
    private static OptimumSolution SolveAtOptimum(ProfiledDeviance deviance, OptSummary optimum, IReadOnlyList<ReTerm> terms, long n,
        IReadOnlyList<string> aliasedColumns, LinearMixedModelOptions options)
    {
        var theta = (double[])optimum.Final.Clone();
        var thetaNames = MixedModelTables.ThetaNames(terms);
        double objective = deviance.Evaluate(theta);

        options.Progress?.Report(new FitProgress("derivatives", optimum.Evaluations, objective));
        var check = ConvergenceCheck.Run(deviance, theta, objective, [.. thetaNames], options);
        objective = deviance.EvaluateFull(theta);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("result", optimum.Evaluations + check.Evaluations, objective));

        var factor = deviance.Factor;
        var map = deviance.Map;
        var gram = deviance.Gram;
        int p = gram.Layout.FixedEffectCount;
        double r2 = deviance.PenalizedResidualSumOfSquares;
        double sigma2 = r2 / (deviance.Criterion == LmmCriterion.Reml ? n - p : n);

        var beta = PlsSolution.FixedEffects(factor, p);
        var u = PlsSolution.SphericalModes(factor, beta, gram.Layout);
        var b = PlsSolution.ConditionalModes(factor, map, u);
        var unscaled = PlsSolution.UnscaledCovariance(factor, p);
        var vcov = new double[p, p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) vcov[i, j] = sigma2 * unscaled[j * p + i];
        }

        var display = MixedModelTables.DisplayGroups(terms);
        var lambdas = Enumerable.Range(0, terms.Count).Select(k => factor.Lambda(k).ToArray()).ToArray();
        var varcorr = MixedModelTables.VarCorr(terms, display, lambdas, sigma2, residualRow: true);
        var modes = new TermConditionalModes[terms.Count];
        Lazy<double[][]> inverseBlocks = new(() =>
        {
            var copy = deviance.Clone();
            copy.EvaluateFull(theta);
            return [.. Enumerable.Range(0, terms.Count).Select(k => PlsSolution.InverseDiagonalBlocks(copy.Factor, copy.Map, gram.Layout, k))];
        });
        for (int k = 0; k < terms.Count; k++)
        {
            int term = k;
            var lam = lambdas[k];
            int q = terms[k].Q;
            modes[k] = new TermConditionalModes(terms[k].GroupName, display[k], terms[k].Levels, terms[k].ColumnNames, b[k],
                () => MixedModelTables.ConditionalVariances(inverseBlocks.Value[term], lam, q, sigma2));
        }

        var warnings = new List<string>(check.Warnings);
        if (aliasedColumns.Count > 0)
        {
            int a = aliasedColumns.Count;
            warnings.Add($"fixed-effect model matrix is rank deficient so dropping {a} column{(a == 1 ? "" : "s")} / coefficient{(a == 1 ? "" : "s")}: {string.Join(", ", aliasedColumns)}");
        }
        if (optimum.ReturnCode is not (OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited))
        {
            warnings.Add($"the optimiser stopped before converging: {optimum.Message}");
        }
        return new OptimumSolution(deviance.Criterion, optimum, theta, thetaNames, objective, check, sigma2, r2, beta, b, vcov, varcorr, modes, warnings);
    }

    private static (double[] Fitted, double[] Residuals) FittedValues(ModelDesign design, double[] beta, double[][] b)
    {
        int n = design.Observations;
        var fitted = new double[n];
        var x = design.X;
        for (int j = 0; j < beta.Length; j++)
        {
            var col = x.Column(j);
            double bj = beta[j];
            for (int i = 0; i < n; i++) fitted[i] += col[i] * bj;
        }
        for (int k = 0; k < design.RandomEffects.Count; k++)
        {
            var term = design.RandomEffects[k];
            int q = term.Q;
            var codes = term.Codes;
            var z = term.Z;
            var bk = b[k];
            for (int i = 0; i < n; i++)
            {
                int g = codes[i];
                double s = 0;
                for (int c = 0; c < q; c++) s += z[i * q + c] * bk[g * q + c];
                fitted[i] += s;
            }
        }
        if (design.Offset is { } off)
        {
            for (int i = 0; i < n; i++) fitted[i] += off[i];
        }
        var y = design.Response.Values;
        var residuals = new double[n];
        for (int i = 0; i < n; i++) residuals[i] = y[i] - fitted[i];
        return (fitted, residuals);
    }

    private sealed class Progress(Action<OptimizerProgress> report) : IProgress<OptimizerProgress>
    {
        public void Report(OptimizerProgress value) => report(value);
    }
}
