using Multilevel.Design;

namespace Multilevel.Models.Internals;

/// <summary>Fills a <see cref="GramAccumulator"/> from a design held in memory, in fixed-size chunks of rows.</summary>
internal static class DesignGram
{
    private const int ChunkRows = 2048;

    public static GramLayout Layout(ModelDesign design) =>
        new([.. design.RandomEffects.Select(t => new GramTermShape(t.LevelCount, t.Q))], design.X.Columns);

    public static GramMatrix Build(ModelDesign design)
    {
        var layout = Layout(design);
        var acc = new GramAccumulator(layout);
        int n = design.Observations;
        int k = layout.TermCount;
        int p = layout.FixedEffectCount;
        int p1 = p + 1;
        int totalQ = layout.TotalQ;
        var y = design.Response.Values;
        var offset = design.Offset;
        var weights = design.Weights;
        var x = design.X;
        var terms = design.RandomEffects;

        int chunk = Math.Min(ChunkRows, Math.Max(n, 1));
        var levels = new int[chunk * k];
        var z = new double[chunk * totalQ];
        var xy = new double[chunk * p1];
        var w = weights is null ? null : new double[chunk];
        var xv = x.Values;
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            // [x; y] row by row from the column-major X
            for (int c = 0; c < p; c++)
            {
                var column = xv.Slice(c * n + start, count);
                for (int r = 0; r < count; r++) xy[r * p1 + c] = column[r];
            }
            for (int r = 0; r < count; r++) xy[r * p1 + p] = offset is null ? y[start + r] : y[start + r] - offset[start + r];
            if (w is not null) weights!.AsSpan(start, count).CopyTo(w);
            if (k == 1)
            {
                // one term: its codes and row-major Z are the chunk's levels and z as they stand
                var term = terms[0];
                acc.AddRows(count, term.UnsafeCodes.AsSpan(start, count), term.UnsafeZ.AsSpan(start * totalQ, count * totalQ),
                    xy.AsSpan(0, count * p1), w is null ? ReadOnlySpan<double>.Empty : w.AsSpan(0, count));
                continue;
            }
            for (int r = 0; r < count; r++)
            {
                int row = start + r;
                int zo = r * totalQ;
                for (int t = 0; t < k; t++)
                {
                    var term = terms[t];
                    levels[r * k + t] = term.UnsafeCodes[row];
                    int q = term.Q;
                    var zs = term.UnsafeZ;
                    for (int c = 0; c < q; c++) z[zo++] = zs[row * q + c];
                }
            }
            acc.AddRows(count, levels.AsSpan(0, count * k), z.AsSpan(0, count * totalQ), xy.AsSpan(0, count * p1),
                w is null ? ReadOnlySpan<double>.Empty : w.AsSpan(0, count));
        }
        return acc.Build();
    }
}
