using Multilevel.Formulas;

namespace Multilevel.Design;

/// <summary>
/// R's <c>model.matrix</c> of a set of terms evaluated in a <see cref="ModelFrame"/>, before the rank check:
/// column-major values, R's column names, and R's <c>assign</c> (the term of each column, 0 = intercept).
/// </summary>
/// <remarks>
/// Coding follows R: a numeric variable gives one column; a factor gives contrasts (k − 1 columns) or
/// indicators (k columns) as <see cref="Term.Coding"/> says (R's TermCode), and without an intercept the
/// first factor of the first term that has one is coded by indicators. The columns of an interaction
/// are all products of its variables' columns with the first variable varying fastest
/// (<c>ap:bu, aq:bu, ap:bv …</c>), named by joining the parts with <c>:</c>.
/// </remarks>
public sealed class ModelMatrix
{
    private readonly double[] _values;

    private ModelMatrix(double[] values, int rows, string[] names, int[] assign, string[] termLabels)
    {
        _values = values;
        Rows = rows;
        ColumnNames = names;
        Assign = assign;
        TermLabels = termLabels;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns => ColumnNames.Count;

    /// <summary>R's column names.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>For each column, its term: 0 for the intercept, t for <c>TermLabels[t − 1]</c> (R's <c>assign</c>).</summary>
    public IReadOnlyList<int> Assign { get; }

    /// <summary>The labels of the terms, in order.</summary>
    public IReadOnlyList<string> TermLabels { get; }

    /// <summary>Column-major values.</summary>
    public ReadOnlySpan<double> Values => _values;

    internal double[] UnsafeValues => _values;

    private sealed class Piece
    {
        public required string[] Names { get; init; }

        public double[]? Numbers { get; init; }

        public int[]? Codes { get; init; }

        public double[]? Coding { get; init; } // levels × width, row-major

        public int Width => Names.Length;
    }

    /// <summary>Builds the model matrix of <paramref name="terms"/> on the rows of <paramref name="frame"/>.</summary>
    public static ModelMatrix Build(ModelTerms terms, ModelFrame frame)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(frame);
        int n = frame.Observations;
        string text = frame.Terms.Formula.Text;

        // R: without an intercept, the first factor (with more than one level) of the first term that has one
        // is coded by indicators.
        (int Term, int Variable) indicatorOverride = (-1, -1);
        if (!terms.HasIntercept)
        {
            for (int t = 0; t < terms.Terms.Count && indicatorOverride.Term < 0; t++)
            {
                foreach (int v in terms.Terms[t].Variables)
                {
                    if (frame.Variable(terms.Variables[v].Label) is FactorVariable { Levels.Count: > 1 })
                    {
                        indicatorOverride = (t, v);
                        break;
                    }
                }
            }
        }

        var termPieces = new List<Piece[]>(terms.Terms.Count);
        var names = new List<string>();
        var assign = new List<int>();
        if (terms.HasIntercept)
        {
            names.Add("(Intercept)");
            assign.Add(0);
        }
        for (int t = 0; t < terms.Terms.Count; t++)
        {
            var term = terms.Terms[t];
            var pieces = new Piece[term.Variables.Count];
            for (int k = 0; k < pieces.Length; k++)
            {
                int v = term.Variables[k];
                var variable = frame.Variable(terms.Variables[v].Label);
                bool indicators = term.Coding[k] == FactorCoding.Indicators || (t, v) == indicatorOverride;
                pieces[k] = MakePiece(variable, indicators, text);
            }
            termPieces.Add(pieces);
            int width = pieces.Aggregate(1, (w, p) => w * p.Width);
            var index = new int[pieces.Length];
            for (int c = 0; c < width; c++)
            {
                int rest = c;
                for (int k = 0; k < pieces.Length; k++)
                {
                    index[k] = rest % pieces[k].Width;
                    rest /= pieces[k].Width;
                }
                names.Add(string.Join(":", pieces.Select((p, k) => p.Names[index[k]])));
                assign.Add(t + 1);
            }
        }

        int p = names.Count;
        var x = new double[(long)n * p];
        int col = 0;
        if (terms.HasIntercept)
        {
            x.AsSpan(0, n).Fill(1);
            col = 1;
        }
        foreach (var pieces in termPieces)
        {
            col += Fill(x, n, col, pieces);
        }
        return new ModelMatrix(x, n, [.. names], [.. assign], [.. terms.Terms.Select(t => t.Label)]);
    }

