using Multilevel.Design;

namespace Multilevel.Models.Internals;

/// <summary>Names and tables of a mixed-model fit as lme4 shows them: θ names, VarCorr, group sizes, conditional variances.</summary>
internal static class MixedModelTables
{
    public static string[] ThetaNames(IReadOnlyList<ReTerm> terms)
    {
        var names = new List<string>();
        foreach (var term in terms)
        {
            var cols = term.ColumnNames;
            for (int c = 0; c < term.Q; c++)
            {
                for (int r = c; r < term.Q; r++)
                {
                    names.Add(r == c ? $"{term.GroupName}.{cols[r]}" : $"{term.GroupName}.{cols[r]}.{cols[c]}");
                }
            }
        }
        return [.. names];
    }

    /// <summary>
    /// Rows of as.data.frame(VarCorr): per term the variances, then the covariances (with correlations), of
    /// <paramref name="scale"/> Λ Λᵀ (σ² for a linear mixed model, 1 for a GLMM); a last "Residual" row with the
    /// scale when <paramref name="residualRow"/>.
    /// </summary>
    public static VarianceComponent[] VarCorr(IReadOnlyList<ReTerm> terms, string[] display, double[][] lambdas, double scale = 1, bool residualRow = false)
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
                    cov[c * q + r] = scale * s;
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
        if (residualRow) rows.Add(new VarianceComponent("Residual", null, null, scale, Math.Sqrt(scale)));
        return [.. rows];
    }

    public static GroupingSummary[] Groups(IReadOnlyList<ReTerm> terms, int n)
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

    /// <summary><paramref name="scale"/> Λ M Λᵀ per level, for the q × q blocks M (column-major, level after level) of (L_Z L_Zᵀ)⁻¹.</summary>
    public static double[] ConditionalVariances(double[] inverse, double[] lambda, int q, double scale = 1)
    {
        int levels = inverse.Length / (q * q);
        var result = new double[inverse.Length];
        var tmp = new double[q * q];
        for (int g = 0; g < levels; g++)
        {
            var m = inverse.AsSpan(g * q * q, q * q);
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
                    result[g * q * q + c * q + r] = scale * s;
                }
            }
        }
        return result;
    }

    /// <summary>Group labels as lme4's VarCorr shows them: a repeated grouping factor gets ".1", ".2" … (R's make.unique).</summary>
    public static string[] DisplayGroups(IReadOnlyList<ReTerm> terms)
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
}
