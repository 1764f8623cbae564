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
        if ((long)n * p > Array.MaxLength)
        {
            throw new ModelSpecificationException(
                $"the model matrix would have {n:N0} rows × {p:N0} columns, more values than one array can hold; " +
                "absorb large factors instead of dummy-coding them (y ~ x | g) or use fewer rows");
        }
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

    /// <summary>Writes the columns of one term starting at column <paramref name="col"/>; returns how many.
    /// The array is freshly allocated (zeros), so only non-zero products are written: per row, the numeric
    /// variables' product times every combination of the non-zero entries of the factors' coding rows (one
    /// combination per row for treatment contrasts and indicators).</summary>
    private static int Fill(double[] x, int n, int col, Piece[] pieces)
    {
        int width = pieces.Aggregate(1, (w, p) => w * p.Width);
        var numeric = pieces.Where(p => p.Numbers is not null).Select(p => p.Numbers!).ToArray();
        var target = x.AsSpan(col * n, n);
        if (numeric.Length == pieces.Length)
        {
            numeric[0].CopyTo(target);
            for (int k = 1; k < numeric.Length; k++)
            {
                var v = numeric[k];
                for (int i = 0; i < n; i++) target[i] *= v[i];
            }
            return 1;
        }
        // factors: per level, the non-zero entries of its coding row as (column offset within the term, value)
        var factorIndex = new List<int>();
        int stride = 1;
        var strides = new int[pieces.Length];
        for (int k = 0; k < pieces.Length; k++)
        {
            strides[k] = stride;
            stride *= pieces[k].Width;
            if (pieces[k].Codes is not null) factorIndex.Add(k);
        }
        int nf = factorIndex.Count;
        var codes = new int[nf][];
        var nonzero = new (long Offset, double Value)[nf][][];
        for (int f = 0; f < nf; f++)
        {
            var piece = pieces[factorIndex[f]];
            int w = piece.Width;
            int levels = piece.Coding!.Length / w;
            codes[f] = piece.Codes!;
            nonzero[f] = new (long, double)[levels][];
            for (int l = 0; l < levels; l++)
            {
                var list = new List<(long, double)>();
                for (int j = 0; j < w; j++)
                {
                    double v = piece.Coding[l * w + j];
                    if (v != 0) list.Add(((long)j * strides[factorIndex[f]] * n, v));
                }
                nonzero[f][l] = [.. list];
            }
        }
        long baseOffset = (long)col * n;
        if (nf == 1)
        {
            var c0 = codes[0];
            var nz0 = nonzero[0];
            for (int i = 0; i < n; i++)
            {
                double scale = 1;
                foreach (var v in numeric) scale *= v[i];
                foreach (var (offset, value) in nz0[c0[i]]) x[baseOffset + offset + i] = value * scale;
            }
            return width;
        }
        var position = new int[nf];
        var rows = new (long Offset, double Value)[nf][];
        for (int i = 0; i < n; i++)
        {
            double scale = 1;
            foreach (var v in numeric) scale *= v[i];
            // odometer over the combinations of the factors' non-zero entries
            bool empty = false;
            for (int f = 0; f < nf; f++)
            {
                rows[f] = nonzero[f][codes[f][i]];
                position[f] = 0;
                if (rows[f].Length == 0) empty = true;
            }
            if (empty) continue;
            while (true)
            {
                long offset = 0;
                double value = scale;
                for (int f = 0; f < nf; f++)
                {
                    var (o, v) = rows[f][position[f]];
                    offset += o;
                    value *= v;
                }
                x[baseOffset + offset + i] = value;
                int d = 0;
                while (d < nf && ++position[d] == rows[d].Length)
                {
                    position[d] = 0;
                    d++;
                }
                if (d == nf) break;
            }
        }
        return width;
    }
}
