using Multilevel.Design;

namespace Multilevel.Models;

/// <summary>
/// What a linear mixed model needs from its data when the rows themselves stay where they are: the Gram matrix
/// A = [Z X y]ᵀ W [Z X y] (sums over rows) and the design's names — fixed-effects columns, random-effects terms with
/// their levels and group sizes, rows read and dropped, messages. Built by an <c>IGramSource</c> (rows in memory,
/// rows streamed from a file, or sums computed inside a database) and fitted by
/// <see cref="LinearMixedModel.Fit(GramDesign, LinearMixedModelOptions)"/>. Immutable.
/// <para>
/// Quantities that need the rows after the fit (fitted values, residuals) are available only when
/// <see cref="Design"/> is set (the rows are in memory); a fit from sums says so instead of inventing them.
/// </para>
/// </summary>
public sealed class GramDesign
{
    /// <summary>Creates a design from its parts (used by the sources; aliased columns already dropped from the Gram).</summary>
    public GramDesign(GramMatrix gram, GramDesignInfo info)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(info);
        if (info.RandomEffects.Count != gram.Layout.TermCount)
        {
            throw new ArgumentException($"{info.RandomEffects.Count} random-effects terms are described but the Gram matrix has {gram.Layout.TermCount}", nameof(info));
        }
        if (info.FixedEffectNames.Count != gram.Layout.FixedEffectCount)
        {
            throw new ArgumentException($"{info.FixedEffectNames.Count} fixed-effects names for {gram.Layout.FixedEffectCount} columns of X", nameof(info));
        }
        for (int k = 0; k < info.RandomEffects.Count; k++)
        {
            var t = info.RandomEffects[k];
            if (t.Levels.Count != gram.Layout.Terms[k].Levels || t.ColumnNames.Count != gram.Layout.Terms[k].Q || t.GroupSizes.Count != t.Levels.Count)
            {
                throw new ArgumentException($"random-effects term {k + 1} ({t.GroupName}) does not match the Gram layout", nameof(info));
            }
        }
        Gram = gram;
        Info = info;
    }

    /// <summary>The Gram matrix (only sums over rows).</summary>
    public GramMatrix Gram { get; }

    /// <summary>The names and counts that go with it.</summary>
    public GramDesignInfo Info { get; }

    /// <summary>The formula as given.</summary>
    public string FormulaText => Info.FormulaText;

    /// <summary>Observations used (rows left after dropping missing values).</summary>
    public long Observations => Info.Observations;

    /// <summary>Rows read from the source.</summary>
    public long RowsInData => Info.RowsInData;

    /// <summary>Rows dropped for missing or undefined values.</summary>
    public long RowsDropped => RowsInData - Observations;

    /// <summary>The in-memory design when the rows are in memory (then fitted values and residuals are available), else null.</summary>
    public ModelDesign? Design { get; init; }
}

/// <summary>The names and counts of a <see cref="GramDesign"/>.</summary>
public sealed record GramDesignInfo
{
    /// <summary>The formula as given.</summary>
    public required string FormulaText { get; init; }

    /// <summary>The response as written.</summary>
    public required string ResponseName { get; init; }

    /// <summary>Names of the columns of X (R's model.matrix names), aliased columns excluded.</summary>
    public required IReadOnlyList<string> FixedEffectNames { get; init; }

    /// <summary>Columns of X dropped as linearly dependent on earlier ones.</summary>
    public IReadOnlyList<string> AliasedColumns { get; init; } = [];

    /// <summary>Labels of the fixed-effects terms (R's term.labels).</summary>
    public IReadOnlyList<string> FixedTermLabels { get; init; } = [];

    /// <summary>For each column of X, its term (0 = intercept; R's assign).</summary>
    public IReadOnlyList<int> Assign { get; init; } = [];

    /// <summary>Random-effects terms in lme4's order (most levels first), the order of the Gram matrix.</summary>
    public required IReadOnlyList<GramTermInfo> RandomEffects { get; init; }

    /// <summary>Rows read from the source.</summary>
    public required long RowsInData { get; init; }

    /// <summary>Rows used.</summary>
    public required long Observations { get; init; }

    /// <summary>True when the model has prior weights.</summary>
    public bool HasWeights { get; init; }

    /// <summary>For each data column the formula uses, how many rows miss it; for an expression, how many more rows it
    /// leaves undefined.</summary>
    public IReadOnlyDictionary<string, long> MissingByVariable { get; init; } = new Dictionary<string, long>();

    /// <summary>What was done: rows dropped and why, levels dropped, aliased columns, notes from the formula.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>Where the sums come from (<c>memory</c>, a streamed file, a database URL without its password).</summary>
    public string Source { get; init; } = "memory";

    /// <summary>How the sums were obtained (queries run, bytes received, passes over a file …), for reports and benchmarks.</summary>
    public GramSourceStatistics Statistics { get; init; } = new();
}

/// <summary>A random-effects term of a <see cref="GramDesign"/>: its grouping factor, levels, columns and group sizes.</summary>
/// <param name="GroupName">The grouping factor as lme4 names it (<c>schoolid</c>, <c>cask:batch</c>).</param>
/// <param name="Levels">Levels present in the rows used, in lme4's order.</param>
/// <param name="ColumnNames">The term's columns (<c>(Intercept)</c>, <c>ses</c>).</param>
/// <param name="GroupSizes">Rows used per level.</param>
public sealed record GramTermInfo(string GroupName, IReadOnlyList<string> Levels, IReadOnlyList<string> ColumnNames, IReadOnlyList<long> GroupSizes);

/// <summary>How a source obtained the sums of a <see cref="GramDesign"/>.</summary>
public sealed record GramSourceStatistics
{
    /// <summary>Passes over the rows (file reads, or table scans by queries).</summary>
    public int Passes { get; init; }

    /// <summary>Queries sent to a database (0 for files and memory).</summary>
    public int Queries { get; init; }

    /// <summary>Bytes sent to a database server (query texts and parameters).</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes received from a database server (the results), or read from a file.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Result rows received (group sums, level pairs …).</summary>
    public long RowsReceived { get; init; }

    /// <summary>Wall-clock seconds spent obtaining the sums.</summary>
    public double Seconds { get; init; }

    /// <summary>Chunks of rows read from a file (0 for databases and memory).</summary>
    public long Chunks { get; init; }

    /// <summary>Rows of the largest chunk read from a file: with the model's size, what bounds a streamed fit's memory
    /// (0 for databases and memory).</summary>
    public int LargestChunkRows { get; init; }
}
