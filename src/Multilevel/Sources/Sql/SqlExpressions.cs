using Multilevel.Formulas;

namespace Multilevel.Sources.Sql;

/// <summary>Translates the arithmetic of a formula (columns, numbers, + − × ÷ ^, <c>I()</c>, <c>log</c>, <c>exp</c>,
/// <c>sqrt</c> …) into a SQL expression of doubles, with the in-memory evaluator's semantics: <c>x^2</c> is x·x,
/// <c>log(x, b)</c> is log x / log b, TRUE and FALSE are 1 and 0.</summary>
internal sealed class SqlExpressions(SqlDialect dialect, IReadOnlyDictionary<string, SqlColumn> columns, string formula)
{
    public SqlDialect Dialect => dialect;

    public string Numeric(FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                if (columns.TryGetValue(v.Name, out var column)) return dialect.NumberOf(column);
                return v.Name switch
                {
                    "TRUE" or "T" => dialect.Number(1),
                    "FALSE" or "F" => dialect.Number(0),
                    _ => throw new InvalidOperationException($"column '{v.Name}' was not checked"),
                };
            case NumberNode n:
                return dialect.Number(n.Value);
            case UnaryNode u:
                return u.Operator == UnaryOperator.Plus ? Numeric(u.Operand) : $"(-({Numeric(u.Operand)}))";
            case BinaryNode b:
                {
                    string l = Numeric(b.Left);
                    if (b.Operator == BinaryOperator.Power && b.Right is NumberNode { Value: 2 }) return $"(({l}) * ({l}))";
                    string r = Numeric(b.Right);
                    return b.Operator switch
                    {
                        BinaryOperator.Plus => $"(({l}) + ({r}))",
                        BinaryOperator.Minus => $"(({l}) - ({r}))",
                        BinaryOperator.Times => $"(({l}) * ({r}))",
                        BinaryOperator.Divide => dialect.Divide(l, r),
                        BinaryOperator.Power => dialect.Power(l, r),
                        _ => throw new FormulaEvaluationException(formula, b.Span, "not arithmetic"),
                    };
                }
            case CallNode c:
                {
                    var args = FormulaFunctionArguments.Bind(c, formula);
                    if (c.Function == "I") return Numeric(args["x"]);
                    string x = Numeric(args["x"]);
                    return c.Function switch
                    {
                        "log" when args.TryGetValue("base", out var b) => dialect.Divide(dialect.Log(x), dialect.Log(Numeric(b))),
                        "log" => dialect.Log(x),
                        "log2" => dialect.Log2(x),
                        "log10" => dialect.Log10(x),
                        "log1p" => dialect.Log1P(x),
                        "exp" => dialect.Exp(x),
                        "expm1" => dialect.Expm1(x),
                        "sqrt" => dialect.Sqrt(x),
                        "abs" => dialect.Abs(x),
                        _ => throw new FormulaEvaluationException(formula, c.Span, $"{c.Function}() cannot be computed in the database"),
                    };
                }
            default:
                throw new FormulaEvaluationException(formula, node.Span, $"'{FormulaPrinter.Print(node)}' cannot be computed in the database");
        }
    }
}
