using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Sources.Internals;

/// <summary>Finishes a design known by its sums: R's rank decision on XᵀX, the aliased columns dropped from the Gram
/// matrix and named in a message, as the in-memory design step does.</summary>
internal static class GramDesignAssembly
{
    public static GramDesign Finish(GramMatrix full, GramDesignInfo info, DesignOptions options)
    {
        var aliased = options.DropAliasedColumns && full.Layout.FixedEffectCount > 0
            ? GramAliasing.AliasedColumns(full, options.RankTolerance)
            : [];
        if (aliased.Length == 0) return new GramDesign(full, info);
        var names = info.FixedEffectNames;
        var aliasedNames = aliased.Select(j => names[j]).ToList();
        var drop = new HashSet<int>(aliased);
        var keptNames = names.Where((_, j) => !drop.Contains(j)).ToList();
        var keptAssign = info.Assign.Count == names.Count ? info.Assign.Where((_, j) => !drop.Contains(j)).ToList() : [.. info.Assign];
        var messages = info.Messages.ToList();
        messages.Add($"the fixed-effects model matrix is rank deficient: dropped {aliasedNames.Count} column" +
            $"{(aliasedNames.Count > 1 ? "s" : "")} aliased with earlier columns ({string.Join(", ", aliasedNames)}); " +
            "R reports NA for their coefficients");
        var gram = GramAliasing.WithoutFixedColumns(full, aliased);
        return new GramDesign(gram, info with
        {
            FixedEffectNames = keptNames,
            AliasedColumns = aliasedNames,
            Assign = keptAssign,
            Messages = messages,
        });
    }

    /// <summary>The in-memory design's message for dropped rows (ModelFrame's wording), or null when none were dropped.</summary>
    public static string? DroppedRowsMessage(long rows, long used, IReadOnlyDictionary<string, long> missingByColumn,
        IReadOnlyDictionary<string, long> undefinedByExpression)
    {
        long dropped = rows - used;
        if (dropped <= 0) return null;
        string text = $"{dropped} of {rows} rows dropped for missing values";
        var byColumn = missingByColumn.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ToList();
        if (byColumn.Count > 0) text += " (" + string.Join(", ", byColumn.Select(p => $"{p.Key}: {p.Value}")) + ")";
        var undefined = undefinedByExpression.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ToList();
        if (undefined.Count > 0)
        {
            text += "; undefined values where the data is present: " + string.Join(", ", undefined.Select(p => $"{p.Key}: {p.Value}"));
        }
        return text;
    }

    /// <summary>The in-memory design's message when no row is left.</summary>
    public static string NoRowsReason(IReadOnlyDictionary<string, long> missing) =>
        !missing.Any(p => p.Value > 0)
            ? "the data has no rows"
            : "every row has a missing or undefined value in one of: " +
              string.Join(", ", missing.Where(p => p.Value > 0).OrderByDescending(p => p.Value).Select(p => $"{p.Key} ({p.Value} rows)"));

    /// <summary>The in-memory design's message for factor levels with no rows.</summary>
    public static string DroppedLevelsMessage(string label, IReadOnlyList<string> dropped) =>
        $"factor {label}: level{(dropped.Count > 1 ? "s" : "")} " +
        string.Join(", ", dropped.Take(10).Select(l => $"'{l}'")) + (dropped.Count > 10 ? ", …" : "") +
        " have no rows in the data used and were dropped";
}
