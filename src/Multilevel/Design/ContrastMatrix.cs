namespace Multilevel.Design;

/// <summary>Contrast and indicator matrices of a factor (R's <c>contr.treatment</c>, <c>contr.sum</c>,
/// and the identity for indicator coding), with the column-name suffixes R gives them.</summary>
public static class ContrastMatrix
{
    /// <summary>The k × m coding matrix, row-major (row = level), and the m name suffixes.</summary>
    /// <param name="levels">The factor's levels.</param>
    /// <param name="contrasts">The contrasts, or null for indicator (dummy) coding of every level.</param>
    public static (double[] Matrix, string[] Suffixes) Build(IReadOnlyList<string> levels, FactorContrasts? contrasts)
    {
        ArgumentNullException.ThrowIfNull(levels);
        int k = levels.Count;
        if (contrasts is null)
        {
            var identity = new double[k * k];
            for (int i = 0; i < k; i++) identity[i * k + i] = 1;
            return (identity, [.. levels]);
        }
        int m = k - 1;
        var matrix = new double[k * m];
        var suffixes = new string[m];
        switch (contrasts.Kind)
        {
            case ContrastKind.Treatment:
                {
                    int b = contrasts.BaseLevel;
                    if (b < 0 || b >= k) throw new ArgumentOutOfRangeException(nameof(contrasts), $"base level {b + 1} of {k} levels");
                    int j = 0;
                    for (int level = 0; level < k; level++)
                    {
                        if (level == b) continue;
                        matrix[level * m + j] = 1;
                        suffixes[j] = contrasts.NameByIndex ? (level + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : levels[level];
                        j++;
                    }
                    break;
                }
            case ContrastKind.Sum:
                for (int j = 0; j < m; j++)
                {
                    matrix[j * m + j] = 1;
                    matrix[(k - 1) * m + j] = -1;
                    suffixes[j] = (j + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(contrasts));
        }
        return (matrix, suffixes);
    }
}
