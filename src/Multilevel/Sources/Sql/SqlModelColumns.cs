using System.Globalization;
using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Sources.Sql;

/// <summary>A variable of a model term, as the database computes it.</summary>
internal abstract record SqlVariable(string Label);

/// <summary>A numeric variable: a SQL expression of doubles.</summary>
internal sealed record SqlNumericVariable(string Label, string Sql) : SqlVariable(Label);

/// <summary>A factor: its levels (with the database values of each), the SQL of its values, its contrasts.</summary>
internal sealed record SqlFactorVariable(string Label, FormulaNode Node, SqlLevels Levels, string Key, bool NumericKey, FactorContrasts Contrasts)
    : SqlVariable(Label);

/// <summary>A column of a model matrix: R's name, its term (R's assign), and the SQL that computes it per row.</summary>
internal sealed record SqlMatrixColumn(string Name, int Assign, string Sql);

/// <summary>
/// R's <c>model.matrix</c> of a set of terms written as SQL expressions, one per column, with the in-memory design's
/// rules (<see cref="ModelMatrix"/>): a numeric variable is one column; a factor is coded by contrasts or indicators
/// (R's marginality rule, and without an intercept the first factor of the first term that has one by indicators);
/// an interaction's columns are the products of its variables' columns, the first varying fastest.
/// </summary>
internal static class SqlModelColumns
{
    public static (List<SqlMatrixColumn> Columns, string[] TermLabels) Build(ModelTerms terms, Func<TermVariable, SqlVariable> resolve,
        SqlDialect dialect, string formula)
    {
        var variables = new Dictionary<int, SqlVariable>();
        SqlVariable Variable(int v) => variables.TryGetValue(v, out var x) ? x : variables[v] = resolve(terms.Variables[v]);

        (int Term, int Variable) indicatorOverride = (-1, -1);
        if (!terms.HasIntercept)
        {
            for (int t = 0; t < terms.Terms.Count && indicatorOverride.Term < 0; t++)
            {
                foreach (int v in terms.Terms[t].Variables)
                {
                    if (Variable(v) is SqlFactorVariable { Levels.Count: > 1 })
                    {
                        indicatorOverride = (t, v);
                        break;
                    }
                }
            }
        }

        var columns = new List<SqlMatrixColumn>();
        if (terms.HasIntercept) columns.Add(new SqlMatrixColumn("(Intercept)", 0, dialect.Number(1)));
        for (int t = 0; t < terms.Terms.Count; t++)
        {
            var term = terms.Terms[t];
            var pieces = new (string[] Names, string[] Sql)[term.Variables.Count];
            for (int k = 0; k < pieces.Length; k++)
            {
                int v = term.Variables[k];
                bool indicators = term.Coding[k] == FactorCoding.Indicators || (t, v) == indicatorOverride;
                pieces[k] = Piece(Variable(v), indicators, dialect, formula);
            }
            int width = pieces.Aggregate(1, (w, p) => w * p.Names.Length);
            var index = new int[pieces.Length];
            for (int c = 0; c < width; c++)
            {
                int rest = c;
                for (int k = 0; k < pieces.Length; k++)
                {
                    index[k] = rest % pieces[k].Names.Length;
                    rest /= pieces[k].Names.Length;
                }
                string name = string.Join(":", pieces.Select((p, k) => p.Names[index[k]]));
                string sql = pieces.Length == 1 ? pieces[0].Sql[index[0]] : string.Join(" * ", pieces.Select((p, k) => $"({p.Sql[index[k]]})"));
                columns.Add(new SqlMatrixColumn(name, t + 1, sql));
            }
        }
        return (columns, [.. terms.Terms.Select(x => x.Label)]);
    }

