using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Sources.Internals;

/// <summary>How a data column is held by a source, as far as a formula is concerned.</summary>
internal enum SourceColumnKind
{
    /// <summary>Numbers (missing: NaN or NULL).</summary>
    Numeric,

    /// <summary>Categories (text, labelled codes; missing: a missing code or NULL).</summary>
    Categorical,

    /// <summary>A type the model cannot use (dates, arrays …).</summary>
    Unsupported,
}

/// <summary>A factor of the model as a source must know it: which data column it reads.</summary>
/// <param name="Column">The data column.</param>
/// <param name="Node">Where it stands in the formula (for messages).</param>
internal sealed record FactorUse(string Column, FormulaNode Node);

/// <summary>A grouping factor of the model: its lme4 name and the data column of each component, outermost first.</summary>
internal sealed record GroupingUse(string Name, IReadOnlyList<string> Columns, SourceSpan Span);

/// <summary>
/// What a source that never holds all the rows must know about a formula before it reads them: the data columns it
/// uses and in which role (a number, or the values of a factor), the expressions that may be undefined on some rows
/// (and so drop them, as the in-memory design does), the grouping factors; and the formula features such a source
/// cannot compute, rejected with a message that says why (<c>scale()</c>, <c>gmean()</c> and <c>demean()</c> need a
/// statistic of all the rows before any row can be evaluated).
/// </summary>
internal sealed class FormulaUsage
{
    private readonly string _text;
    private readonly Func<string, SourceColumnKind?> _kindOf;
    private readonly IReadOnlyList<string> _available;
    private readonly string _where;

    /// <summary>Columns used as numbers, in order of first use.</summary>
    public List<string> NumericColumns { get; } = [];

    /// <summary>Columns whose values are the levels of a factor (term factors and grouping components).</summary>
    public List<string> FactorColumns { get; } = [];

    /// <summary>Columns of factors in fixed or random-effects terms (their levels make columns of X or Z).</summary>
    public List<string> TermFactorColumns { get; } = [];

    /// <summary>Factor variables of fixed or random-effects terms (label as the in-memory design names them, data column).</summary>
    public List<(string Label, string Column)> TermFactors { get; } = [];

    /// <summary>Numeric columns whose own values enter the model (bare term variables, the response, weights, offset):
    /// an infinite value there is an error, as in the in-memory design.</summary>
    public List<string> FiniteColumns { get; } = [];

    /// <summary>Every data column the formula reads.</summary>
    public SortedSet<string> Columns { get; } = new(StringComparer.Ordinal);

    /// <summary>Numeric expressions that are more than a column (their undefined values drop rows), in the in-memory
    /// design's order: fixed-term variables, offsets, random-effects variables, the weights and offset options, the response.</summary>
    public List<(string Label, FormulaNode Node)> Expressions { get; } = [];

    /// <summary>Grouping factors of the random-effects terms, by name (each once).</summary>
    public List<GroupingUse> Groupings { get; } = [];

    /// <summary>The weights column (option), or null.</summary>
    public string? Weights { get; }

    /// <summary>The offset column (option), or null.</summary>
    public string? OffsetColumn { get; }

    public FormulaUsage(FormulaTerms terms, DesignOptions options, IReadOnlyList<string> available,
        Func<string, SourceColumnKind?> kindOf, string where)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(options);
        _text = terms.Formula.Text;
        _kindOf = kindOf;
        _available = available;
        _where = where;
        Terms = terms;

        if (terms.Absorbed.Count > 0)
        {
            throw Unsupported(terms.Absorbed[0].Span, "absorbed fixed effects ('| g' outside parentheses) are not fitted from sums; use a random-effects term ( … | g)");
        }
        var fixedTerms = terms.Fixed;
        if (fixedTerms.Response is null)
        {
            throw new FormulaException(_text, SourceSpan.At(0), "the formula has no response: write it as response ~ terms, e.g. y ~ x");
        }

