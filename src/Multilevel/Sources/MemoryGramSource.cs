using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Models;
using Multilevel.Models.Internals;

namespace Multilevel.Sources;

/// <summary>
/// Rows in memory: the design step builds X, Z and y (<see cref="DesignBuilder"/>) and one pass sums them. The design
/// stays attached (<see cref="GramDesign.Design"/>), so the fit also has its fitted values and residuals.
/// </summary>
public sealed class MemoryGramSource : IGramSource
{
    private readonly Frame _frame;

    /// <summary>Creates the source.</summary>
    /// <param name="frame">The data.</param>
    /// <param name="description">What to call it in messages.</param>
    public MemoryGramSource(Frame frame, string description = "memory")
    {
        ArgumentNullException.ThrowIfNull(frame);
        _frame = frame;
        Description = description;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public GramDesign Accumulate(FormulaTerms terms, DesignOptions? options = null, CancellationToken cancellationToken = default)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var design = DesignBuilder.Build(terms, _frame, options);
        cancellationToken.ThrowIfCancellationRequested();
        return FromDesign(design, Description, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>The sums of a design held in memory.</summary>
    public static GramDesign FromDesign(ModelDesign design, string description = "memory") => FromDesign(design, description, 0);

    private static GramDesign FromDesign(ModelDesign design, string description, double seconds)
    {
        ArgumentNullException.ThrowIfNull(design);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var gram = DesignGram.Build(design);
        var info = new GramDesignInfo
        {
            FormulaText = design.FormulaText,
            ResponseName = design.Response.Name,
            FixedEffectNames = design.X.ColumnNames,
            AliasedColumns = design.X.AliasedColumns,
            FixedTermLabels = design.FixedTermLabels,
            Assign = design.Assign,
            RandomEffects = [.. design.RandomEffects.Select(t =>
            {
                var sizes = new long[t.LevelCount];
                foreach (int g in t.Codes) sizes[g]++;
                return new GramTermInfo(t.GroupName, t.Levels, t.ColumnNames, sizes);
            })],
            RowsInData = design.RowsInData,
            Observations = design.Observations,
            HasWeights = design.Weights is not null,
            Messages = design.Messages,
            Source = description,
            Statistics = new GramSourceStatistics
            {
                Passes = 1,
                Seconds = seconds + System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds,
            },
        };
        return new GramDesign(gram, info) { Design = design };
    }
}
