using Multilevel.Formulas;

namespace Multilevel.Design.Internals;

/// <summary>Linear-time helpers for factor codes: numbers to a factor (levels sorted numerically, labelled
/// as R's <c>as.character</c>), dropping unused levels, and interactions of factors.</summary>
internal static class FactorCodes
{
    /// <summary>R's <c>factor(x)</c> for numbers: levels are the distinct values in increasing order; NaN → −1.</summary>
    public static (int[] Codes, string[] Levels) FromNumbers(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var codes = new int[n];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool integral = true;
        int present = 0;
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            if (double.IsNaN(v)) continue;
            present++;
            if (v < min) min = v;
            if (v > max) max = v;
            if (integral && v != Math.Floor(v)) integral = false;
        }
        if (present == 0)
        {
            codes.AsSpan().Fill(-1);
            return (codes, []);
        }
        double range = max - min;
        if (integral && double.IsFinite(range) && range <= Math.Max(4.0 * n, 1 << 16) && range < (1 << 26))
        {
            // whole numbers in a moderate range: a direct lookup table
            int size = (int)range + 1;
            var map = new int[size];
            for (int i = 0; i < n; i++)
            {
                double v = values[i];
                if (!double.IsNaN(v)) map[(int)(v - min)] = 1;
            }
            var levels = new List<string>();
            for (int k = 0; k < size; k++)
            {
                if (map[k] != 0)
                {
                    map[k] = levels.Count;
                    levels.Add(RNumberFormat.Format(min + k));
                }
            }
            for (int i = 0; i < n; i++)
            {
                double v = values[i];
                codes[i] = double.IsNaN(v) ? -1 : map[(int)(v - min)];
            }
            return (codes, [.. levels]);
        }
        var distinct = new HashSet<double>();
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            if (!double.IsNaN(v)) distinct.Add(v == 0 ? 0.0 : v);
        }
        var sorted = distinct.ToArray();
        Array.Sort(sorted);
        var index = new Dictionary<double, int>(sorted.Length);
        for (int k = 0; k < sorted.Length; k++) index[sorted[k]] = k;
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            codes[i] = double.IsNaN(v) ? -1 : index[v == 0 ? 0.0 : v];
        }
        return (codes, [.. sorted.Select(RNumberFormat.Format)]);
    }

    /// <summary>Drops levels no row has (R's <c>droplevels</c>); returns the inputs unchanged when all are used.</summary>
    public static (int[] Codes, string[] Levels, string[] Dropped) DropUnused(int[] codes, string[] levels)
    {
        var used = new bool[levels.Length];
        int count = 0;
        foreach (int c in codes)
        {
            if (c >= 0 && !used[c])
            {
                used[c] = true;
                count++;
                if (count == levels.Length) return (codes, levels, []);
            }
        }
        var map = new int[levels.Length];
        var kept = new List<string>(count);
        var dropped = new List<string>();
        for (int k = 0; k < levels.Length; k++)
        {
            if (used[k])
            {
                map[k] = kept.Count;
                kept.Add(levels[k]);
            }
            else
            {
                map[k] = -1;
                dropped.Add(levels[k]);
            }
        }
        var result = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++) result[i] = codes[i] < 0 ? -1 : map[codes[i]];
        return (result, [.. kept], [.. dropped]);
    }

    /// <summary>R's <c>factor(f1:f2:…)</c>: the interaction, levels <c>a:A</c> in lexicographic order
    /// (first factor slowest), only the combinations present; −1 where any factor is missing.</summary>
    public static (int[] Codes, string[] Levels) Interaction(IReadOnlyList<(int[] Codes, string[] Levels)> factors)
    {
        if (factors.Count == 1) return DropUnusedKeepMissing(factors[0].Codes, factors[0].Levels);
        int n = factors[0].Codes.Length;
        double product = 1;
        foreach (var f in factors) product *= Math.Max(1, f.Levels.Length);
        var combined = new long[n];
        for (int i = 0; i < n; i++)
        {
            long code = 0;
            foreach (var f in factors)
            {
                int c = f.Codes[i];
                if (c < 0)
                {
                    code = -1;
                    break;
                }
                code = code * f.Levels.Length + c;
            }
            combined[i] = code;
        }
        long[] present;
        if (product <= Math.Max(4.0 * n, 1 << 20))
        {
            var seen = new bool[(long)product];
            foreach (long c in combined)
            {
                if (c >= 0) seen[c] = true;
            }
            var list = new List<long>();
            for (long c = 0; c < seen.Length; c++)
            {
                if (seen[c]) list.Add(c);
            }
            present = [.. list];
        }
        else
        {
            var set = new HashSet<long>();
            foreach (long c in combined)
            {
                if (c >= 0) set.Add(c);
            }
            present = [.. set];
            Array.Sort(present);
        }
        var levels = new string[present.Length];
        var parts = new string[factors.Count];
        for (int k = 0; k < present.Length; k++)
        {
            long rest = present[k];
            for (int f = factors.Count - 1; f >= 0; f--)
            {
                int l = factors[f].Levels.Length;
                parts[f] = factors[f].Levels[(int)(rest % l)];
                rest /= l;
            }
            levels[k] = string.Join(":", parts);
        }
        var codes = new int[n];
        if (product <= Math.Max(4.0 * n, 1 << 20))
        {
            var direct = new int[(long)product];
            for (int k = 0; k < present.Length; k++) direct[present[k]] = k;
            for (int i = 0; i < n; i++) codes[i] = combined[i] < 0 ? -1 : direct[combined[i]];
        }
        else
        {
            var index = new Dictionary<long, int>(present.Length);
            for (int k = 0; k < present.Length; k++) index[present[k]] = k;
            for (int i = 0; i < n; i++) codes[i] = combined[i] < 0 ? -1 : index[combined[i]];
        }
        return (codes, levels);
    }

    private static (int[] Codes, string[] Levels) DropUnusedKeepMissing(int[] codes, string[] levels)
    {
        var (c, l, _) = DropUnused(codes, levels);
        return (c, l);
    }

    /// <summary>Rows gathered from <paramref name="source"/>.</summary>
    public static T[] Gather<T>(T[] source, int[] rows)
    {
        var result = new T[rows.Length];
        for (int i = 0; i < rows.Length; i++) result[i] = source[rows[i]];
        return result;
    }
}