    private static Piece MakePiece(EvaluatedVariable variable, bool indicators, string text)
    {
        switch (variable)
        {
            case NumericVariable nv:
                return new Piece { Names = [nv.Label], Numbers = nv.UnsafeValues };
            case FactorVariable fv:
                {
                    if (!indicators && fv.Levels.Count < 2)
                    {
                        throw new FormulaEvaluationException(text, fv.Node.Span,
                            $"{fv.Label} has a single level ('{(fv.Levels.Count == 1 ? fv.Levels[0] : "")}') in the rows used; " +
                            "contrasts need at least two levels (R: \"contrasts can be applied only to factors with 2 or more levels\")");
                    }
                    var (matrix, suffixes) = ContrastMatrix.Build(fv.Levels, indicators ? null : fv.Contrasts);
                    return new Piece { Names = [.. suffixes.Select(s => fv.Label + s)], Codes = fv.UnsafeCodes, Coding = matrix };
                }
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>Writes the columns of one term starting at column <paramref name="col"/>; returns how many.</summary>
    private static int Fill(double[] x, int n, int col, Piece[] pieces)
    {
        int width = pieces.Aggregate(1, (w, p) => w * p.Width);
        var factors = pieces.Where(p => p.Codes is not null).ToList();
        double[]? product = null;
        foreach (var p in pieces)
        {
            if (p.Numbers is null) continue;
            if (product is null) product = (double[])p.Numbers.Clone();
            else
            {
                for (int i = 0; i < n; i++) product[i] *= p.Numbers[i];
            }
        }
        if (factors.Count == 0)
        {
            product!.CopyTo(x.AsSpan(col * n, n));
            return 1;
        }
        if (factors.Count == 1)
        {
            // one factor (times numbers): scatter the non-zero entries of each row's coding row
            var f = factors[0];
            int w = f.Width;
            int levels = f.Coding!.Length / w;
            var nonzero = new (int Column, double Value)[levels][];
            for (int l = 0; l < levels; l++)
            {
                var list = new List<(int, double)>();
                for (int j = 0; j < w; j++)
                {
                    double v = f.Coding[l * w + j];
                    if (v != 0) list.Add((j, v));
                }
                nonzero[l] = [.. list];
            }
            var codes = f.Codes!;
            long baseOffset = (long)col * n;
            for (int i = 0; i < n; i++)
            {
                double scale = product is null ? 1 : product[i];
                foreach (var (j, v) in nonzero[codes[i]]) x[baseOffset + (long)j * n + i] = v * scale;
            }
            return width;
        }
        // several factors: column by column, products of the pieces (first piece varying fastest)
        var index = new int[pieces.Length];
        for (int c = 0; c < width; c++)
        {
            int rest = c;
            for (int k = 0; k < pieces.Length; k++)
            {
                index[k] = rest % pieces[k].Width;
                rest /= pieces[k].Width;
            }
            var target = x.AsSpan((col + c) * n, n);
            if (product is null) target.Fill(1);
            else product.CopyTo(target);
            for (int k = 0; k < pieces.Length; k++)
            {
                var p = pieces[k];
                if (p.Codes is null) continue;
                int w = p.Width;
                int j = index[k];
                var coding = p.Coding!;
                var codes = p.Codes;
                for (int i = 0; i < n; i++) target[i] *= coding[codes[i] * w + j];
            }
        }
        return width;
    }
}
