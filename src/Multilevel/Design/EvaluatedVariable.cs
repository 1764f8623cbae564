using Multilevel.Formulas;

namespace Multilevel.Design;

/// <summary>How a factor is coded when it gets k − 1 columns: the contrasts and, for treatment contrasts,
/// the reference level.</summary>
/// <param name="Kind">Treatment or sum contrasts.</param>
/// <param name="BaseLevel">0-based index of the reference level (treatment contrasts).</param>
/// <param name="NameByIndex">Name the columns by level number instead of level label, as R does for
/// <c>C(f, base = 2)</c> (<c>C(f, base = 2)1</c>, <c>C(f, base = 2)3</c>).</param>
public sealed record FactorContrasts(ContrastKind Kind, int BaseLevel = 0, bool NameByIndex = false)
{
    /// <summary>R's default: treatment contrasts against the first level.</summary>
    public static FactorContrasts Treatment { get; } = new(ContrastKind.Treatment);

    /// <summary>R's <c>contr.sum</c>.</summary>
    public static FactorContrasts Sum { get; } = new(ContrastKind.Sum);
}

/// <summary>A variable of the model evaluated on the rows used: numeric or a factor.</summary>
public abstract class EvaluatedVariable
{
    private protected EvaluatedVariable(string label, FormulaNode node)
    {
        Label = label;
        Node = node;
    }

    /// <summary>The canonical text (R's deparse), the prefix of its column names.</summary>
    public string Label { get; }

    /// <summary>The expression in the formula.</summary>
    public FormulaNode Node { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Rows { get; }
}

/// <summary>A numeric variable: one value per used row.</summary>
public sealed class NumericVariable : EvaluatedVariable
{
    private readonly double[] _values;

    internal NumericVariable(string label, FormulaNode node, double[] values) : base(label, node) => _values = values;

    /// <summary>The values.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <inheritdoc />
    public override int Rows => _values.Length;

    internal double[] UnsafeValues => _values;
}

/// <summary>A factor: a level index per used row, the levels (only those present, unless the options keep
/// empty ones) and its contrasts.</summary>
public sealed class FactorVariable : EvaluatedVariable
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    internal FactorVariable(string label, FormulaNode node, int[] codes, string[] levels, FactorContrasts contrasts)
        : base(label, node)
    {
        _codes = codes;
        _levels = levels;
        Contrasts = contrasts;
    }

    /// <summary>Level index per row.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The levels in order (the first is the reference of treatment contrasts).</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>Contrasts used when the factor is coded with k − 1 columns.</summary>
    public FactorContrasts Contrasts { get; }

    /// <inheritdoc />
    public override int Rows => _codes.Length;

    internal int[] UnsafeCodes => _codes;

    internal string[] UnsafeLevels => _levels;
}
