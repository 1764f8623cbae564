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
        var start = options.StartTheta is { } s ? [.. s] : deviance.InitialTheta;
        if (start.Length != n) throw new ArgumentException($"the start has {start.Length} elements; θ has {n}", nameof(options));
        for (int i = 0; i < n; i++)
        {
            if (!(start[i] >= lower[i])) throw new ArgumentException($"start θ[{i + 1}] = {start[i]} is below its lower bound {lower[i]}", nameof(options));
        }
        var optimizer = options.CustomOptimizer ?? OptimizerFactory.Create(options.Optimizer);
        var settings = options.OptimizerSettings ?? new OptimizerOptions(InitialStep: LinearMixedModelOptions.DefaultInitialStep);
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
        var theta = (double[])optimum.Final.Clone();
        var terms = design.RandomEffects;
        var thetaNames = ThetaNames(terms, deviance.Map);
        double objective = deviance.Evaluate(theta);

        options.Progress?.Report(new FitProgress("derivatives", optimum.Evaluations, objective));
        var check = ConvergenceCheck.Run(deviance, theta, objective, [.. thetaNames], options);
        objective = deviance.EvaluateFull(theta);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("result", optimum.Evaluations + check.Evaluations, objective));

        var factor = deviance.Factor;
        var map = deviance.Map;
        int n = design.Observations;
        int p = design.X.Columns;
        double r2 = deviance.PenalizedResidualSumOfSquares;
        double sigma2 = r2 / (deviance.Criterion == LmmCriterion.Reml ? n - p : n);
        double sigma = Math.Sqrt(sigma2);

        var beta = PlsSolution.FixedEffects(factor, p);
        var u = PlsSolution.SphericalModes(factor, beta, deviance.Gram.Layout);
        var b = PlsSolution.ConditionalModes(factor, map, u);
        var unscaled = PlsSolution.UnscaledCovariance(factor, p);
        var vcov = new double[p, p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) vcov[i, j] = sigma2 * unscaled[j * p + i];
        }

        var display = DisplayGroups(terms);
        var lambdas = Enumerable.Range(0, terms.Count).Select(k => factor.Lambda(k).ToArray()).ToArray();
        var varcorr = VarCorr(terms, display, lambdas, sigma2);
        var gram = deviance.Gram;
        var criterion = deviance.Criterion;
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
                () => ConditionalVariances(inverseBlocks.Value[term], lam, q, sigma2));
        }

        var (fitted, residuals) = FittedValues(design, beta, b);
        var warnings = new List<string>(check.Warnings);
        if (design.X.AliasedColumns.Count > 0)
        {
            int a = design.X.AliasedColumns.Count;
            warnings.Add($"fixed-effect model matrix is rank deficient so dropping {a} column{(a == 1 ? "" : "s")} / coefficient{(a == 1 ? "" : "s")}: {string.Join(", ", design.X.AliasedColumns)}");
        }
        if (optimum.ReturnCode is not (OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited))
        {
            warnings.Add($"the optimiser stopped before converging: {optimum.Message}");
        }

        var parts = new LinearMixedModelFitParts(
            criterion, beta, vcov, theta, thetaNames, sigma, varcorr, objective, modes, GroupSummaries(terms, n),
            fitted, residuals, optimum, check.Singular, warnings, design.Messages, check.Gradient, check.Hessian, r2);
        return new LinearMixedModelFit(design, parts);
    }

    private static double[] ConditionalVariances(double[] inverse, double[] lambda, int q, double sigma2)
    {
        int levels = inverse.Length / (q * q);
        var result = new double[inverse.Length];
        var tmp = new double[q * q];
        for (int g = 0; g < levels; g++)
        {
            var m = inverse.AsSpan(g * q * q, q * q);
            // tmp = λ m ; result = σ² tmp λᵀ
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int t = 0; t <= r; t++) s += lambda[t * q + r] * m[c * q + t];
                    tmp[c * q + r] = s;
                }
            }
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int t = 0; t <= c; t++) s += tmp[t * q + r] * lambda[t * q + c];
                    result[g * q * q + c * q + r] = sigma2 * s;
                }
            }
        }
        return result;
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

    /// <summary>Group labels as lme4's VarCorr shows them: a repeated grouping factor gets ".1", ".2" … (R's make.unique).</summary>
    internal static string[] DisplayGroups(IReadOnlyList<ReTerm> terms)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new string[terms.Count];
        for (int k = 0; k < terms.Count; k++)
        {
            string g = terms[k].GroupName;
            if (seen.TryGetValue(g, out int count))
            {
                result[k] = $"{g}.{count}";
                seen[g] = count + 1;
            }
            else
            {
                result[k] = g;
                seen[g] = 1;
            }
        }
        return result;
    }

    private static string[] ThetaNames(IReadOnlyList<ReTerm> terms, ThetaMap map)
    {
        var names = new List<string>();
        for (int k = 0; k < terms.Count; k++)
        {
            var cols = terms[k].ColumnNames;
            int q = map.Q(k);
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++)
                {
                    names.Add(r == c ? $"{terms[k].GroupName}.{cols[r]}" : $"{terms[k].GroupName}.{cols[r]}.{cols[c]}");
                }
            }
        }
        return [.. names];
    }

    private static VarianceComponent[] VarCorr(IReadOnlyList<ReTerm> terms, string[] display, double[][] lambdas, double sigma2)
    {
        var rows = new List<VarianceComponent>();
        for (int k = 0; k < terms.Count; k++)
        {
            int q = terms[k].Q;
            var lam = lambdas[k];
            var cov = new double[q * q];
            for (int c = 0; c < q; c++)
            {
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int t = 0; t <= Math.Min(r, c); t++) s += lam[t * q + r] * lam[t * q + c];
                    cov[c * q + r] = sigma2 * s;
                }
            }
            var names = terms[k].ColumnNames;
            for (int r = 0; r < q; r++)
            {
                double v = cov[r * q + r];
                rows.Add(new VarianceComponent(display[k], names[r], null, v, Math.Sqrt(v)));
            }
            for (int c = 0; c < q; c++)
            {
                for (int r = c + 1; r < q; r++)
                {
                    double v = cov[c * q + r];
                    double denom = Math.Sqrt(cov[c * q + c] * cov[r * q + r]);
                    rows.Add(new VarianceComponent(display[k], names[c], names[r], v, denom > 0 ? v / denom : double.NaN));
                }
            }
        }
        rows.Add(new VarianceComponent("Residual", null, null, sigma2, Math.Sqrt(sigma2)));
        return [.. rows];
    }

    private static GroupingSummary[] GroupSummaries(IReadOnlyList<ReTerm> terms, int n)
    {
        var result = new List<GroupingSummary>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            if (!done.Add(term.GroupName)) continue;
            var counts = new int[term.LevelCount];
            foreach (int g in term.Codes) counts[g]++;
            result.Add(new GroupingSummary(term.GroupName, term.LevelCount, counts.Min(), counts.Max(), (double)n / term.LevelCount));
        }
        return [.. result];
    }

    private sealed class Progress(Action<OptimizerProgress> report) : IProgress<OptimizerProgress>
    {
        public void Report(OptimizerProgress value) => report(value);
    }
}
