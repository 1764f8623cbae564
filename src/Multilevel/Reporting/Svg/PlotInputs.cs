using Multilevel.Data;

namespace Multilevel.Reporting.Svg;

/// <summary>
/// Which group each row belongs to: codes 0..<c>Levels.Count</c>−1, negative for missing — the layout of a
/// <see cref="CategoricalColumn"/> and of a random-effects term's grouping factor.
/// </summary>
/// <param name="Codes">Per row, the 0-based level index (negative = missing).</param>
/// <param name="Levels">Level names.</param>
public sealed record Grouping(IReadOnlyList<int> Codes, IReadOnlyList<string> Levels)
{
    /// <summary>The grouping of a categorical column.</summary>
    public static Grouping From(CategoricalColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return new Grouping(column.Codes.ToArray(), column.Levels);
    }

    /// <summary>A grouping from one label per row; levels in order of first appearance (null = missing).</summary>
    public static Grouping FromLabels(IReadOnlyList<string?> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var levels = new List<string>();
        var codes = new int[labels.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            string? l = labels[i];
            if (l is null) { codes[i] = -1; continue; }
            if (!index.TryGetValue(l, out int c))
            {
                c = levels.Count;
                index[l] = c;
                levels.Add(l);
            }
            codes[i] = c;
        }
        return new Grouping(codes, levels);
    }

    /// <summary>Number of levels.</summary>
    public int Count => Levels.Count;

    internal void Validate(int rows, string what)
    {
        if (Codes.Count != rows) throw new PlotDataException($"the grouping has {Codes.Count} codes but {what} has {rows} values");
        for (int i = 0; i < Codes.Count; i++)
        {
            if (Codes[i] >= Levels.Count) throw new PlotDataException($"group code {Codes[i]} at row {i + 1} is outside the {Levels.Count} levels");
        }
    }

    /// <summary>Row indices of each group, in row order.</summary>
    internal List<int>[] RowsByGroup()
    {
        var rows = new List<int>[Levels.Count];
        for (int g = 0; g < rows.Length; g++) rows[g] = [];
        for (int i = 0; i < Codes.Count; i++) if (Codes[i] >= 0) rows[Codes[i]].Add(i);
        return rows;
    }
}

/// <summary>A fitted straight line y = <see cref="Intercept"/> + <see cref="Slope"/>·x with its legend text.</summary>
/// <param name="Label">Legend text, e.g. "All students (total)".</param>
/// <param name="Intercept">Intercept.</param>
/// <param name="Slope">Slope.</param>
public sealed record FittedLine(string Label, double Intercept, double Slope)
{
    /// <summary>Colour; null for the next palette colour.</summary>
    public string? Color { get; init; }

    /// <summary>Dash pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;

    /// <summary>Left end in data units (null: the axis edge).</summary>
    public double? From { get; init; }

    /// <summary>Right end in data units (null: the axis edge).</summary>
    public double? To { get; init; }
}

/// <summary>A line of one group, e.g. a school's fitted line from a fixed- or random-effects model.</summary>
/// <param name="Group">Group code.</param>
/// <param name="Intercept">The group's intercept.</param>
/// <param name="Slope">The group's slope.</param>
public sealed record GroupLine(int Group, double Intercept, double Slope);

/// <summary>A group to draw in colour, with its legend text.</summary>
/// <param name="Group">Group code.</param>
/// <param name="Label">Legend text, e.g. "School with max SES (8367)".</param>
public sealed record GroupHighlight(int Group, string Label);

/// <summary>A named polyline.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values.</param>
public sealed record LineSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>One column of conditional modes for a caterpillar plot: a random-effects term's estimates for every level and their conditional standard deviations.</summary>
/// <param name="Name">Term name, e.g. "(Intercept)" or "ses".</param>
/// <param name="Estimate">Conditional mode per level.</param>
/// <param name="StandardError">Conditional standard deviation per level.</param>
public sealed record CaterpillarTerm(string Name, IReadOnlyList<double> Estimate, IReadOnlyList<double> StandardError);

/// <summary>How box plots are ordered along the category axis.</summary>
public enum BoxOrder
{
    /// <summary>In level order.</summary>
    AsGiven,
    /// <summary>By median, largest first.</summary>
    ByMedian,
    /// <summary>By mean, largest first.</summary>
    ByMean,
}

/// <summary>The normal density to draw over a kernel density for comparison.</summary>
/// <param name="Mean">Mean.</param>
/// <param name="StandardDeviation">Standard deviation.</param>
/// <param name="Label">Legend text.</param>
public sealed record NormalReference(double Mean, double StandardDeviation, string Label = "Normal density");
