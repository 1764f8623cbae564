namespace Multilevel.Data;

/// <summary>pandas' <c>describe()</c> of a frame: a summary of each numeric column and of each categorical one.</summary>
public sealed record FrameDescription(IReadOnlyList<NumericSummary> Numeric, IReadOnlyList<CategoricalSummary> Categorical)
{
    /// <summary>Describes the given columns, or every column, in order.</summary>
    /// <exception cref="UnknownColumnException">A column does not exist.</exception>
    public static FrameDescription Of(Frame frame, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var selected = columns is { Count: > 0 } ? columns.Select(name => frame[name]) : frame.Columns;
        var numeric = new List<NumericSummary>();
        var categorical = new List<CategoricalSummary>();
        foreach (var column in selected)
        {
            switch (column)
            {
                case NumericColumn n: numeric.Add(NumericSummary.Of(n)); break;
                case CategoricalColumn c: categorical.Add(CategoricalSummary.Of(c)); break;
            }
        }
        return new FrameDescription(numeric, categorical);
    }
}
