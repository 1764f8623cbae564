using Multilevel.Data;
using Multilevel.Formulas;
using Multilevel.Numerics;

namespace Multilevel.Design;

/// <summary>
/// Builds the <see cref="ModelDesign"/> every model consumes, from formula text and a data frame. The steps
/// are public so that each can be called on its own (as lme4's <c>lFormula</c>):
/// <c>Formula.Parse</c> → <c>FormulaTerms.From</c> → <c>ModelFrame.Create</c> → <c>ModelMatrix.Build</c>
/// → <see cref="FixedEffects"/> (rank check) and <see cref="RandomEffects"/>.
/// </summary>
public static class DesignBuilder
{
    /// <summary>Parses the formula and builds the design on <paramref name="data"/>.</summary>
    /// <exception cref="FormulaException">The formula has a syntax error (usage error).</exception>
    /// <exception cref="UnknownFormulaColumnException">The formula names a column the data does not have.</exception>
    /// <exception cref="FormulaEvaluationException">The formula cannot be evaluated on the data (a categorical
    /// column used as a number, no rows left, infinite values ...).</exception>
    public static ModelDesign Build(string formula, Frame data, DesignOptions? options = null) =>
        Build(FormulaTerms.Parse(formula), data, options);

    /// <summary>Builds the design of an expanded formula on <paramref name="data"/>.</summary>
    public static ModelDesign Build(FormulaTerms terms, Frame data, DesignOptions? options = null) =>
        Build(ModelFrame.Create(terms, data, options));

    /// <summary>Builds the design from an evaluated model frame.</summary>
    public static ModelDesign Build(ModelFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var terms = frame.Terms;
        if (frame.Response is null)
        {
            throw new FormulaException(terms.Formula.Text, SourceSpan.At(0),
                "the formula has no response: write it as response ~ terms, e.g. y ~ x");
        }
        var messages = new List<string>(frame.Messages);
        var matrix = ModelMatrix.Build(terms.Fixed, frame);
        var (x, assign) = FixedEffects(matrix, frame.Options, messages, dropIntercept: terms.Absorbed.Count > 0);
        var random = RandomEffects(frame);
        var absorbed = terms.Absorbed.Select(a =>
        {
            var g = frame.Grouping(a.Name);
            return new AbsorbedFactor(a.Name, g.Levels, g.Codes);
        }).ToList();
        return new ModelDesign
        {
            FormulaText = terms.Formula.Text,
            Response = frame.Response,
            X = x,
            RandomEffects = random,
            Absorbed = absorbed,
            Weights = frame.Weights,
            Offset = frame.Offset,
            RowsInData = frame.RowsInData,
            RowIndex = frame.RowIndex,
            Messages = messages,
            Terms = terms,
            FixedTermLabels = matrix.TermLabels,
            Assign = assign,
        };
    }

    /// <summary>The fixed-effects matrix from a model matrix: with absorbed factors the intercept is dropped
    /// (fixest), then aliased columns are detected with R's pivoted QR rule and dropped (each named in
    /// <paramref name="messages"/>), unless the options keep them.</summary>
    /// <returns>The matrix and, per kept column, its term (R's assign).</returns>
    public static (FixedEffectsMatrix X, IReadOnlyList<int> Assign) FixedEffects(ModelMatrix matrix, DesignOptions options,
        IList<string> messages, bool dropIntercept = false)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(messages);
        int n = matrix.Rows;
        var keep = Enumerable.Range(0, matrix.Columns).ToList();
        if (dropIntercept && matrix.Columns > 0 && matrix.ColumnNames[0] == "(Intercept)") keep.RemoveAt(0);

        var aliasedNames = new List<string>();
        if (options.DropAliasedColumns && keep.Count > 0)
        {
            var values = keep.Count == matrix.Columns ? matrix.UnsafeValues : Select(matrix.UnsafeValues, n, keep);
            var rank = ColumnRank.Check(values, n, keep.Count, options.RankTolerance);
            if (rank.Aliased.Length > 0)
            {
                var aliased = new HashSet<int>(rank.Aliased.Select(j => keep[j]));
                aliasedNames.AddRange(rank.Aliased.Order().Select(j => matrix.ColumnNames[keep[j]]));
                keep = [.. keep.Where(j => !aliased.Contains(j))];
                messages.Add($"the fixed-effects model matrix is rank deficient: dropped {aliasedNames.Count} column" +
                    $"{(aliasedNames.Count > 1 ? "s" : "")} aliased with earlier columns ({string.Join(", ", aliasedNames)}); " +
                    "R reports NA for their coefficients");
            }
        }
        var data = keep.Count == matrix.Columns ? matrix.UnsafeValues : Select(matrix.UnsafeValues, n, keep);
        var x = new FixedEffectsMatrix(data, n, [.. keep.Select(j => matrix.ColumnNames[j])], aliasedNames);
        return (x, [.. keep.Select(j => matrix.Assign[j])]);
    }

    /// <summary>The random-effects terms: per term the model matrix of its left side (row-major) and the codes
    /// of its grouping factor, ordered as lme4 orders them (most levels first, stable).</summary>
    public static IReadOnlyList<ReTerm> RandomEffects(ModelFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var result = new List<ReTerm>();
        foreach (var spec in frame.Terms.RandomEffects)
        {
            var mm = ModelMatrix.Build(spec.Effects, frame);
            int n = mm.Rows, q = mm.Columns;
            var values = mm.UnsafeValues;
            var z = values; // one column: column-major is row-major
            if (q > 1)
            {
                // row by row: one sequential pass over z, reading the q columns side by side
                z = GC.AllocateUninitializedArray<double>(checked(n * q));
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < q; k++) z[i * q + k] = values[k * n + i];
                }
            }
            var g = frame.Grouping(spec.Grouping.Name);
            result.Add(new ReTerm(g.Name, g.Levels, g.Codes, mm.ColumnNames, z));
        }
        // lme4 (mkReTrms): order(nlevels, decreasing = TRUE), a stable sort
        return [.. result.Select((t, i) => (t, i)).OrderByDescending(p => p.t.LevelCount).ThenBy(p => p.i).Select(p => p.t)];
    }

    private static double[] Select(double[] values, int n, List<int> columns)
    {
        var result = new double[(long)n * columns.Count];
        for (int c = 0; c < columns.Count; c++) values.AsSpan(columns[c] * n, n).CopyTo(result.AsSpan(c * n, n));
        return result;
    }
}
