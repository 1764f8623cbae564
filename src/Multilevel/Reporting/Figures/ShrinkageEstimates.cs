using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Glm;

namespace Multilevel.Reporting.Figures;

/// <summary>
/// Each group's estimates of one random-effects term without pooling and with it, on the scale of the coefficients
/// (fixed effect + random effect): what a shrinkage plot draws.
/// </summary>
/// <param name="Group">The grouping factor.</param>
/// <param name="Columns">The term's columns (<c>(Intercept)</c>, <c>ses</c>).</param>
/// <param name="Levels">The levels, in the fit's order.</param>
/// <param name="Sizes">Rows per level.</param>
/// <param name="NoPooling">Per level × column (row-major): the group's own estimate, NaN where it is not estimable in the group.</param>
/// <param name="PartialPooling">Per level × column: β + b̃ (the mixed model's estimate for the group).</param>
/// <param name="Pooled">Per column: β (0 for a column that is not among the fixed effects).</param>
public sealed record ShrinkageEstimates(string Group, IReadOnlyList<string> Columns, IReadOnlyList<string> Levels, IReadOnlyList<int> Sizes,
    double[] NoPooling, double[] PartialPooling, double[] Pooled)
{
    /// <summary>
    /// The estimates of term <paramref name="term"/> of a mixed model. The no-pooling estimate of a group is the
    /// unpenalised fit of the term's columns to the group's partial residuals — the response with everything else in
    /// the model (fixed effects, the other random-effects terms) held at its estimate. For a random intercept that is
    /// the group's mean partial residual (the group mean itself in <c>y ~ 1 + (1|g)</c>); the partial-pooling estimate is
    /// the same fit with the model's penalty, the conditional mode. For a GLMM the group's own fit is a GLM with the rest
    /// of the linear predictor as offset; a group where it does not exist (e.g. all 0 or all 1) gets NaN.
    /// </summary>
    internal static ShrinkageEstimates Compute(ModelDesign design, IReadOnlyList<string> fixedNames, ReadOnlySpan<double> beta,
        TermConditionalModes modes, int term, ReadOnlySpan<double> linearPredictor, GlmFamily? family, GlmLink? link)
    {
        var re = design.RandomEffects[term];
        int q = re.Q, levels = re.LevelCount, n = re.Rows;
        if (modes.Levels.Count != levels || modes.Q != q) throw new InvalidOperationException("conditional modes and design terms disagree");
        var codes = re.Codes;
        var z = re.Z;
        var sizes = new int[levels];
        for (int i = 0; i < n; i++) sizes[codes[i]]++;
        var pooled = new double[q];
        for (int c = 0; c < q; c++)
        {
            int j = IndexOf(fixedNames, re.ColumnNames[c]);
            pooled[c] = j >= 0 ? beta[j] : 0.0;
        }
        var partial = new double[levels * q];
        for (int l = 0; l < levels; l++)
        {
            for (int c = 0; c < q; c++) partial[l * q + c] = pooled[c] + modes[l, c];
        }
        // the linear predictor without this term's contribution
        var rest = new double[n];
        for (int i = 0; i < n; i++)
        {
            double zb = 0;
            for (int c = 0; c < q; c++) zb += z[i * q + c] * modes[codes[i], c];
            rest[i] = linearPredictor[i] - zb;
        }
        var own = family is null
            ? GaussianGroupFits(design, re, rest)
            : GlmGroupFits(design, re, rest, family, link ?? family.DefaultLink);
        var noPooling = new double[levels * q];
        for (int l = 0; l < levels; l++)
        {
            for (int c = 0; c < q; c++) noPooling[l * q + c] = pooled[c] + own[l * q + c];
        }
        return new ShrinkageEstimates(re.GroupName, re.ColumnNames, re.Levels, sizes, noPooling, partial, pooled);
    }

    /// <summary>Weighted least squares of (y − rest) on the term's columns within each group.</summary>
    private static double[] GaussianGroupFits(ModelDesign design, ReTerm re, double[] rest)
    {
        int q = re.Q, levels = re.LevelCount, n = re.Rows;
        var codes = re.Codes;
        var z = re.Z;
        var y = design.Response.Values;
        var w = design.Weights;
        var a = new double[levels * q * q];
        var b = new double[levels * q];
        for (int i = 0; i < n; i++)
        {
            double wi = w is null ? 1 : w[i];
            double r = y[i] - rest[i];
            int l = codes[i];
            for (int c = 0; c < q; c++)
            {
                double zc = z[i * q + c];
                b[l * q + c] += wi * zc * r;
                for (int d = 0; d <= c; d++) a[l * q * q + c * q + d] += wi * zc * z[i * q + d];
            }
        }
        var result = new double[levels * q];
        for (int l = 0; l < levels; l++)
        {
            var sol = SolveSymmetric(a.AsSpan(l * q * q, q * q), b.AsSpan(l * q, q), q);
            sol.CopyTo(result.AsSpan(l * q, q));
        }
        return result;
    }

    /// <summary>A GLM of each group's rows on the term's columns with the rest of the linear predictor as offset.</summary>
    private static double[] GlmGroupFits(ModelDesign design, ReTerm re, double[] rest, GlmFamily family, GlmLink link)
    {
        int q = re.Q, levels = re.LevelCount, n = re.Rows;
        var codes = re.Codes;
        var z = re.Z;
        var rows = new List<int>[levels];
        for (int l = 0; l < levels; l++) rows[l] = [];
        for (int i = 0; i < n; i++) rows[codes[i]].Add(i);
        var y = design.Response.Values;
        var trials = design.Response.Trials;
        var w = design.Weights;
        var result = new double[levels * q];
        Array.Fill(result, double.NaN);
        var options = new GlmOptions(1e-8, 50, SeparationAction.Error);
        for (int l = 0; l < levels; l++)
        {
            var r = rows[l];
            int m = r.Count;
            if (m < q) continue;
            var x = new double[m * q];
            var yy = new double[m];
            var off = new double[m];
            var tt = trials is null ? null : new double[m];
            var ww = w is null ? null : new double[m];
            for (int k = 0; k < m; k++)
            {
                int i = r[k];
                for (int c = 0; c < q; c++) x[c * m + k] = z[i * q + c];
                yy[k] = y[i];
                off[k] = rest[i];
                if (tt is not null) tt[k] = trials![i];
                if (ww is not null) ww[k] = w![i];
            }
            try
            {
                var fit = GeneralizedLinearModel.Fit(x, m, re.ColumnNames, yy, family, link, tt, ww, off, options: options);
                if (!fit.Converged || fit.Coefficients.Length != q) continue;
                for (int c = 0; c < q; c++) result[l * q + c] = fit.Coefficients[c];
            }
            catch (MultilevelException)
            {
                // no estimate in this group (separation, a column without variation): left as NaN and counted by the plot
            }
        }
        return result;
    }

    /// <summary>Solves A x = b for a symmetric positive definite A given by its lower triangle (row-major: a[c·q + d], d ≤ c); NaN when A is singular.</summary>
    private static double[] SolveSymmetric(ReadOnlySpan<double> lower, ReadOnlySpan<double> rhs, int q)
    {
        var l = new double[q * q];
        var x = new double[q];
        double scale = 0;
        for (int c = 0; c < q; c++) scale = Math.Max(scale, lower[c * q + c]);
        for (int c = 0; c < q; c++)
        {
            for (int d = 0; d <= c; d++)
            {
                double s = lower[c * q + d];
                for (int k = 0; k < d; k++) s -= l[c * q + k] * l[d * q + k];
                if (c == d)
                {
                    if (!(s > 1e-10 * scale))
                    {
                        Array.Fill(x, double.NaN);
                        return x;
                    }
                    l[c * q + c] = Math.Sqrt(s);
                }
                else l[c * q + d] = s / l[d * q + d];
            }
        }
        var t = new double[q];
        for (int c = 0; c < q; c++)
        {
            double s = rhs[c];
            for (int k = 0; k < c; k++) s -= l[c * q + k] * t[k];
            t[c] = s / l[c * q + c];
        }
        for (int c = q - 1; c >= 0; c--)
        {
            double s = t[c];
            for (int k = c + 1; k < q; k++) s -= l[k * q + c] * x[k];
            x[c] = s / l[c * q + c];
        }
        return x;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
        return -1;
    }
}
