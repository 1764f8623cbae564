namespace Multilevel.Models.FixedEffects;

/// <summary>Singleton observations of absorbed factors: alone in their level of some factor. Dropping one
/// can make another observation a singleton in a different factor, so the search repeats until none is left.</summary>
internal static class Singletons
{
    /// <summary>Clears <paramref name="keep"/> for every singleton (repeatedly) and returns how many were
    /// dropped. Rows already not kept are ignored.</summary>
    public static int Mark(IReadOnlyList<int[]> codes, IReadOnlyList<int> levelCounts, bool[] keep)
    {
        int n = keep.Length, dropped = 0;
        var counts = new int[codes.Count][];
        for (int k = 0; k < codes.Count; k++)
        {
            counts[k] = new int[levelCounts[k]];
            var c = codes[k];
            for (int i = 0; i < n; i++) if (keep[i]) counts[k][c[i]]++;
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = 0; k < codes.Count; k++)
            {
                var c = codes[k];
                var cnt = counts[k];
                for (int i = 0; i < n; i++)
                {
                    if (!keep[i] || cnt[c[i]] != 1) continue;
                    keep[i] = false;
                    dropped++;
                    changed = true;
                    for (int m = 0; m < codes.Count; m++) counts[m][codes[m][i]]--;
                }
            }
            // A single factor cannot create new singletons by dropping its own.
            if (codes.Count == 1) break;
        }
        return dropped;
    }
}
