namespace Multilevel.Formulas;

/// <summary>How a factor in a term is coded in the model matrix (R's <c>attr(terms, "factors")</c>).</summary>
public enum FactorCoding
{
    /// <summary>The variable is not in the term.</summary>
    Absent = 0,

    /// <summary>Coded by contrasts (k − 1 columns for k levels): the term without this factor is
    /// present earlier (or is empty).</summary>
    Contrasts = 1,

    /// <summary>Coded by indicators (k columns): the term without this factor is absent (R's
    /// marginality rule, "Statistical Models in S" p. 38).</summary>
    Indicators = 2,
}

/// <summary>A variable of a model formula (R's <c>attr(terms, "variables")</c>): a column or an
/// expression such as <c>log(x)</c>, <c>I(age^2)</c>, <c>factor(g)</c>, identified by its canonical text.</summary>
/// <param name="Label">The canonical text (R's deparse): the prefix of its model-matrix column names.</param>
/// <param name="Node">The expression as parsed (its span points into the formula text).</param>
public sealed record TermVariable(string Label, FormulaNode Node);

/// <summary>A term of a model formula: an interaction of one or more variables (R's term label
/// <c>ses:sector</c>).</summary>
public sealed class Term
{
    internal Term(IReadOnlyList<int> variables, string label, IReadOnlyList<FactorCoding> coding)
    {
        Variables = variables;
        Label = label;
        Coding = coding;
    }

    /// <summary>Indices into <see cref="ModelTerms.Variables"/>, increasing (the order of first appearance).</summary>
    public IReadOnlyList<int> Variables { get; }

    /// <summary>R's term label: the variables' labels joined by <c>:</c>.</summary>
    public string Label { get; }

    /// <summary>The term's degree (number of variables), R's <c>attr(terms, "order")</c>.</summary>
    public int Order => Variables.Count;

    /// <summary>Per variable of <see cref="Variables"/>, whether it would be coded by contrasts or by
    /// indicators if it is a factor (R's <c>TermCode</c>).</summary>
    public IReadOnlyList<FactorCoding> Coding { get; }

    /// <inheritdoc />
    public override string ToString() => Label;
}

/// <summary>
/// The expanded terms of one model formula, exactly as R's <c>terms()</c>: variables in order of first
/// appearance (the response first), terms without duplicates ordered by degree (stable), the intercept,
/// offsets. Built for the fixed part of a formula and for the left side of each random-effects term.
/// </summary>
public sealed class ModelTerms
{
    internal ModelTerms(IReadOnlyList<TermVariable> variables, int responseIndex, IReadOnlyList<Term> terms,
        bool hasIntercept, IReadOnlyList<TermVariable> offsets, IReadOnlyList<string> messages)
    {
        Variables = variables;
        ResponseIndex = responseIndex;
        Terms = terms;
        HasIntercept = hasIntercept;
        Offsets = offsets;
        Messages = messages;
    }

    /// <summary>All variables (R's <c>attr(, "variables")</c>), the response first when there is one.</summary>
    public IReadOnlyList<TermVariable> Variables { get; }

    /// <summary>Index of the response in <see cref="Variables"/>, or −1.</summary>
    public int ResponseIndex { get; }

    /// <summary>The response, or null.</summary>
    public TermVariable? Response => ResponseIndex >= 0 ? Variables[ResponseIndex] : null;

    /// <summary>The terms in R's order (by degree, then as written).</summary>
    public IReadOnlyList<Term> Terms { get; }

    /// <summary>R's <c>attr(terms, "term.labels")</c>.</summary>
    public IReadOnlyList<string> Labels => [.. Terms.Select(t => t.Label)];

    /// <summary>True when the model has an intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>The <c>offset(…)</c> variables (their values are summed).</summary>
    public IReadOnlyList<TermVariable> Offsets { get; }

