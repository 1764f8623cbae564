using System.Text;

namespace Multilevel.Formulas;

/// <summary>
/// Prints formulas and nodes as R's <c>deparse</c> does — spaces around <c>+ - * ~ | %in% =</c>, none
/// around <c>/ ^ :</c>, parentheses only where precedence needs them — so that the text is R's term label
/// and column name (<c>I(age^2)</c>, <c>log(x + 1)</c>, <c>ses:sector</c>) and parses back to the same tree.
/// </summary>
public static class FormulaPrinter
{
    private const int AtomPrecedence = 100;

    /// <summary>The canonical text of a formula.</summary>
    public static string Print(Formula formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        var sb = new StringBuilder();
        if (formula.Response is not null)
        {
            Write(sb, formula.Response);
            sb.Append(" ~ ");
        }
        else
        {
            sb.Append('~');
        }
        Write(sb, formula.Terms);
        if (formula.Absorbed is not null)
        {
            sb.Append(" | ");
            Write(sb, formula.Absorbed);
        }
        return sb.ToString();
    }

    /// <summary>The canonical text of a node.</summary>
    public static string Print(FormulaNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>A name as R writes it: as is when syntactic, else in backticks.</summary>
    public static string Name(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return IsSyntacticName(name) ? name : "`" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "`";
    }

    /// <summary>True when the lexer reads <paramref name="name"/> as one name without backticks.</summary>
    public static bool IsSyntacticName(string name)
    {
        if (string.IsNullOrEmpty(name) || name == ".") return false;
        if (!FormulaLexer.IsNameStart(name[0])) return false;
        if (name[0] == '.' && name.Length > 1 && char.IsAsciiDigit(name[1])) return false;
        foreach (char c in name)
        {
            if (!FormulaLexer.IsNameChar(c)) return false;
        }
        return true;
    }

    internal static int Precedence(FormulaNode node) => node switch
    {
        BinaryNode b => Precedence(b.Operator),
        UnaryNode => FormulaParser.PrefixPrecedence,
        _ => AtomPrecedence,
    };

    internal static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Plus or BinaryOperator.Minus => FormulaParser.SumPrecedence,
        BinaryOperator.Times or BinaryOperator.Divide => FormulaParser.ProductPrecedence,
        BinaryOperator.In => FormulaParser.InPrecedence,
        BinaryOperator.Interaction => FormulaParser.InteractionPrecedence,
        BinaryOperator.Power => FormulaParser.PowerPrecedence,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>The operator's text with R's spacing.</summary>
    public static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Plus => " + ",
        BinaryOperator.Minus => " - ",
        BinaryOperator.Times => " * ",
        BinaryOperator.Divide => "/",
        BinaryOperator.Power => "^",
        BinaryOperator.Interaction => ":",
        BinaryOperator.In => " %in% ",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static void Write(StringBuilder sb, FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                sb.Append(Name(v.Name));
                break;
            case NumberNode n:
                sb.Append(RNumberFormat.Format(n.Value));
                break;
            case StringNode s:
                sb.Append('"');
                foreach (char c in s.Value)
                {
                    switch (c)
                    {
                        case '"': sb.Append("\\\""); break;
                        case '\\': sb.Append("\\\\"); break;
                        case '\n': sb.Append("\\n"); break;
                        case '\t': sb.Append("\\t"); break;
                        default: sb.Append(c); break;
                    }
                }
                sb.Append('"');
                break;
            case UnaryNode u:
                sb.Append(u.Operator == UnaryOperator.Minus ? '-' : '+');
                WriteOperand(sb, u.Operand, Precedence(u.Operand) < FormulaParser.PrefixPrecedence);
                break;
            case BinaryNode b:
                {
                    int p = Precedence(b.Operator);
                    bool rightAssociative = b.Operator == BinaryOperator.Power;
                    int pl = Precedence(b.Left);
                    bool leftParens = pl < p || (rightAssociative && pl == p);
                    // A prefix operator can always start an operand, so a unary right operand needs no parentheses (R: x^-1).
                    bool rightParens = b.Right is not UnaryNode
                        && (Precedence(b.Right) < p || (!rightAssociative && Precedence(b.Right) == p));
                    WriteOperand(sb, b.Left, leftParens);
                    sb.Append(OperatorText(b.Operator));
                    WriteOperand(sb, b.Right, rightParens);
                    break;
                }
            case CallNode c:
                sb.Append(Name(c.Function)).Append('(');
                for (int i = 0; i < c.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    if (c.Arguments[i].Name is { } name) sb.Append(Name(name)).Append(" = ");
                    Write(sb, c.Arguments[i].Value);
                }
                sb.Append(')');
                break;
            case RandomTermNode r:
                sb.Append('(');
                Write(sb, r.Effects);
                sb.Append(r.Uncorrelated ? " || " : " | ");
                Write(sb, r.Grouping);
                sb.Append(')');
                break;
            default:
                throw new ArgumentException($"cannot print a {node.GetType().Name}", nameof(node));
        }
    }

    private static void WriteOperand(StringBuilder sb, FormulaNode node, bool parens)
    {
        if (parens) sb.Append('(');
        Write(sb, node);
        if (parens) sb.Append(')');
    }
}
