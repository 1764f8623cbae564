namespace Multilevel.Data;

/// <summary>pandas' <c>describe()</c> of a categorical column: the count of non-missing values, the number of
/// distinct values present, the most frequent one (<see cref="Top"/>; ties go to the earlier level) and its count.</summary>
public sealed record CategoricalSummary(string Column, int Count, int Unique, string? Top, int Freq)
{
    /// <summary>Summarises a categorical column (missing values left out).</summary>
    public static CategoricalSummary Of(CategoricalColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var counts = new int[column.Levels.Count];
        foreach (int code in column.Codes)
        {
            if (code >= 0) counts[code]++;
        }
        int top = -1;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && (top < 0 || counts[i] > counts[top])) top = i;
        }
        return new CategoricalSummary(column.Name, counts.Sum(), counts.Count(c => c > 0),
            top < 0 ? null : column.Levels[top], top < 0 ? 0 : counts[top]);
    }
}