    private static (string[] Names, string[] Sql) Piece(SqlVariable variable, bool indicators, SqlDialect dialect, string formula)
    {
        switch (variable)
        {
            case SqlNumericVariable n:
                return ([n.Label], [n.Sql]);
            case SqlFactorVariable f:
                {
                    var levels = f.Levels.Labels;
                    if (!indicators && levels.Length < 2)
                    {
                        throw new FormulaEvaluationException(formula, f.Node.Span,
                            $"{f.Label} has a single level ('{(levels.Length == 1 ? levels[0] : "")}') in the rows used; " +
                            "contrasts need at least two levels (R: \"contrasts can be applied only to factors with 2 or more levels\")");
                    }
                    var (matrix, suffixes) = ContrastMatrix.Build(levels, indicators ? null : f.Contrasts);
                    int m = suffixes.Length;
                    var sql = new string[m];
                    for (int j = 0; j < m; j++)
                    {
                        var branches = new List<(string, string)>();
                        for (int l = 0; l < levels.Length; l++)
                        {
                            double value = matrix[l * m + j];
                            if (value == 0 || f.Levels.Values[l].Count == 0) continue;
                            branches.Add((Matches(f, l, dialect), dialect.Number(value)));
                        }
                        sql[j] = branches.Count == 0 ? dialect.Number(0) : dialect.Case(branches, dialect.Number(0));
                    }
                    return ([.. suffixes.Select(s => f.Label + s)], sql);
                }
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>True where the factor's value is level <paramref name="level"/>.</summary>
    public static string Matches(SqlFactorVariable f, int level, SqlDialect dialect)
    {
        var literals = f.Levels.Values[level].Select(v => v is double d ? dialect.Number(d) : dialect.Text((string)v)).ToList();
        return literals.Count == 1 ? $"{f.Key} = {literals[0]}" : $"{f.Key} IN ({string.Join(", ", literals)})";
    }

    /// <summary>The contrasts a factor variable asks for (<c>C(f, sum)</c>, <c>C(f, base = 2)</c>), resolved against its
    /// levels as the in-memory design resolves them.</summary>
    public static FactorContrasts Contrasts(FormulaNode node, IReadOnlyList<string> levels, DesignOptions options, string formula, string label)
    {
        var fallback = options.Contrasts == ContrastKind.Sum ? FactorContrasts.Sum : FactorContrasts.Treatment;
        if (node is not CallNode { Function: "C" } c) return fallback;
        var args = FormulaFunctionArguments.Bind(c, formula);
        var kind = ContrastKind.Treatment;
        if (args.TryGetValue("contr", out var contr))
        {
            kind = contr switch
            {
                VariableNode { Name: "sum" or "contr.sum" } => ContrastKind.Sum,
                VariableNode { Name: "treatment" or "contr.treatment" } => ContrastKind.Treatment,
                _ => throw new FormulaEvaluationException(formula, contr.Span, $"unknown contrasts '{contr}': use sum (contr.sum) or treatment (contr.treatment)"),
            };
        }
        if (!args.TryGetValue("base", out var b)) return kind == ContrastKind.Sum ? FactorContrasts.Sum : FactorContrasts.Treatment;
        if (kind == ContrastKind.Sum) throw new FormulaEvaluationException(formula, b.Span, "base = applies to treatment contrasts, not to sum contrasts");
        switch (b)
        {
            case NumberNode { Value: var v } when v >= 1 && v == Math.Floor(v) && v < int.MaxValue:
                if (v > levels.Count)
                {
                    throw new FormulaEvaluationException(formula, c.Span,
                        $"base = {((int)v).ToString(CultureInfo.InvariantCulture)}, but {label} has {levels.Count} levels in the data used");
                }
                return new FactorContrasts(ContrastKind.Treatment, (int)v - 1, NameByIndex: true);
            case StringNode s:
                {
                    int index = levels.ToList().IndexOf(s.Value);
                    if (index < 0)
                    {
                        throw new FormulaEvaluationException(formula, c.Span,
                            $"'{s.Value}' is not a level of {label} in the data used; levels: {string.Join(", ", levels.Take(20))}");
                    }
                    return new FactorContrasts(ContrastKind.Treatment, index);
                }
            default:
                throw new FormulaEvaluationException(formula, b.Span, "base = is the reference level: its number (base = 2) or its label (base = \"Catholic\")");
        }
    }
}
