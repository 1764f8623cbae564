using Multilevel.Design;
using Multilevel.Models.Linear;
using Multilevel.Numerics;

namespace Multilevel.Models.FixedEffects;

/// <summary>Options of the within estimator.</summary>
/// <param name="Tolerance">Relative tolerance of the projection (CG residual relative to the variable's norm).</param>
/// <param name="MaxIterations">Largest number of CG iterations per variable.</param>
/// <param name="DropSingletons">Drop observations alone in a level of some factor (repeatedly), as fixest's
/// <c>fixef.rm = "singleton"</c> and reghdfe do. Their fit is perfect; keeping them changes no
/// coefficient but overstates the number of observations.</param>
public readonly record struct AbsorbedOptions(
    double Tolerance = 1e-14,
    int MaxIterations = 10_000,
    bool DropSingletons = true)
{
    /// <summary>The defaults: tolerance 1e-14, 10,000 iterations, singletons dropped.</summary>
    public AbsorbedOptions() : this(1e-14, 10_000, true) { }

    /// <summary>Cancels the projection (checked at every iteration).</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>
/// Linear models with absorbed fixed effects, fixest syntax <c>y ~ x | g1 + g2 + …</c>: the within
/// estimator. y and every column of X are projected off the indicator columns of all factors
/// (<see cref="AlternatingProjections"/>), then OLS/WLS on the projected variables gives the same
/// coefficients as the regression with all dummies (LSDV).
/// </summary>
/// <remarks>
/// Degrees of freedom: the absorbed parameters are counted as the rank of the dummy matrix where it is
/// cheap to know exactly: the first factor counts its levels; factor k its levels minus the largest number
/// of connected components of the bipartite graph it forms with any earlier factor (adding D_k to a span
/// that holds D_j adds at most L_k − C(j, k) dimensions). This is exact for one and two factors and for
/// nested factors (a factor inside another counts nothing more), and otherwise an upper bound on the rank,
/// like fixest's and reghdfe's pairwise counts. Residual df = n − p − absorbed parameters.
/// </remarks>
public static class AbsorbedFixedEffects
{
    /// <summary>Fits the design's model with its <see cref="ModelDesign.Absorbed"/> factors.</summary>
    public static LinearModelFit Fit(ModelDesign design, AbsorbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        var opt = options ?? new AbsorbedOptions();
        if (!(opt.Tolerance > 0)) opt = opt with { Tolerance = 1e-14 };
        if (opt.MaxIterations <= 0) opt = opt with { MaxIterations = 10_000 };
        if (design.Absorbed.Count == 0)
        {
            throw new ModelSpecificationException("no factor to absorb: write y ~ x | g, or fit OLS");
        }
        if (design.RandomEffects.Count > 0)
        {
            throw new ModelSpecificationException("absorbed fixed effects (y ~ x | g) cannot be combined with random-effects terms ( … | g) for now");
        }
        if (design.Response.Trials is not null)
        {
            throw new ModelSpecificationException("absorbed fixed effects take a numeric response, not binomial counts");
        }
        var messages = design.Messages.ToList();
        int n0 = design.Observations;
        var keep = new bool[n0];
        Array.Fill(keep, true);
        int zeroWeight = 0;
        if (design.Weights is { } w0)
        {
            for (int i = 0; i < n0; i++)
            {
                if (!(w0[i] >= 0) || double.IsInfinity(w0[i]))
                {
                    throw new ModelSpecificationException($"weights must be finite and ≥ 0; used row {i + 1} has {w0[i]}");
                }
                if (w0[i] == 0) { keep[i] = false; zeroWeight++; }
            }
            if (zeroWeight > 0) messages.Add($"{zeroWeight} observation(s) with weight 0 left out");
        }
        foreach (var f in design.Absorbed)
        {
            if (f.Codes.Length != n0) throw new ArgumentException($"absorbed factor '{f.Name}' has {f.Codes.Length} codes for {n0} rows");
            for (int i = 0; i < n0; i++)
            {
                if (f.Codes[i] < 0 || f.Codes[i] >= f.Levels.Count)
                {
                    throw new ModelSpecificationException($"absorbed factor '{f.Name}' has no level for used row {i + 1}");
                }
            }
        }
        int singletons = 0;
        if (opt.DropSingletons)
        {
            singletons = Singletons.Mark(design.Absorbed.Select(f => f.Codes).ToArray(),
                design.Absorbed.Select(f => f.Levels.Count).ToArray(), keep);
            if (singletons > 0)
            {
                messages.Add($"{singletons} singleton observation(s) dropped (alone in a level of {string.Join(" or ", design.Absorbed.Select(f => f.Name))}); their fixed effect fits them exactly");
            }
        }
        var d = singletons + zeroWeight > 0 ? DesignRows.Subset(design, keep) : design;
        int n = d.Observations;
        if (n == 0) throw new ModelSpecificationException("no observation is left after dropping singletons");

        // Compact the factors to the levels present.
        var factors = d.Absorbed.Select(CompactLevels).ToArray();
        var perFactor = ParameterCounts(factors, n);
        int absorbed = perFactor.Sum();

        // Regressors: X without the intercept (absorbed by the fixed effects).
        var x = d.X;
        var cols = new List<int>();
        var dropped = new List<string>();
        for (int j = 0; j < x.Columns; j++)
        {
            if (x.ColumnNames[j] == "(Intercept)") continue;
            cols.Add(j);
        }
        var w = d.Weights;
        var proj = new AlternatingProjections(factors.Select(f => f.Codes).ToArray(), factors.Select(f => f.Levels.Count).ToArray(), w)
        {
            Tolerance = opt.Tolerance,
            MaxIterations = opt.MaxIterations,
            CancellationToken = opt.CancellationToken,
        };
        var z = (double[])d.Response.Values.Clone();
        if (d.Offset is { } off) for (int i = 0; i < n; i++) z[i] -= off[i];
        double tss = CentredSumOfSquares(z, w);
        var variables = new double[cols.Count + 1][];
        variables[0] = (double[])z.Clone();
        for (int k = 0; k < cols.Count; k++) variables[k + 1] = x.Column(cols[k]).ToArray();
        var centredNorms = variables.Select(v => Math.Sqrt(CentredSumOfSquares(v, w))).ToArray();
        var iterations = new int[variables.Length];
        var converged = new bool[variables.Length];
        Parallel.For(0, variables.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, 4) }, k =>
        {
            var (it, ok) = proj.Demean(variables[k]);
            iterations[k] = it;
            converged[k] = ok;
        });
        // Columns without within variation are collinear with the fixed effects.
        var names = new List<string>();
        var keptVars = new List<double[]>();
        for (int k = 0; k < cols.Count; k++)
        {
            double within = Math.Sqrt(CentredSumOfSquares(variables[k + 1], w));
            if (!(within > HouseholderQr.DefaultTolerance * centredNorms[k + 1]))
            {
                dropped.Add(x.ColumnNames[cols[k]]);
                continue;
            }
            names.Add(x.ColumnNames[cols[k]]);
            keptVars.Add(variables[k + 1]);
        }
        if (dropped.Count > 0)
        {
            messages.Add($"{dropped.Count} variable(s) removed because collinear with the fixed effects: {string.Join(", ", dropped)}");
        }
        if (converged.Any(c => !c))
        {
            messages.Add($"warning: the within transformation did not reach tolerance {opt.Tolerance:G3} in {opt.MaxIterations} iterations");
        }
        var xt = new double[(long)n * keptVars.Count];
        for (int k = 0; k < keptVars.Count; k++) keptVars[k].CopyTo(xt.AsSpan(k * n, n));
        var fit = LinearModel.FitCore(xt, n, names, variables[0], w, default, d.FormulaText, d.Response.Name,
            HouseholderQr.DefaultTolerance, hasIntercept: true, method: "within", absorbedParameters: absorbed, centredTss: tss);
        messages.AddRange(fit.Messages);
        var y = d.Response.Values;
        var fitted = new double[n];
        for (int i = 0; i < n; i++) fitted[i] = y[i] - fit.Residuals[i];
        double withinTss = CentredSumOfSquares(variables[0], w);
        var info = new AbsorbedFixedEffectsInfo(factors, perFactor, singletons, iterations.Max(), converged.All(c => c),
            1 - fit.ResidualSumOfSquares / withinTss);
        return fit with
        {
            Fitted = fitted,
            AliasedColumns = [.. x.AliasedColumns, .. dropped, .. fit.AliasedColumns],
            RowsInData = design.RowsInData,
            RowsDropped = design.RowsDropped + singletons + zeroWeight,
            RowIndex = d.RowIndex,
            Absorbed = info,
            Messages = messages,
        };
    }

    private static double CentredSumOfSquares(ReadOnlySpan<double> v, double[]? w)
    {
        double sw = 0, m = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double wi = w is null ? 1 : w[i];
            sw += wi;
            m += wi * v[i];
        }
        m /= sw;
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double wi = w is null ? 1 : w[i];
            double e = v[i] - m;
            s += wi * e * e;
        }
        return s;
    }

    /// <summary>The factor with only the levels that occur, codes renumbered in level order.</summary>
    internal static AbsorbedFactor CompactLevels(AbsorbedFactor f)
    {
        var present = new bool[f.Levels.Count];
        foreach (int c in f.Codes) present[c] = true;
        if (present.All(p => p)) return f;
        var map = new int[present.Length];
        var levels = new List<string>();
        for (int l = 0; l < present.Length; l++)
        {
            map[l] = present[l] ? levels.Count : -1;
            if (present[l]) levels.Add(f.Levels[l]);
        }
        var codes = new int[f.Codes.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = map[f.Codes[i]];
        return new AbsorbedFactor(f.Name, levels, codes);
    }

    /// <summary>Parameters counted per factor (see the class remarks): the first factor its levels, factor k
    /// its levels minus the largest number of connected components it forms with any earlier factor.</summary>
    internal static int[] ParameterCounts(IReadOnlyList<AbsorbedFactor> factors, int n)
    {
        var counts = new int[factors.Count];
        for (int k = 0; k < factors.Count; k++)
        {
            int redundant = 0;
            for (int j = 0; j < k; j++)
            {
                redundant = Math.Max(redundant, ConnectedComponents(factors[j].Codes, factors[j].Levels.Count, factors[k].Codes, factors[k].Levels.Count));
            }
            counts[k] = factors[k].Levels.Count - redundant;
        }
        return counts;
    }

    /// <summary>Connected components of the bipartite graph whose edges are the observations (level of
    /// factor a, level of factor b).</summary>
    internal static int ConnectedComponents(int[] a, int la, int[] b, int lb)
    {
        var parent = new int[la + lb];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }
        int components = la + lb;
        for (int i = 0; i < a.Length; i++)
        {
            int ra = Find(a[i]), rb = Find(la + b[i]);
            if (ra != rb)
            {
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
                components--;
            }
        }
        return components;
    }
}
