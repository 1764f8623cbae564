using System.Globalization;
using Multilevel.Data;
using Multilevel.Design;

namespace Multilevel.Models;

/// <summary>A column of the data used to group the rows of a design (cluster, between, by): per used row
/// a 0-based level code (−1 where the value is missing) and the levels that occur, in level order.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Codes">Level code per used row of the design, −1 for a missing value.</param>
/// <param name="Levels">Levels that occur in the used rows: a categorical column's levels in their order, a
/// numeric column's distinct values sorted numerically (printed as R prints them).</param>
public sealed record GroupingVariable(string Name, int[] Codes, IReadOnlyList<string> Levels)
{
    /// <summary>Rows whose value is missing.</summary>
    public int MissingCount => Codes.Count(c => c < 0);

    /// <summary>The grouping given by a data column on the used rows of a design.</summary>
    public static GroupingVariable FromColumn(Frame data, string name, IReadOnlyList<int> rowIndex)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rowIndex);
        var column = data[name];
        var codes = new int[rowIndex.Count];
        switch (column)
        {
            case CategoricalColumn cat:
            {
                var present = new bool[cat.Levels.Count];
                foreach (int r in rowIndex) if (cat[r] >= 0) present[cat[r]] = true;
                var map = new int[present.Length];
                var levels = new List<string>();
                for (int l = 0; l < present.Length; l++)
                {
                    map[l] = present[l] ? levels.Count : -1;
                    if (present[l]) levels.Add(cat.Levels[l]);
                }
                for (int i = 0; i < codes.Length; i++)
                {
                    int c = cat[rowIndex[i]];
                    codes[i] = c < 0 ? -1 : map[c];
                }
                return new GroupingVariable(name, codes, levels);
            }
            case NumericColumn num:
            {
                var values = rowIndex.Select(r => num[r]).Where(v => !double.IsNaN(v)).Distinct().Order().ToArray();
                var index = new Dictionary<double, int>();
                for (int l = 0; l < values.Length; l++) index[values[l]] = l;
                for (int i = 0; i < codes.Length; i++)
                {
                    double v = num[rowIndex[i]];
                    codes[i] = double.IsNaN(v) ? -1 : index[v];
                }
                return new GroupingVariable(name, codes, [.. values.Select(NumberFormat.R)]);
            }
            default:
                throw new ModelSpecificationException($"column '{name}' cannot be used to group rows");
        }
    }

    /// <summary>The design and grouping variables restricted to the rows where no grouping variable is
    /// missing; the number of rows left out is returned (and added to the design's messages).</summary>
    public static (ModelDesign Design, IReadOnlyList<GroupingVariable> Groupings, int Dropped) DropMissing(
        ModelDesign design, IReadOnlyList<GroupingVariable> groupings)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(groupings);
        int n = design.Observations;
        var keep = new bool[n];
        int dropped = 0;
        for (int i = 0; i < n; i++)
        {
            keep[i] = groupings.All(g => g.Codes[i] >= 0);
            if (!keep[i]) dropped++;
        }
        if (dropped == 0) return (design, groupings, 0);
        var rows = Enumerable.Range(0, n).Where(i => keep[i]).ToArray();
        var sub = DesignRows.Subset(design, rows);
        string names = string.Join(", ", groupings.Where(g => g.MissingCount > 0).Select(g => g.Name));
        sub = sub with
        {
            Messages = [.. design.Messages, string.Create(CultureInfo.InvariantCulture, $"{dropped} row(s) dropped: missing {names}")],
        };
        var subGroups = groupings.Select(g => g with { Codes = [.. rows.Select(i => g.Codes[i])] }).ToList();
        return (sub, subGroups, dropped);
    }
}