        // the order of the in-memory design's evaluation jobs
        for (int i = 0; i < fixedTerms.Variables.Count; i++)
        {
            if (i == fixedTerms.ResponseIndex) continue;
            var v = fixedTerms.Variables[i];
            if (v.Node is CallNode { Function: "offset" }) continue;
            TermVariable(v);
        }
        foreach (var o in fixedTerms.Offsets)
        {
            var node = ((CallNode)o.Node).Arguments[0].Value;
            NumericExpression(node);
            AddExpression(o.Label, node);
        }
        foreach (var spec in terms.RandomEffects)
        {
            foreach (var v in spec.Effects.Variables) TermVariable(v);
        }
        foreach (var spec in terms.RandomEffects)
        {
            var g = spec.Grouping;
            var columns = g.Factors.Select(f => FactorColumn(f, "a grouping factor")).ToList();
            if (Groupings.All(x => x.Name != g.Name)) Groupings.Add(new GroupingUse(g.Name, columns, g.Span));
        }
        if (options.Weights is { } w)
        {
            OptionColumn(w, "weights");
            Weights = w;
        }
        if (options.Offset is { } off)
        {
            OptionColumn(off, "offset");
            OffsetColumn = off;
        }
        var response = fixedTerms.Response;
        if (response.Node is CallNode { Function: "cbind" } cb)
        {
            throw Unsupported(cb.Span, "cbind(successes, failures) is a binomial response: a linear mixed model needs a numeric response");
        }
        if (response.Node is VariableNode rv && _kindOf(rv.Name) == SourceColumnKind.Categorical)
        {
            throw new FormulaEvaluationException(_text, rv.Span,
                $"the response {rv.Name} is categorical; a linear mixed model needs a numeric response");
        }
        NumericExpression(response.Node);
        AddExpression(response.Label, response.Node);
        if (response.Node is VariableNode rc && Columns.Contains(rc.Name) && !FiniteColumns.Contains(rc.Name)) FiniteColumns.Add(rc.Name);
    }

    /// <summary>The expanded formula.</summary>
    public FormulaTerms Terms { get; }

    /// <summary>True when the column is read as a factor and also as a number somewhere.</summary>
    public bool BothRoles(string column) => FactorColumns.Contains(column) && NumericColumns.Contains(column);

    private FormulaEvaluationException Unsupported(SourceSpan span, string reason) =>
        new(_text, span, $"{reason} ({_where})");

    private void AddExpression(string label, FormulaNode node)
    {
        if (node is VariableNode) return;
        Expressions.Add((label, node));
    }

    private void TermVariable(TermVariable v)
    {
        switch (v.Node)
        {
            case VariableNode n when _kindOf(n.Name) == SourceColumnKind.Categorical:
                AddFactor(n.Name, term: true);
                AddTermFactor(v.Label, n.Name);
                break;
            case VariableNode n:
                NumericExpression(n);
                if (Columns.Contains(n.Name) && !FiniteColumns.Contains(n.Name)) FiniteColumns.Add(n.Name);
                break;
            case CallNode { Function: "factor" or "as.factor" or "C" } c:
                {
                    var args = FormulaFunctionArguments.Bind(c, _text);
                    var inner = args[c.Function == "C" ? "object" : "x"];
                    string column = FactorColumn(inner, $"{c.Function}()");
                    AddFactor(column, term: true);
                    AddTermFactor(v.Label, column);
                    break;
                }
            default:
                NumericExpression(v.Node);
                AddExpression(v.Label, v.Node);
                break;
        }
    }

    private void AddTermFactor(string label, string column)
    {
        if (TermFactors.All(t => t.Label != label)) TermFactors.Add((label, column));
    }

    /// <summary>The data column of a factor: a column, or factor()/as.factor() of one.</summary>
    private string FactorColumn(FormulaNode node, string what)
    {
        switch (node)
        {
            case VariableNode v:
                CheckColumn(v);
                AddFactor(v.Name, term: false);
                return v.Name;
            case CallNode { Function: "factor" or "as.factor" } c when c.Arguments.Count == 1:
                return FactorColumn(c.Arguments[0].Value, what);
            default:
                throw Unsupported(node.Span,
                    $"{what} must be a data column here, not the expression '{FormulaPrinter.Print(node)}': add the expression as a column of the data");
        }
    }

    private void AddFactor(string column, bool term)
    {
        Columns.Add(column);
        if (!FactorColumns.Contains(column)) FactorColumns.Add(column);
        if (term && !TermFactorColumns.Contains(column)) TermFactorColumns.Add(column);
    }

    private void OptionColumn(string name, string what)
    {
        var kind = _kindOf(name);
        if (kind is null) throw new UnknownColumnException(name, _available);
        if (kind != SourceColumnKind.Numeric) throw new ModelSpecificationException($"the {what} column '{name}' is not numeric");
        Columns.Add(name);
        if (!NumericColumns.Contains(name)) NumericColumns.Add(name);
        if (!FiniteColumns.Contains(name)) FiniteColumns.Add(name);
    }

    private void CheckColumn(VariableNode v)
    {
        var kind = _kindOf(v.Name) ?? throw new UnknownFormulaColumnException(v.Name, _available, _text, v.Span);
        if (kind == SourceColumnKind.Unsupported)
        {
            throw Unsupported(v.Span, $"column '{v.Name}' has a type the model cannot use (neither numbers nor text)");
        }
    }

    /// <summary>Checks an arithmetic expression and records the columns it reads as numbers.</summary>
    private void NumericExpression(FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                if (_kindOf(v.Name) is null && v.Name is "TRUE" or "T" or "FALSE" or "F") return;
                CheckColumn(v);
                if (_kindOf(v.Name) == SourceColumnKind.Categorical)
                {
                    throw new FormulaEvaluationException(_text, v.Span,
                        $"column '{v.Name}' is categorical and cannot be used as a number here; use it as a factor term, or make it numeric in the data");
                }
                Columns.Add(v.Name);
                if (!NumericColumns.Contains(v.Name)) NumericColumns.Add(v.Name);
                return;
            case NumberNode:
                return;
            case StringNode s:
                throw new FormulaEvaluationException(_text, s.Span, "a quoted string is not a number");
            case UnaryNode u:
                NumericExpression(u.Operand);
                return;
            case BinaryNode b:
                if (b.Operator is BinaryOperator.Interaction or BinaryOperator.In)
                {
                    throw new FormulaEvaluationException(_text, b.Span,
                        $"'{FormulaPrinter.OperatorText(b.Operator).Trim()}' is not arithmetic; inside I() and functions use + - * / ^");
                }
                NumericExpression(b.Left);
                NumericExpression(b.Right);
                return;
            case CallNode c:
                {
                    var function = FormulaFunctions.Find(c.Function)
                        ?? throw new FormulaEvaluationException(_text, c.Span, $"unknown function '{c.Function}'");
                    var args = FormulaFunctionArguments.Bind(c, _text);
                    switch (function.Kind)
                    {
                        case FormulaFunctionKind.AsIs:
                        case FormulaFunctionKind.Arithmetic:
                            foreach (var a in args.Values) NumericExpression(a);
                            return;
                        case FormulaFunctionKind.Scale:
                            throw Unsupported(c.Span,
                                "scale() needs the mean and standard deviation of all rows before any row is evaluated, which a fit from sums cannot do in one pass: " +
                                "scale the column in the data, or write it out, e.g. I((x - 12.5) / 3.1)");
                        case FormulaFunctionKind.GroupMean:
                        case FormulaFunctionKind.Demean:
                            throw Unsupported(c.Span,
                                $"{c.Function}() needs the group means of all rows before any row is evaluated, which a fit from sums cannot do: " +
                                "add the group means as a column of the data");
                        case FormulaFunctionKind.Factor:
                        case FormulaFunctionKind.Contrasts:
                            throw new FormulaEvaluationException(_text, c.Span, $"{c.Function}() makes a categorical variable, which cannot be used as a number here");
                        case FormulaFunctionKind.Offset:
                            throw new FormulaEvaluationException(_text, c.Span, "offset() must be a term of its own, added with '+'");
                        case FormulaFunctionKind.Binomial:
                            throw new FormulaEvaluationException(_text, c.Span, "cbind() is only allowed as the response");
                        default:
                            throw new FormulaEvaluationException(_text, c.Span, $"cannot evaluate {c.Function}()");
                    }
                }
            case RandomTermNode r:
                throw new FormulaEvaluationException(_text, r.Span, "a random-effects term cannot be used in arithmetic");
            default:
                throw new FormulaEvaluationException(_text, node.Span, $"cannot evaluate '{node}'");
        }
    }
}
