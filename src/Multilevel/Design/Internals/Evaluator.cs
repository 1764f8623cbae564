using Multilevel.Data;
using Multilevel.Formulas;

namespace Multilevel.Design.Internals;

/// <summary>A number per row, or one number for all rows.</summary>
internal readonly struct Num
{
    public Num(double[] array) => Array = array;

    public Num(double scalar) => Scalar = scalar;

    public double[]? Array { get; }

    public double Scalar { get; }

    public bool IsScalar => Array is null;
}

/// <summary>A factor as evaluated: codes (−1 missing), levels, and the contrasts asked for in <c>C()</c>.</summary>
internal sealed record FactorValue(int[] Codes, string[] Levels, ContrastRequest? Contrasts);

/// <summary>Contrasts asked for in <c>C(f, …)</c>, resolved against the levels once unused ones are dropped.</summary>
internal sealed record ContrastRequest(ContrastKind Kind, int? BaseNumber, string? BaseName, SourceSpan Span);

/// <summary>
/// Evaluates formula expressions column-wise on a set of rows (all rows, or the rows used). Numeric results
/// are fresh arrays except a bare numeric column on all rows, which is shared (never modified).
/// Semantics are R's, except <c>gmean</c>/<c>demean</c> (ours), which average over the rows evaluated.
/// </summary>
internal sealed class Evaluator
{
    private readonly Frame _data;
    private readonly string _text;
    private readonly int[]? _rows;
    private readonly Evaluator? _allRows;
    private readonly Dictionary<string, (int[] Codes, string[] Levels)> _factorsOfNumbers = new(StringComparer.Ordinal);

    public Evaluator(Frame data, string text, int[]? rows)
    {
        _data = data;
        _text = text;
        _rows = rows;
        RowCount = rows?.Length ?? data.RowCount;
        _allRows = rows is null ? null : new Evaluator(data, text, null);
    }

    /// <summary>An evaluator on a subset of the rows that <paramref name="allRows"/> evaluates (sharing its work).</summary>
    public Evaluator(Evaluator allRows, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(allRows);
        _data = allRows._data;
        _text = allRows._text;
        _rows = rows;
        RowCount = rows.Length;
        _allRows = allRows._allRows ?? allRows;
    }

    public int RowCount { get; }

    private FormulaEvaluationException Error(FormulaNode node, string reason) => new(_text, node.Span, reason);

    private Column Resolve(VariableNode v)
    {
        var column = _data.Find(v.Name);
        if (column is null)
        {
            throw new UnknownFormulaColumnException(v.Name, [.. _data.ColumnNames], _text, v.Span);
        }
        return column;
    }

    private static bool IsLogicalConstant(string name, out double value)
    {
        switch (name)
        {
            case "TRUE" or "T": value = 1; return true;
            case "FALSE" or "F": value = 0; return true;
            default: value = 0; return false;
        }
    }

    private double[] Take(double[] values) => _rows is null ? values : FactorCodes.Gather(values, _rows);

    private int[] Take(int[] codes) => _rows is null ? codes : FactorCodes.Gather(codes, _rows);

    /// <summary>True when the expression contains gmean()/demean(), whose values depend on the rows evaluated.</summary>
    public static bool DependsOnRows(FormulaNode node) => node switch
    {
        CallNode c when c.Function is "gmean" or "demean" => true,
        CallNode c => c.Arguments.Any(a => DependsOnRows(a.Value)),
        UnaryNode u => DependsOnRows(u.Operand),
        BinaryNode b => DependsOnRows(b.Left) || DependsOnRows(b.Right),
        _ => false,
    };