    /// <summary>Notes from the expansion (e.g. the response also on the right side was dropped).</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>True when the matrix of these terms has no column.</summary>
    public bool IsEmpty => !HasIntercept && Terms.Count == 0;

    /// <summary>The same variables with only some of the terms (the coding recomputed), as lme4's
    /// <c>||</c> expansion makes <c>(0 + x | g)</c> from <c>(1 + x || g)</c>.</summary>
    internal ModelTerms Subset(bool intercept, IReadOnlyList<Term> terms)
    {
        var sets = terms.Select(t => t.Variables.Aggregate(VariableSet.Empty, (s, v) => s.Union(VariableSet.Single(v)))).ToList();
        return TermExpander.Build([.. Variables], ResponseIndex, sets, intercept, [], []);
    }
}

/// <summary>A grouping factor: one factor or an interaction of factors (outermost first), named as lme4
/// names it (<c>Subject</c>, <c>cask:batch</c>).</summary>
/// <param name="Name">lme4's name: the deparsed grouping expression.</param>
/// <param name="Factors">The factors whose combinations are the levels, outermost (slowest-varying) first.</param>
/// <param name="Span">Where it stands in the formula.</param>
public sealed record GroupingFactor(string Name, IReadOnlyList<FormulaNode> Factors, SourceSpan Span);

/// <summary>One random-effects term after lme4's expansion of <c>||</c> and <c>/</c>: the effects'
/// terms and one grouping factor.</summary>
/// <param name="Effects">The terms of the left side (<c>1 + Days</c>), as R's <c>terms(~ 1 + Days)</c>.</param>
/// <param name="Grouping">The grouping factor.</param>
/// <param name="Source">The term as written.</param>
/// <param name="FromUncorrelated">True when it came from splitting a <c>||</c> term.</param>
public sealed record RandomEffectsSpec(ModelTerms Effects, GroupingFactor Grouping, RandomTermNode Source, bool FromUncorrelated)
{
    /// <summary>The term as lme4 would write it after expansion: <c>(1 | cask:batch)</c>, <c>(0 + Days | Subject)</c>.</summary>
    public string Label
    {
        get
        {
            var parts = new List<string> { Effects.HasIntercept ? "1" : "0" };
            parts.AddRange(Effects.Terms.Select(t => t.Label));
            return $"({string.Join(" + ", parts)} | {Grouping.Name})";
        }
    }
}

/// <summary>A formula split into its parts and expanded: the fixed-effects terms (R's <c>terms()</c> of
/// lme4's <c>nobars()</c>), the random-effects terms in the order written (lme4's <c>findbars()</c> after
/// <c>||</c> and <c>/</c> expansion; the design orders them by number of levels), absorbed factors.</summary>
public sealed class FormulaTerms
{
    internal FormulaTerms(Formula formula, ModelTerms fixedTerms, IReadOnlyList<RandomEffectsSpec> randomEffects,
        IReadOnlyList<GroupingFactor> absorbed)
    {
        Formula = formula;
        Fixed = fixedTerms;
        RandomEffects = randomEffects;
        Absorbed = absorbed;
    }

    /// <summary>The parsed formula.</summary>
    public Formula Formula { get; }

    /// <summary>The fixed-effects part (with the response).</summary>
    public ModelTerms Fixed { get; }

    /// <summary>Random-effects terms, in the order written after expansion.</summary>
    public IReadOnlyList<RandomEffectsSpec> RandomEffects { get; }

    /// <summary>Absorbed fixed-effects factors (fixest's <c>| fe1 + fe2</c>).</summary>
    public IReadOnlyList<GroupingFactor> Absorbed { get; }

    /// <summary>Expands a parsed formula.</summary>
    public static FormulaTerms From(Formula formula) => TermExpander.Expand(formula);

    /// <summary>Parses and expands formula text.</summary>
    public static FormulaTerms Parse(string formula) => TermExpander.Expand(FormulaParser.Parse(formula));
}
