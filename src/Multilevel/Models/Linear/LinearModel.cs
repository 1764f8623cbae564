using Multilevel.Design;
using Multilevel.Numerics;

namespace Multilevel.Models.Linear;

/// <summary>
/// Ordinary and weighted least squares by Householder QR with R's rank rule (<c>lm</c>): full pooling in
/// the language of the slides. <c>Fit</c> returns an immutable <see cref="LinearModelFit"/>.
/// </summary>
public static class LinearModel
{
    /// <summary>Fits the model of a design (no random-effects terms, no absorbed factors: see
    /// <see cref="FixedEffects.AbsorbedFixedEffects"/> for those).</summary>
    public static LinearModelFit Fit(ModelDesign design, double tolerance = HouseholderQr.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(design);
        if (design.RandomEffects.Count > 0)
        {
            throw new ModelSpecificationException(
                "the formula has random-effects terms '( … | g)': fit a mixed model instead of OLS");
        }
        if (design.Absorbed.Count > 0) return FixedEffects.AbsorbedFixedEffects.Fit(design);
        if (design.Response.Trials is not null)
        {
            throw new ModelSpecificationException(
                $"the response {design.Response.Name} is binomial counts (cbind): fit a GLM with --family binomial");
        }
        var x = design.X;
        var fit = Fit(x.UnsafeArray, x.Rows, x.ColumnNames, design.Response.Values, design.Weights, design.Offset,
            design.FormulaText, design.Response.Name, tolerance);
        var messages = design.Messages.Concat(fit.Messages).ToList();
        return fit with
        {
            AliasedColumns = [.. x.AliasedColumns, .. fit.AliasedColumns],
            RowsInData = design.RowsInData,
            RowsDropped = design.RowsDropped,
            RowIndex = design.RowIndex,
            Messages = messages,
        };
    }

    /// <summary>
    /// Fits y ≈ X b (+ offset) by least squares, weighted when <paramref name="weights"/> is given.
    /// </summary>
    /// <param name="x">Column-major n × p regressors.</param>
    /// <param name="rows">n.</param>
    /// <param name="columnNames">Names of the p columns; a column named <c>(Intercept)</c> marks an intercept.</param>
    /// <param name="y">Response.</param>
    /// <param name="weights">Prior weights (≥ 0), or null. Rows with weight 0 do not count as observations.</param>
    /// <param name="offset">Offset, or null.</param>
    /// <param name="formula">Formula text for reports.</param>
    /// <param name="responseName">Response name for reports.</param>
    /// <param name="tolerance">QR rank tolerance (R: 1e-7).</param>
    public static LinearModelFit Fit(
        ReadOnlySpan<double> x, int rows, IReadOnlyList<string> columnNames, ReadOnlySpan<double> y,
        ReadOnlySpan<double> weights = default, ReadOnlySpan<double> offset = default,
        string formula = "", string responseName = "y", double tolerance = HouseholderQr.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        bool hasIntercept = columnNames.Contains("(Intercept)");
        return FitCore(x, rows, columnNames, y, weights, offset, formula, responseName, tolerance,
            hasIntercept, method: weights.IsEmpty ? "OLS" : "WLS", absorbedParameters: 0, centredTss: null);
    }

