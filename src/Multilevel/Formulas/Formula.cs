namespace Multilevel.Formulas;

/// <summary>
/// A parsed formula: <c>response ~ terms</c>, optionally followed by fixest-style absorbed fixed effects
/// after a bar outside parentheses (<c>y ~ x | fe1 + fe2</c>). Create one with <see cref="Parse"/>;
/// <see cref="ToString"/> prints the canonical text, which parses back to the same tree.
/// </summary>
public sealed class Formula
{
    /// <summary>Creates a formula from its parts (use <see cref="Parse"/> for text).</summary>
    /// <param name="response">The left side, or null for a one-sided formula <c>~ x</c>.</param>
    /// <param name="terms">The right side (model terms, random-effects terms).</param>
    /// <param name="absorbed">Absorbed fixed effects after a top-level <c>|</c>, or null.</param>
    /// <param name="text">The text it was parsed from; null to use the canonical text.</param>
    public Formula(FormulaNode? response, FormulaNode terms, FormulaNode? absorbed = null, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Response = response;
        Terms = terms;
        Absorbed = absorbed;
        Text = text ?? FormulaPrinter.Print(this);
    }

    /// <summary>The text as given (the positions of the nodes refer to it).</summary>
    public string Text { get; }

    /// <summary>The response (left of <c>~</c>), or null.</summary>
    public FormulaNode? Response { get; }

    /// <summary>The right side of <c>~</c> (without the absorbed part).</summary>
    public FormulaNode Terms { get; }

    /// <summary>The absorbed fixed effects after a bar outside parentheses, or null.</summary>
    public FormulaNode? Absorbed { get; }

    /// <summary>Parses formula text; throws <see cref="FormulaException"/> with a caret under the problem.</summary>
    public static Formula Parse(string text) => FormulaParser.Parse(text);

    /// <summary>Structural equality ignoring positions and spacing.</summary>
    public bool SameAs(Formula? other) =>
        other is not null
        && (Response is null ? other.Response is null : Response.SameAs(other.Response))
        && Terms.SameAs(other.Terms)
        && (Absorbed is null ? other.Absorbed is null : Absorbed.SameAs(other.Absorbed));

    /// <summary>The canonical text (R's <c>deparse</c> layout).</summary>
    public override string ToString() => FormulaPrinter.Print(this);
}
