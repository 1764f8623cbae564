namespace Multilevel.Formulas;

/// <summary>Binary operators of the formula language. What they mean depends on where they stand: in a
/// model formula <c>+ - * / : ^ %in%</c> combine terms (R's <c>terms()</c> rules); inside <c>I()</c>, a
/// function argument or the response they are arithmetic.</summary>
public enum BinaryOperator
{
    /// <summary><c>+</c>: add terms / addition.</summary>
    Plus,

    /// <summary><c>-</c>: remove terms / subtraction.</summary>
    Minus,

    /// <summary><c>*</c>: crossing (<c>a*b = a + b + a:b</c>) / multiplication.</summary>
    Times,

    /// <summary><c>/</c>: nesting (<c>a/b = a + a:b</c>) / division.</summary>
    Divide,

    /// <summary><c>^</c>: all interactions up to a degree (<c>(a+b+c)^2</c>) / power.</summary>
    Power,

    /// <summary><c>:</c>: interaction.</summary>
    Interaction,

    /// <summary><c>%in%</c>: nesting of the left terms in all variables on the right.</summary>
    In,
}

/// <summary>Prefix operators: <c>-</c> (in a model formula: removal, e.g. <c>-1</c>) and <c>+</c>.</summary>
public enum UnaryOperator
{
    /// <summary><c>-x</c>.</summary>
    Minus,

    /// <summary><c>+x</c>.</summary>
    Plus,
}

/// <summary>
/// A node of a parsed formula. Nodes are immutable; each carries the <see cref="Span"/> of the text it came
/// from. Parentheses leave no node of their own (the tree's shape records the grouping), except around a
/// random-effects term, which is a <see cref="RandomTermNode"/>. <see cref="object.ToString"/> prints
/// the canonical text (R's <c>deparse</c>), which parses back to the same tree.
/// </summary>
public abstract class FormulaNode
{
    private protected FormulaNode(SourceSpan span) => Span = span;

    /// <summary>Where the node stands in the formula's text.</summary>
    public SourceSpan Span { get; }

    /// <summary>Structural equality: same kinds, operators, names, values and children; positions are ignored.</summary>
    public abstract bool SameAs(FormulaNode? other);

    /// <summary>The canonical text of this node (as R's <c>deparse</c> writes it).</summary>
    public override string ToString() => FormulaPrinter.Print(this);
}

/// <summary>A variable: a column of the data (or <c>TRUE</c>/<c>FALSE</c>, or a contrast name as an argument).</summary>
public sealed class VariableNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public VariableNode(string name, SourceSpan span = default) : base(span)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The name as written (without backticks).</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) => other is VariableNode v && v.Name == Name;
}

/// <summary>A number: <c>0</c>/<c>1</c> for the intercept in a model formula, any number in arithmetic.</summary>
public sealed class NumberNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public NumberNode(double value, SourceSpan span = default) : base(span)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a number literal is finite and not negative (use unary minus)");
        }
        Value = value;
    }

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) => other is NumberNode n && n.Value.Equals(Value);
}

/// <summary>A quoted string, allowed as a function argument (<c>C(f, base = "Catholic")</c>).</summary>
public sealed class StringNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public StringNode(string value, SourceSpan span = default) : base(span)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The text between the quotes, escapes resolved.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) => other is StringNode s && s.Value == Value;
}

/// <summary>A prefix operator applied to an operand (<c>-1</c>, <c>-x</c>).</summary>
public sealed class UnaryNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public UnaryNode(UnaryOperator op, FormulaNode operand, SourceSpan span = default) : base(span)
    {
        ArgumentNullException.ThrowIfNull(operand);
        Operator = op;
        Operand = operand;
    }

    /// <summary>The operator.</summary>
    public UnaryOperator Operator { get; }

    /// <summary>The operand.</summary>
    public FormulaNode Operand { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) =>
        other is UnaryNode u && u.Operator == Operator && Operand.SameAs(u.Operand);
}

/// <summary>A binary operator with its two operands.</summary>
public sealed class BinaryNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public BinaryNode(BinaryOperator op, FormulaNode left, FormulaNode right, SourceSpan span = default) : base(span)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>The operator.</summary>
    public BinaryOperator Operator { get; }

    /// <summary>The left operand.</summary>
    public FormulaNode Left { get; }

    /// <summary>The right operand.</summary>
    public FormulaNode Right { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) =>
        other is BinaryNode b && b.Operator == Operator && Left.SameAs(b.Left) && Right.SameAs(b.Right);
}

/// <summary>One argument of a function call, positional (<see cref="Name"/> null) or named (<c>base = 2</c>).</summary>
/// <param name="Name">The argument's name, or null when positional.</param>
/// <param name="Value">The argument's value.</param>
public sealed record CallArgument(string? Name, FormulaNode Value)
{
    /// <summary>Structural equality ignoring positions.</summary>
    public bool SameAs(CallArgument other) => other is not null && other.Name == Name && Value.SameAs(other.Value);
}

/// <summary>A call of one of the formula functions (<see cref="FormulaFunctions"/>): <c>log(x)</c>, <c>I(x^2)</c>,
/// <c>factor(g)</c>, <c>C(f, sum)</c>, <c>offset(z)</c>, <c>gmean(x, g)</c>, <c>cbind(s, f)</c> ...</summary>
public sealed class CallNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public CallNode(string function, IReadOnlyList<CallArgument> arguments, SourceSpan span = default, SourceSpan nameSpan = default)
        : base(span)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentNullException.ThrowIfNull(arguments);
        Function = function;
        Arguments = [.. arguments];
        NameSpan = nameSpan;
    }

    /// <summary>The function's name.</summary>
    public string Function { get; }

    /// <summary>The arguments in order.</summary>
    public IReadOnlyList<CallArgument> Arguments { get; }

    /// <summary>Where the function's name stands.</summary>
    public SourceSpan NameSpan { get; }

    /// <summary>The argument named <paramref name="name"/>, or null.</summary>
    public CallArgument? Named(string name)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == name) return a;
        }
        return null;
    }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other)
    {
        if (other is not CallNode c || c.Function != Function || c.Arguments.Count != Arguments.Count) return false;
        for (int i = 0; i < Arguments.Count; i++)
        {
            if (!Arguments[i].SameAs(c.Arguments[i])) return false;
        }
        return true;
    }
}

/// <summary>A random-effects term <c>(effects | grouping)</c>, or <c>(effects || grouping)</c> for
/// uncorrelated effects.</summary>
public sealed class RandomTermNode : FormulaNode
{
    /// <summary>Creates the node.</summary>
    public RandomTermNode(FormulaNode effects, FormulaNode grouping, bool uncorrelated, SourceSpan span = default) : base(span)
    {
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(grouping);
        Effects = effects;
        Grouping = grouping;
        Uncorrelated = uncorrelated;
    }

    /// <summary>The left side: the model formula of the effects that vary by group (<c>1 + Days</c>).</summary>
    public FormulaNode Effects { get; }

    /// <summary>The right side: the grouping factor (<c>Subject</c>, <c>g1:g2</c>, <c>batch/cask</c>).</summary>
    public FormulaNode Grouping { get; }

    /// <summary>True for <c>||</c>: one independent term per effect (lme4's <c>expandDoubleVerts</c>).</summary>
    public bool Uncorrelated { get; }

    /// <inheritdoc />
    public override bool SameAs(FormulaNode? other) =>
        other is RandomTermNode r && r.Uncorrelated == Uncorrelated && Effects.SameAs(r.Effects) && Grouping.SameAs(r.Grouping);
}
