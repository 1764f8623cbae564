using Multilevel.Design;

namespace Multilevel.Models;

/// <summary>Row subsets of a <see cref="ModelDesign"/> (for singletons, rows with a missing cluster or group
/// variable, and one group at a time in no-pooling fits).</summary>
public static class DesignRows
{
    /// <summary>The design restricted to the used rows i with <c>keep[i]</c>, in the same order. Column
    /// names, aliased columns, factor levels and messages are kept; <see cref="ModelDesign.RowIndex"/> still
    /// points into the original data.</summary>
    public static ModelDesign Subset(ModelDesign design, ReadOnlySpan<bool> keep)
    {
        ArgumentNullException.ThrowIfNull(design);
        int n = design.Observations;
        if (keep.Length != n) throw new ArgumentException($"keep has {keep.Length} values, expected {n}", nameof(keep));
        var rows = new List<int>(n);
        for (int i = 0; i < n; i++) if (keep[i]) rows.Add(i);
        return Subset(design, rows.ToArray());
    }

    /// <summary>The design restricted to the given used rows (0-based positions among the used rows), in that order.</summary>
    public static ModelDesign Subset(ModelDesign design, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(rows);
        int n = design.Observations, m = rows.Length;
        var x = design.X;
        var xd = new double[(long)m * x.Columns];
        for (int j = 0; j < x.Columns; j++)
        {
            var col = x.Column(j);
            var dst = xd.AsSpan(j * m, m);
            for (int r = 0; r < m; r++) dst[r] = col[rows[r]];
        }
        double[] Take(double[] v)
        {
            var t = new double[m];
            for (int r = 0; r < m; r++) t[r] = v[rows[r]];
            return t;
        }
        int[] TakeInt(ReadOnlySpan<int> v)
        {
            var t = new int[m];
            for (int r = 0; r < m; r++) t[r] = v[rows[r]];
            return t;
        }
        var response = design.Response with
        {
            Values = Take(design.Response.Values),
            Trials = design.Response.Trials is null ? null : Take(design.Response.Trials),
        };
        var re = design.RandomEffects.Select(t =>
        {
            int q = t.Q;
            var z = new double[(long)m * q];
            var src = t.Z;
            for (int r = 0; r < m; r++)
                for (int k = 0; k < q; k++) z[(long)r * q + k] = src[rows[r] * q + k];
            return new ReTerm(t.GroupName, t.Levels, TakeInt(t.Codes), t.ColumnNames, z);
        }).ToList();
        return design with
        {
            Response = response,
            X = new FixedEffectsMatrix(xd, m, x.ColumnNames, x.AliasedColumns),
            RandomEffects = re,
            Absorbed = design.Absorbed.Select(f => f with { Codes = TakeInt(f.Codes) }).ToList(),
            Weights = design.Weights is null ? null : Take(design.Weights),
            Offset = design.Offset is null ? null : Take(design.Offset),
            RowIndex = TakeInt(design.RowIndex),
        };
    }
}
