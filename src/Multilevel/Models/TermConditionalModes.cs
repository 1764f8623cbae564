namespace Multilevel.Models;

/// <summary>
/// The conditional modes b̃ (BLUPs) of one random-effects term, level by level, and their conditional variances
/// (lme4's <c>ranef(fit, condVar = TRUE)</c>: diagonal blocks of σ² Λ (L_Z L_Zᵀ)⁻¹ Λᵀ, computed on first use).
/// </summary>
public sealed class TermConditionalModes
{
    private readonly double[] _values;
    private readonly Lazy<double[]> _variances;

    internal TermConditionalModes(string group, string displayGroup, IReadOnlyList<string> levels, IReadOnlyList<string> columnNames, double[] values, Func<double[]> variances)
    {
        Group = group;
        DisplayGroup = displayGroup;
        Levels = levels;
        ColumnNames = columnNames;
        _values = values;
        _variances = new Lazy<double[]>(variances, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The grouping factor (<c>Subject</c>, <c>cask:batch</c>).</summary>
    public string Group { get; }

    /// <summary>The group as <see cref="VarianceComponent.Group"/> shows it (a second term of a factor gets ".1").</summary>
    public string DisplayGroup { get; }

    /// <summary>Levels in lme4's order.</summary>
    public IReadOnlyList<string> Levels { get; }

    /// <summary>The term's columns (<c>(Intercept)</c>, <c>Days</c>).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of columns q.</summary>
    public int Q => ColumnNames.Count;

    /// <summary>The mode of one level and column.</summary>
    public double this[int level, int column] => _values[level * Q + column];

    /// <summary>All modes, row-major (level × column).</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The modes of one level.</summary>
    public ReadOnlySpan<double> Level(int level) => _values.AsSpan(level * Q, Q);

    /// <summary>
    /// Conditional covariance matrices, q × q per level (column-major, level after level). Computed on first
    /// access: for crossed factors with thousands of levels this takes noticeably longer than the fit.
    /// </summary>
    public ReadOnlySpan<double> ConditionalVariances => _variances.Value;

    /// <summary>The conditional covariance of one level: element (r, c).</summary>
    public double ConditionalCovariance(int level, int r, int c) => _variances.Value[level * Q * Q + c * Q + r];
}