    /// <summary>The shared least-squares step. <paramref name="centredTss"/> overrides the total sum of
    /// squares (absorbed fixed effects use the TSS of the original response).</summary>
    internal static LinearModelFit FitCore(
        ReadOnlySpan<double> x, int n, IReadOnlyList<string> columnNames, ReadOnlySpan<double> y,
        ReadOnlySpan<double> weights, ReadOnlySpan<double> offset, string formula, string responseName,
        double tolerance, bool hasIntercept, string method, int absorbedParameters, double? centredTss,
        ReadOnlySpan<double> fittedShift = default)
    {
        int p = columnNames.Count;
        if (x.Length != (long)n * p) throw new ArgumentException($"x has {x.Length} values, expected {n} × {p}", nameof(x));
        if (y.Length != n) throw new ArgumentException($"y has {y.Length} values, expected {n}", nameof(y));
        if (!weights.IsEmpty && weights.Length != n) throw new ArgumentException($"weights have {weights.Length} values, expected {n}", nameof(weights));
        if (!offset.IsEmpty && offset.Length != n) throw new ArgumentException($"offset has {offset.Length} values, expected {n}", nameof(offset));
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(y[i])) throw new ModelSpecificationException($"the response {responseName} is not finite in used row {i + 1}");
        }
        int nobs = n;
        double[]? w = null;
        if (!weights.IsEmpty)
        {
            w = weights.ToArray();
            nobs = 0;
            for (int i = 0; i < n; i++)
            {
                if (!(w[i] >= 0) || double.IsInfinity(w[i]))
                {
                    throw new ModelSpecificationException($"weights must be finite and ≥ 0; used row {i + 1} has {w[i]}");
                }
                if (w[i] > 0) nobs++;
            }
        }
        if (nobs == 0) throw new ModelSpecificationException("no observations to fit (every row was dropped or has weight 0)");

        // Working response z = y − offset; weighted system √w X, √w z.
        var z = y.ToArray();
        if (!offset.IsEmpty) for (int i = 0; i < n; i++) z[i] -= offset[i];
        var xw = x.ToArray();
        var zw = (double[])z.Clone();
        if (w is not null)
        {
            var sw = new double[n];
            for (int i = 0; i < n; i++) sw[i] = Math.Sqrt(w[i]);
            for (int j = 0; j < p; j++)
            {
                var col = xw.AsSpan(j * n, n);
                for (int i = 0; i < n; i++) col[i] *= sw[i];
            }
            for (int i = 0; i < n; i++) zw[i] *= sw[i];
        }
        var qr = HouseholderQr.FactorInPlace(xw, n, p, tolerance);
        int rank = qr.Rank;
        var effects = qr.QtY(zw);
        var b = qr.SolveUpper(effects);
        var kept = qr.KeptColumns;
        var names = kept.Select(j => columnNames[j]).ToArray();
        var aliased = qr.AliasedColumns.Select(j => columnNames[j]).ToArray();
        var messages = new List<string>();
        if (aliased.Length > 0)
        {
            messages.Add($"{aliased.Length} coefficient(s) not defined because of singularities (aliased): {string.Join(", ", aliased)}");
        }

        // Regressors of the kept columns (unweighted), fitted values and residuals on the original scale.
        var reg = new double[(long)n * rank];
        for (int k = 0; k < rank; k++) x.Slice(kept[k] * n, n).CopyTo(reg.AsSpan(k * n, n));
        var fittedLinear = new double[n];
        for (int k = 0; k < rank; k++)
        {
            double bk = b[k];
            var col = reg.AsSpan(k * n, n);
            for (int i = 0; i < n; i++) fittedLinear[i] += col[i] * bk;
        }
        var resid = new double[n];
        var fitted = new double[n];
        double rss = 0;
        for (int i = 0; i < n; i++)
        {
            resid[i] = z[i] - fittedLinear[i];
            double wi = w is null ? 1 : w[i];
            rss += wi * resid[i] * resid[i];
            fitted[i] = fittedLinear[i] + (offset.IsEmpty ? 0 : offset[i]) + (fittedShift.IsEmpty ? 0 : fittedShift[i]);
        }

        // Total sum of squares for R² (summary.lm: fitted minus offset, weighted mean when there is an intercept).
        double tss;
        if (centredTss is double given) tss = given;
        else
        {
            double sumw = 0, mean = 0;
            for (int i = 0; i < n; i++)
            {
                double wi = w is null ? 1 : w[i];
                sumw += wi;
                mean += wi * z[i];
            }
            mean = hasIntercept ? mean / sumw : 0;
            tss = 0;
            for (int i = 0; i < n; i++)
            {
                double wi = w is null ? 1 : w[i];
                double d = z[i] - mean;
                tss += wi * d * d;
            }
        }

        int dfInt = hasIntercept && names.Contains("(Intercept)") ? 1 : 0;
        int df1 = rank - dfInt;
        int rdf = nobs - rank - absorbedParameters;
        double fstat = double.NaN;
        if (df1 > 0 && rdf > 0)
        {
            // Explained sum of squares of the non-intercept coefficients: (TSS_model − RSS) where TSS_model
            // is the TSS of z around its (weighted) mean when the intercept is in X, or the within TSS for
            // absorbed models (passed in through centredTss only for R²; recompute here).
            double tssModel = TotalAround(z, w, dfInt == 1 || absorbedParameters > 0);
            fstat = (tssModel - rss) / df1 / (rss / rdf);
        }

        // R's logLik.lm: 0.5 (Σ log w − N (log 2π + 1 − log N + log Σ w e²)), over rows with w > 0.
        double sumLogW = 0;
        if (w is not null) for (int i = 0; i < n; i++) if (w[i] > 0) sumLogW += Math.Log(w[i]);
        double logLik = 0.5 * (sumLogW - nobs * (Math.Log(2 * Math.PI) + 1 - Math.Log(nobs) + Math.Log(rss)));

        var unscaled = qr.InverseRtR();
        return new LinearModelFit
        {
            Formula = formula,
            ResponseName = responseName,
            Method = method,
            CoefficientNames = names,
            Coefficients = b,
            AliasedColumns = aliased,
            UnscaledCovariance = unscaled,
            Regressors = reg,
            WorkingResponse = z,
            Residuals = resid,
            Fitted = fitted,
            Weights = w,
            Observations = nobs,
            RowsInData = n,
            AbsorbedParameters = absorbedParameters,
            HasIntercept = hasIntercept,
            ResidualSumOfSquares = rss,
            TotalSumOfSquares = tss,
            FDf1 = df1,
            FStatistic = fstat,
            LogLikelihood = logLik,
            ConditionNumber = ConditionNumber(qr),
            Messages = messages,
        };
    }

    private static double TotalAround(ReadOnlySpan<double> z, double[]? w, bool centre)
    {
        int n = z.Length;
        double sumw = 0, mean = 0;
        if (centre)
        {
            for (int i = 0; i < n; i++)
            {
                double wi = w is null ? 1 : w[i];
                sumw += wi;
                mean += wi * z[i];
            }
            mean /= sumw;
        }
        double t = 0;
        for (int i = 0; i < n; i++)
        {
            double wi = w is null ? 1 : w[i];
            double d = z[i] - mean;
            t += wi * d * d;
        }
        return t;
    }

    /// <summary>σ_max / σ_min of R₁ (the singular values of R equal those of the weighted X).</summary>
    internal static double ConditionNumber(HouseholderQr qr)
    {
        int k = qr.Rank;
        if (k == 0) return double.NaN;
        var r = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k);
        for (int j = 0; j < k; j++)
            for (int i = 0; i <= j; i++) r[i, j] = qr.RElement(i, j);
        var s = r.Svd(computeVectors: false).S;
        double max = s.Maximum(), min = s.Minimum();
        return min > 0 ? max / min : double.PositiveInfinity;
    }
}