    /// <summary>A variable of a model term: a column (numeric or categorical), factor()/C() (a factor),
    /// or a numeric expression.</summary>
    public object Variable(FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                {
                    var column = _data.Find(v.Name);
                    if (column is null && IsLogicalConstant(v.Name, out _)) return Materialize(Numeric(v));
                    column ??= Resolve(v);
                    return column switch
                    {
                        NumericColumn nc => Take(nc.UnsafeArray),
                        CategoricalColumn cc => new FactorValue(Take(cc.UnsafeCodes), [.. cc.Levels], null),
                        _ => throw Error(v, $"column '{v.Name}' has an unsupported type"),
                    };
                }
            case CallNode { Function: "factor" or "as.factor" or "C" } c:
                return Factor(c);
            default:
                return Materialize(Numeric(node));
        }
    }

    /// <summary>Numeric values as an array of <see cref="RowCount"/>.</summary>
    public double[] Materialize(Num value)
    {
        if (!value.IsScalar) return value.Array!;
        var a = new double[RowCount];
        a.AsSpan().Fill(value.Scalar);
        return a;
    }

    /// <summary>Evaluates an expression that must be a factor: a column (numbers become levels), factor(x),
    /// C(f, …), an interaction a:b, or a numeric expression (R's factor(round(x))).</summary>
    public FactorValue Factor(FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                {
                    var column = Resolve(v);
                    if (column is CategoricalColumn cc) return new FactorValue(Take(cc.UnsafeCodes), [.. cc.Levels], null);
                    var (codes, levels) = FactorOfNumbers(v.Name, (NumericColumn)column);
                    return new FactorValue(codes, levels, null);
                }
            case CallNode { Function: "factor" or "as.factor" } c:
                {
                    var inner = Factor(c.Arguments[0].Value);
                    return inner with { Contrasts = null };
                }
            case CallNode { Function: "C" } c:
                {
                    var args = FormulaFunctionArguments.Bind(c, _text);
                    var inner = Factor(args["object"]);
                    return inner with { Contrasts = ContrastsOf(c, args) };
                }
            case BinaryNode { Operator: BinaryOperator.Interaction } b:
                {
                    var parts = TermExpander.FlattenInteraction(b, _text, "an interaction of factors", allowCaret: false)
                        .Select(Factor).Select(f => (f.Codes, f.Levels)).ToList();
                    var (codes, levels) = FactorCodes.Interaction(parts);
                    return new FactorValue(codes, levels, null);
                }
            default:
                {
                    var values = Materialize(Numeric(node));
                    var (codes, levels) = FactorCodes.FromNumbers(values);
                    return new FactorValue(codes, levels, null);
                }
        }
    }

    /// <summary>A numeric column as a factor, computed once per column (on all rows; a row subset gathers the codes,
    /// and unused levels are dropped later).</summary>
    private (int[] Codes, string[] Levels) FactorOfNumbers(string name, NumericColumn column)
    {
        if (_allRows is not null)
        {
            var (codes, levels) = _allRows.FactorOfNumbers(name, column);
            return (FactorCodes.Gather(codes, _rows!), levels);
        }
        if (!_factorsOfNumbers.TryGetValue(name, out var factor))
        {
            factor = FactorCodes.FromNumbers(column.UnsafeArray);
            _factorsOfNumbers[name] = factor;
        }
        return factor;
    }

    private ContrastRequest ContrastsOf(CallNode call, IReadOnlyDictionary<string, FormulaNode> args)
    {
        var kind = ContrastKind.Treatment;
        if (args.TryGetValue("contr", out var contr))
        {
            kind = contr switch
            {
                VariableNode { Name: "sum" or "contr.sum" } => ContrastKind.Sum,
                VariableNode { Name: "treatment" or "contr.treatment" } => ContrastKind.Treatment,
                _ => throw Error(contr, $"unknown contrasts '{contr}': use sum (contr.sum) or treatment (contr.treatment)"),
            };
        }
        int? baseNumber = null;
        string? baseName = null;
        if (args.TryGetValue("base", out var b))
        {
            if (kind == ContrastKind.Sum) throw Error(b, "base = applies to treatment contrasts, not to sum contrasts");
            switch (b)
            {
                case NumberNode { Value: var v } when v >= 1 && v == Math.Floor(v) && v < int.MaxValue:
                    baseNumber = (int)v;
                    break;
                case StringNode s:
                    baseName = s.Value;
                    break;
                default:
                    throw Error(b, "base = is the reference level: its number (base = 2) or its label (base = \"Catholic\")");
            }
        }
        return new ContrastRequest(kind, baseNumber, baseName, call.Span);
    }

    /// <summary>Evaluates an arithmetic expression.</summary>
    public Num Numeric(FormulaNode node)
    {
        switch (node)
        {
            case VariableNode v:
                {
                    var column = _data.Find(v.Name);
                    if (column is null && IsLogicalConstant(v.Name, out double constant)) return new Num(constant);
                    column ??= Resolve(v);
                    if (column is CategoricalColumn cc)
                    {
                        string levels = string.Join(", ", cc.Levels.Take(6)) + (cc.Levels.Count > 6 ? ", …" : "");
                        throw Error(v, $"column '{v.Name}' is categorical ({cc.Levels.Count} levels: {levels}) and cannot be used as a number here; " +
                            "use it as a factor term, or make it numeric in the data");
                    }
                    return new Num(Take(((NumericColumn)column).UnsafeArray));
                }
            case NumberNode n:
                return new Num(n.Value);
            case StringNode s:
                throw Error(s, "a quoted string is not a number");
            case UnaryNode u:
                {
                    var x = Numeric(u.Operand);
                    return u.Operator == UnaryOperator.Plus ? x : Map(x, static v => -v);
                }
            case BinaryNode b:
                return Binary(b);
            case CallNode c:
                return Call(c);
            case RandomTermNode r:
                throw Error(r, "a random-effects term cannot be used in arithmetic");
            default:
                throw Error(node, $"cannot evaluate '{node}'");
        }
    }

    private Num Binary(BinaryNode b)
    {
        if (b.Operator is BinaryOperator.Interaction or BinaryOperator.In)
        {
            throw Error(b, $"'{FormulaPrinter.OperatorText(b.Operator).Trim()}' is not arithmetic; inside I() and functions use + - * / ^");
        }
        var x = Numeric(b.Left);
        var y = Numeric(b.Right);
        return b.Operator switch
        {
            BinaryOperator.Plus => Zip(x, y, static (p, q) => p + q),
            BinaryOperator.Minus => Zip(x, y, static (p, q) => p - q),
            BinaryOperator.Times => Zip(x, y, static (p, q) => p * q),
            BinaryOperator.Divide => Zip(x, y, static (p, q) => p / q),
            BinaryOperator.Power => y.IsScalar && y.Scalar == 2 ? Map(x, static p => p * p) : Zip(x, y, Math.Pow),
            _ => throw Error(b, "unexpected operator"),
        };
    }

    private Num Call(CallNode c)
    {
        var function = FormulaFunctions.Find(c.Function) ?? throw Error(c, $"unknown function '{c.Function}'");
        var args = FormulaFunctionArguments.Bind(c, _text);
        var first = args[function.Parameters[0]];
        switch (function.Kind)
        {
            case FormulaFunctionKind.AsIs:
                return Numeric(first);
            case FormulaFunctionKind.Arithmetic:
                {
                    var x = Numeric(first);
                    switch (c.Function)
                    {
                        case "log":
                            if (args.TryGetValue("base", out var baseNode))
                            {
                                var bv = Numeric(baseNode);
                                return Zip(x, bv, static (p, q) => Math.Log(p) / Math.Log(q));
                            }
                            return Map(x, Math.Log);
                        case "log2": return Map(x, Math.Log2);
                        case "log10": return Map(x, Math.Log10);
                        case "log1p": return Map(x, Log1P);
                        case "exp": return Map(x, Math.Exp);
                        case "expm1": return Map(x, ExpM1);
                        case "sqrt": return Map(x, Math.Sqrt);
                        case "abs": return Map(x, Math.Abs);
                        default: throw Error(c, $"unknown function '{c.Function}'");
                    }
                }
            case FormulaFunctionKind.Scale:
                return Scale(c, args);
            case FormulaFunctionKind.GroupMean:
            case FormulaFunctionKind.Demean:
                return GroupMean(c, args, function.Kind == FormulaFunctionKind.Demean);
            case FormulaFunctionKind.Factor:
            case FormulaFunctionKind.Contrasts:
                throw Error(c, $"{c.Function}() makes a categorical variable, which cannot be used as a number here");
            case FormulaFunctionKind.Offset:
                throw Error(c, "offset() must be a term of its own, added with '+'");
            case FormulaFunctionKind.Binomial:
                throw Error(c, "cbind() is only allowed as the response");
            default:
                throw Error(c, $"cannot evaluate {c.Function}()");
        }
    }

    /// <summary>R's scale(x, center, scale): the mean and standard deviation over every row of the data where x
    /// is present (R evaluates the model frame before dropping incomplete rows).</summary>
    private Num Scale(CallNode c, IReadOnlyDictionary<string, FormulaNode> args)
    {
        var x = Materialize(Numeric(args["x"]));
        var all = _allRows is null ? x : _allRows.Materialize(_allRows.Numeric(args["x"]));
        double? center = ScaleOption(args, "center", () => NeumaierMean(all));
        double shift = center ?? 0;
        double? scale = ScaleOption(args, "scale", () =>
        {
            double sum = 0, comp = 0;
            int count = 0;
            foreach (double v in all)
            {
                if (double.IsNaN(v)) continue;
                double d = (v - shift) * (v - shift);
                double t = sum + d;
                comp += Math.Abs(sum) >= Math.Abs(d) ? (sum - t) + d : (d - t) + sum;
                sum = t;
                count++;
            }
            return Math.Sqrt((sum + comp) / Math.Max(1, count - 1));
        });
        double divisor = scale ?? 1;
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = (x[i] - shift) / divisor;
        return new Num(result);
    }

    private double? ScaleOption(IReadOnlyDictionary<string, FormulaNode> args, string name, Func<double> computed)
    {
        if (!args.TryGetValue(name, out var node)) return computed();
        return node switch
        {
            VariableNode { Name: "TRUE" or "T" } => computed(),
            VariableNode { Name: "FALSE" or "F" } => null,
            NumberNode n => n.Value,
            UnaryNode { Operator: UnaryOperator.Minus, Operand: NumberNode n } => -n.Value,
            _ => throw Error(node, $"{name} = is TRUE, FALSE or a number"),
        };
    }

    private static double NeumaierMean(double[] values)
    {
        double sum = 0, comp = 0;
        int count = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            double t = sum + v;
            comp += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
            count++;
        }
        return count == 0 ? double.NaN : (sum + comp) / count;
    }

    /// <summary>gmean(x, g): the mean of x over the evaluated rows of the same level of g (rows where x or g is
    /// missing get NaN, so the model drops them); demean(x, g) = x − gmean(x, g).</summary>
    private Num GroupMean(CallNode c, IReadOnlyDictionary<string, FormulaNode> args, bool demean)
    {
        var x = Materialize(Numeric(args["x"]));
        var g = Factor(args["g"]);
        int levels = g.Levels.Length;
        var sum = new double[levels];
        var comp = new double[levels];
        var count = new int[levels];
        for (int i = 0; i < x.Length; i++)
        {
            int k = g.Codes[i];
            double v = x[i];
            if (k < 0 || double.IsNaN(v)) continue;
            double s = sum[k];
            double t = s + v;
            comp[k] += Math.Abs(s) >= Math.Abs(v) ? (s - t) + v : (v - t) + s;
            sum[k] = t;
            count[k]++;
        }
        var mean = new double[levels];
        for (int k = 0; k < levels; k++) mean[k] = count[k] == 0 ? double.NaN : (sum[k] + comp[k]) / count[k];
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int k = g.Codes[i];
            result[i] = k < 0 || double.IsNaN(x[i]) ? double.NaN : demean ? x[i] - mean[k] : mean[k];
        }
        return new Num(result);
    }

    /// <summary>log(1 + x) accurate near 0 (Goldberg's correction of the rounding in 1 + x).</summary>
    private static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>exp(x) − 1 accurate near 0 (Kahan's correction).</summary>
    private static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1) return x;
        double um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    private Num Map(Num x, Func<double, double> f)
    {
        if (x.IsScalar) return new Num(f(x.Scalar));
        var a = x.Array!;
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = f(a[i]);
        return new Num(r);
    }

    private Num Zip(Num x, Num y, Func<double, double, double> f)
    {
        if (x.IsScalar && y.IsScalar) return new Num(f(x.Scalar, y.Scalar));
        var r = new double[RowCount];
        if (x.IsScalar)
        {
            var b = y.Array!;
            double s = x.Scalar;
            for (int i = 0; i < r.Length; i++) r[i] = f(s, b[i]);
        }
        else if (y.IsScalar)
        {
            var a = x.Array!;
            double s = y.Scalar;
            for (int i = 0; i < r.Length; i++) r[i] = f(a[i], s);
        }
        else
        {
            var a = x.Array!;
            var b = y.Array!;
            for (int i = 0; i < r.Length; i++) r[i] = f(a[i], b[i]);
        }
        return new Num(r);
    }
}
