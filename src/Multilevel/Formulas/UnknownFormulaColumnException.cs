namespace Multilevel.Formulas;

/// <summary>A formula names a column the data does not have. The message shows the formula with a caret
/// under the name, suggests a close name when there is one, and lists the columns.</summary>
public class UnknownFormulaColumnException : UnknownColumnException
{
    private const int MaxListed = 40;

    /// <summary>Creates the exception.</summary>
    public UnknownFormulaColumnException(string column, IReadOnlyList<string> available, string formula, SourceSpan span)
        : base(column, available)
    {
        ArgumentNullException.ThrowIfNull(formula);
        Formula = formula;
        Span = span;
        Suggestion = NameSuggestion.Closest(column, available);
        string listed = available.Count <= MaxListed
            ? string.Join(", ", available)
            : string.Join(", ", available.Take(MaxListed)) + $", … ({available.Count} columns)";
        string reason = $"unknown column '{column}'" + (Suggestion is null ? "" : $" (did you mean '{Suggestion}'?)");
        Message = FormulaCaret.Compose("formula error", formula, span, reason) + $"\nthe data has: {listed}";
    }

    /// <summary>The formula text.</summary>
    public string Formula { get; }

    /// <summary>Where the name stands.</summary>
    public SourceSpan Span { get; }

    /// <summary>The closest existing column, or null.</summary>
    public string? Suggestion { get; }

    /// <inheritdoc />
    public override string Message { get; }
}

/// <summary>A formula cannot be evaluated on the data as written: a categorical column used as a number
/// (in <c>I()</c>, <c>log</c>, arithmetic, <c>cbind</c>, a numeric response), infinite values, a factor
/// with one level, no rows left after dropping missing values ... The message shows the formula with a
/// caret under the expression concerned.</summary>
public class FormulaEvaluationException : ModelSpecificationException
{
    /// <summary>Creates the exception.</summary>
    public FormulaEvaluationException(string formula, SourceSpan span, string reason)
        : base(FormulaCaret.Compose("cannot evaluate the formula", formula, span, reason))
    {
        Formula = formula;
        Span = span;
        Reason = reason;
    }

    /// <summary>The formula text.</summary>
    public string Formula { get; }

    /// <summary>Where the problem is.</summary>
    public SourceSpan Span { get; }

    /// <summary>What is wrong, without the formula display.</summary>
    public string Reason { get; }
}
