namespace Multilevel.Formulas;

/// <summary>"Did you mean …?" for a misspelt name: the closest candidate by edit distance, if close.</summary>
internal static class NameSuggestion
{
    /// <summary>The candidate closest to <paramref name="name"/>, or null when none is close (a case-only
    /// difference always counts; then a name that starts the candidate, of 3 characters or more; otherwise
    /// at most a third of the name's length, at least 1, edits).</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        var list = candidates.ToList();
        foreach (var candidate in list)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)) return candidate;
        }
        if (name.Length >= 3)
        {
            var prefixed = list.Where(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase)).OrderBy(c => c.Length).FirstOrDefault();
            if (prefixed is not null) return prefixed;
        }
        foreach (var candidate in list)
        {
            int d = Distance(name, candidate);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.Max(1, name.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
