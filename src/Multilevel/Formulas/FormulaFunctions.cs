namespace Multilevel.Formulas;

/// <summary>What a formula function does.</summary>
public enum FormulaFunctionKind
{
    /// <summary>A numeric function of numbers: <c>log</c>, <c>exp</c>, <c>sqrt</c>, <c>abs</c> ...</summary>
    Arithmetic,

    /// <summary><c>I(expr)</c>: the expression is arithmetic, taken as is.</summary>
    AsIs,

    /// <summary><c>scale(x)</c>: centre and scale by the standard deviation (over the rows where x is present, as R).</summary>
    Scale,

    /// <summary><c>factor(x)</c>, <c>as.factor(x)</c>: treat as categorical.</summary>
    Factor,

    /// <summary><c>C(f, contrasts, base = …)</c>: a factor with given contrasts or reference level.</summary>
    Contrasts,

    /// <summary><c>offset(x)</c>: a term with coefficient fixed at 1.</summary>
    Offset,

    /// <summary><c>gmean(x, g)</c>: the mean of x within each level of g.</summary>
    GroupMean,

    /// <summary><c>demean(x, g)</c>: x minus its mean within each level of g.</summary>
    Demean,

    /// <summary><c>cbind(successes, failures)</c>: a binomial response.</summary>
    Binomial,
}

/// <summary>A function the formula language knows.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Kind">What it does.</param>
/// <param name="MinArguments">Fewest arguments.</param>
/// <param name="MaxArguments">Most arguments.</param>
/// <param name="Parameters">Parameter names in positional order (named arguments must use these).</param>
/// <param name="Usage">How to call it, for error messages.</param>
public sealed record FormulaFunction(string Name, FormulaFunctionKind Kind, int MinArguments, int MaxArguments,
    IReadOnlyList<string> Parameters, string Usage);

/// <summary>The functions the formula language knows (R's names and meanings).</summary>
public static class FormulaFunctions
{
    private static readonly FormulaFunction[] Table =
    [
        new("I", FormulaFunctionKind.AsIs, 1, 1, ["x"], "I(expression), e.g. I(age^2)"),
        new("log", FormulaFunctionKind.Arithmetic, 1, 2, ["x", "base"], "log(x) or log(x, base)"),
        new("log2", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "log2(x)"),
        new("log10", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "log10(x)"),
        new("log1p", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "log1p(x)"),
        new("exp", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "exp(x)"),
        new("expm1", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "expm1(x)"),
        new("sqrt", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "sqrt(x)"),
        new("abs", FormulaFunctionKind.Arithmetic, 1, 1, ["x"], "abs(x)"),
        new("scale", FormulaFunctionKind.Scale, 1, 3, ["x", "center", "scale"], "scale(x), scale(x, center = FALSE) or scale(x, scale = FALSE)"),
        new("factor", FormulaFunctionKind.Factor, 1, 1, ["x"], "factor(x)"),
        new("as.factor", FormulaFunctionKind.Factor, 1, 1, ["x"], "as.factor(x)"),
        new("C", FormulaFunctionKind.Contrasts, 2, 3, ["object", "contr", "base"],
            "C(f, sum), C(f, treatment), C(f, base = 2) or C(f, base = \"level\")"),
        new("offset", FormulaFunctionKind.Offset, 1, 1, ["object"], "offset(x)"),
        new("gmean", FormulaFunctionKind.GroupMean, 2, 2, ["x", "g"], "gmean(x, g)"),
        new("demean", FormulaFunctionKind.Demean, 2, 2, ["x", "g"], "demean(x, g)"),
        new("cbind", FormulaFunctionKind.Binomial, 2, 2, ["successes", "failures"], "cbind(successes, failures)"),
    ];

    private static readonly Dictionary<string, FormulaFunction> ByName = Table.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every known function.</summary>
    public static IReadOnlyList<FormulaFunction> All => Table;

    /// <summary>The function of this name, or null.</summary>
    public static FormulaFunction? Find(string name) => ByName.GetValueOrDefault(name);
}
