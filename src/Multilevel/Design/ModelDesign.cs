namespace Multilevel.Design;

/// <summary>
/// Everything a model needs from data and formula, evaluated on the rows used (rows with a missing value
/// in any used column are dropped and counted): response, fixed-effects matrix, random-effects terms in
/// lme4's order (most levels first, stable), absorbed fixed-effects factors, prior weights and offset.
/// </summary>
public sealed record ModelDesign
{
    /// <summary>The formula text as given.</summary>
    public required string FormulaText { get; init; }

    /// <summary>The response.</summary>
    public required Response Response { get; init; }

    /// <summary>The fixed-effects matrix X.</summary>
    public required FixedEffectsMatrix X { get; init; }

    /// <summary>Random-effects terms, most levels first (lme4's order; θ follows it).</summary>
    public IReadOnlyList<ReTerm> RandomEffects { get; init; } = [];

    /// <summary>Factors absorbed after <c>|</c> in fixest syntax (<c>y ~ x | g1 + g2</c>).</summary>
    public IReadOnlyList<AbsorbedFactor> Absorbed { get; init; } = [];

    /// <summary>Prior weights per used row, or null (all 1).</summary>
    public double[]? Weights { get; init; }

    /// <summary>Offset per used row (sum of <c>offset()</c> terms), or null.</summary>
    public double[]? Offset { get; init; }

    /// <summary>Rows in the data before dropping.</summary>
    public required int RowsInData { get; init; }

    /// <summary>For each used row, its 0-based row in the data.</summary>
    public required int[] RowIndex { get; init; }

    /// <summary>Number of rows dropped for missing values.</summary>
    public int RowsDropped => RowsInData - RowIndex.Length;

    /// <summary>Number of observations used.</summary>
    public int Observations => RowIndex.Length;

    /// <summary>Messages produced while building the design (aliased columns dropped, rows dropped ...).</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>The expanded formula the design was built from (terms, variables, random-effects terms as
    /// written), or null for a design assembled by hand.</summary>
    public Formulas.FormulaTerms? Terms { get; init; }

    /// <summary>Labels of the fixed-effects terms in R's order (<c>attr(terms, "term.labels")</c>).</summary>
    public IReadOnlyList<string> FixedTermLabels { get; init; } = [];

    /// <summary>For each column of <see cref="X"/> (after dropping aliased columns), its term: 0 for the
    /// intercept, t for <c>FixedTermLabels[t − 1]</c> (R's <c>attr(model.matrix, "assign")</c>). Empty for a
    /// design assembled by hand.</summary>
    public IReadOnlyList<int> Assign { get; init; } = [];
}

/// <summary>A factor absorbed as fixed effects: per used row the level index.</summary>
/// <param name="Name">Factor name as written.</param>
/// <param name="Levels">Levels present in the used rows.</param>
/// <param name="Codes">Level index per used row.</param>
public sealed record AbsorbedFactor(string Name, IReadOnlyList<string> Levels, int[] Codes);
