using Multilevel.Design;
using Multilevel.Models.Internals;
using Multilevel.Numerics.Optimization;

namespace Multilevel.Models;

// Fits from a GramDesign: the same three steps when the data is known only through its sums (a file streamed in
// chunks, a table aggregated by its database). Everything but the fitted values and residuals is computed from A.
public static partial class LinearMixedModel
{
    /// <summary>Fits the model of a design given by its sums (<see cref="GramDesign"/>). When the rows are in memory
    /// (<see cref="GramDesign.Design"/> set) this is <see cref="Fit(ModelDesign, LinearMixedModelOptions)"/> without
    /// building the Gram matrix again; otherwise fitted values and residuals are not available on the result.</summary>
    public static LinearMixedModelFit Fit(GramDesign design, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        var deviance = CreateDevianceFromSums(design, options);
        var optimum = Optimize(deviance, options);
        return design.Design is { } rows
            ? CreateFit(rows, deviance, optimum, options)
            : CreateFitFromSums(design, deviance, optimum, options);
    }

    /// <summary>Step 1 for a design given by its sums: lme4's checks on the grouping factors and the number of random
    /// effects, then the profiled deviance (ML) or REML criterion of θ.</summary>
    public static ProfiledDeviance CreateDevianceFromSums(GramDesign design, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        if (design.Design is { } rows) LmmChecks.Validate(rows);
        else Validate(design);
        options.CancellationToken.ThrowIfCancellationRequested();
        return ProfiledDeviance.Create(design.Gram, options.Criterion);
    }

    /// <summary>Step 3 for a design given by its sums: β̂, σ̂, vcov, variance components, conditional modes and the
    /// convergence checks, as <see cref="CreateFit(ModelDesign, ProfiledDeviance, OptSummary, LinearMixedModelOptions)"/>;
    /// fitted values and residuals need the rows and are not computed.</summary>
    public static LinearMixedModelFit CreateFitFromSums(GramDesign design, ProfiledDeviance deviance, OptSummary optimum, LinearMixedModelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(deviance);
        ArgumentNullException.ThrowIfNull(optimum);
        if (design.Design is { } rows) return CreateFit(rows, deviance, optimum, options);
        if (!ReferenceEquals(deviance.Gram, design.Gram)) throw new ArgumentException("the deviance function was not made from this design", nameof(deviance));

        var info = design.Info;
        // terms described by their names only (no rows): what the variance-component and naming helpers read
        var terms = info.RandomEffects.Select(t => new ReTerm(t.GroupName, t.Levels, [], t.ColumnNames, [])).ToList();
        var theta = (double[])optimum.Final.Clone();
        var thetaNames = ThetaNames(terms, deviance.Map);
        double objective = deviance.Evaluate(theta);

        options.Progress?.Report(new FitProgress("derivatives", optimum.Evaluations, objective));
        var check = ConvergenceCheck.Run(deviance, theta, objective, [.. thetaNames], options);
        objective = deviance.EvaluateFull(theta);
        options.CancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Report(new FitProgress("result", optimum.Evaluations + check.Evaluations, objective));

        var factor = deviance.Factor;
        var map = deviance.Map;
        long n = design.Observations;
        int p = design.Gram.Layout.FixedEffectCount;
        double r2 = deviance.PenalizedResidualSumOfSquares;
        double sigma2 = r2 / (deviance.Criterion == LmmCriterion.Reml ? n - p : n);

        var beta = PlsSolution.FixedEffects(factor, p);
        var u = PlsSolution.SphericalModes(factor, beta, design.Gram.Layout);
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

        var warnings = new List<string>(check.Warnings);
        if (info.AliasedColumns.Count > 0)
        {
            int a = info.AliasedColumns.Count;
            warnings.Add($"fixed-effect model matrix is rank deficient so dropping {a} column{(a == 1 ? "" : "s")} / coefficient{(a == 1 ? "" : "s")}: {string.Join(", ", info.AliasedColumns)}");
        }
        if (optimum.ReturnCode is not (OptimizerReturnCode.Converged or OptimizerReturnCode.RoundingLimited))
        {
            warnings.Add($"the optimiser stopped before converging: {optimum.Message}");
        }

        var parts = new LinearMixedModelFitParts(
            deviance.Criterion, beta, vcov, theta, thetaNames, Math.Sqrt(sigma2), varcorr, objective, modes, GroupSummaries(info, n),
            [], [], optimum, check.Singular, warnings, info.Messages, check.Gradient, check.Hessian, r2);
        return new LinearMixedModelFit(design, parts);
    }

    /// <summary>lme4's checks (as for a design in memory) on a design known by its sums.</summary>
    private static void Validate(GramDesign design)
    {
        var info = design.Info;
        long n = design.Observations;
        if (info.RandomEffects.Count == 0)
        {
            throw new ModelSpecificationException(
                $"'{info.FormulaText}' has no random-effects terms '( … | group)': use an OLS fit (mlm fit without a random-effects term), or add one such as (1 | group)");
        }
        if (n == 0) throw new ModelSpecificationException("no observations are left after dropping rows with missing values");
        if (n > int.MaxValue)
        {
            throw new ModelSpecificationException($"{n:N0} observations: fits of more than {int.MaxValue:N0} rows are not supported yet");
        }
        foreach (var term in info.RandomEffects)
        {
            int levels = term.Levels.Count;
            if (levels < 2)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {levels} level{(levels == 1 ? "" : "s")} in the rows used: a random effect needs a factor with more than one sampled level");
            }
            if (levels >= n)
            {
                throw new ModelSpecificationException(
                    $"grouping factor '{term.GroupName}' has {levels} levels for {n} observations: the number of levels of each grouping factor must be less than the number of observations");
            }
            long re = (long)levels * term.ColumnNames.Count;
            if (n <= re)
            {
                string cols = string.Join(" + ", term.ColumnNames.Select(c => c == "(Intercept)" ? "1" : c));
                throw new ModelSpecificationException(
                    $"number of observations ({n}) <= number of random effects ({re}) for term ({cols} | {term.GroupName}): the random-effects parameters and the residual variance are probably unidentifiable");
            }
        }
        if (n <= info.FixedEffectNames.Count)
        {
            throw new ModelSpecificationException($"{n} observations are too few for {info.FixedEffectNames.Count} fixed effects");
        }
    }

    private static GroupingSummary[] GroupSummaries(GramDesignInfo info, long n)
    {
        var result = new List<GroupingSummary>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in info.RandomEffects)
        {
            if (!done.Add(term.GroupName)) continue;
            var sizes = term.GroupSizes;
            result.Add(new GroupingSummary(term.GroupName, sizes.Count, checked((int)sizes.Min()), checked((int)sizes.Max()), (double)n / sizes.Count));
        }
        return [.. result];
    }
}
