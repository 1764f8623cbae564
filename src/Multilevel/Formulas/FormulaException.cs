using System.Text;

namespace Multilevel.Formulas;

/// <summary>
/// A formula that cannot be read or does not make sense as written (syntax errors, a dangling operator,
/// unbalanced parentheses, a missing <c>~</c>, an unknown function, <c>||</c> outside a random-effects
/// term ...). The message shows the formula with carets under the problem and says what was expected.
/// A usage error: the command line exits with code 2.
/// </summary>
public class FormulaException : MultilevelException, IUsageError
{
    /// <summary>Creates the exception.</summary>
    /// <param name="formula">The formula text.</param>
    /// <param name="span">Where the problem is.</param>
    /// <param name="reason">What is wrong and what was expected.</param>
    public FormulaException(string formula, SourceSpan span, string reason)
        : base(FormulaCaret.Compose("formula error", formula, span, reason))
    {
        Formula = formula;
        Span = span;
        Reason = reason;
    }

    /// <summary>The formula text.</summary>
    public string Formula { get; }

    /// <summary>Where the problem is (0-based).</summary>
    public SourceSpan Span { get; }

    /// <summary>0-based position of the problem.</summary>
    public int Position => Span.Start;

    /// <summary>What is wrong and what was expected, without the formula and caret lines.</summary>
    public string Reason { get; }
}

/// <summary>Formats "what is wrong" followed by the formula and a line of carets under the problem.</summary>
public static class FormulaCaret
{
    /// <summary>The formula on one line, indented by two spaces, and carets under <paramref name="span"/>.</summary>
    public static string Show(string formula, SourceSpan span)
    {
        ArgumentNullException.ThrowIfNull(formula);
        // Tabs and newlines would break the alignment of the caret line: show them as spaces.
        var line = new StringBuilder(formula.Length);
        foreach (char c in formula) line.Append(c is '\t' or '\n' or '\r' ? ' ' : c);
        int start = Math.Clamp(span.Start, 0, formula.Length);
        int length = Math.Max(1, Math.Min(span.Length, Math.Max(1, formula.Length - start)));
        return $"  {line}\n  {new string(' ', start)}{new string('^', length)}";
    }

    /// <summary>"<paramref name="prefix"/> at column N: reason" and the caret display.</summary>
    public static string Compose(string prefix, string formula, SourceSpan span, string reason)
    {
        ArgumentNullException.ThrowIfNull(formula);
        int column = Math.Clamp(span.Start, 0, formula.Length) + 1;
        return $"{prefix} at column {column}: {reason}\n{Show(formula, span)}";
    }
}
