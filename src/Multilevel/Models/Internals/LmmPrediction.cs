using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Models.Internals;

/// <summary>
/// Predictions of a fitted linear mixed model on new data. The new rows are appended to the training data and
/// the design is built on both with the same formula, so factors keep the training levels, reference levels and
/// contrasts; X of the new rows is then matched to the fit's columns by name, and grouping levels by label.
/// The response is not needed in the new data.
/// </summary>
internal static class LmmPrediction
{
    public static double[] Predict(MixedModelFit fit, Frame training, Frame newData, bool includeRandomEffects, NewLevels newLevels, DesignOptions options)
    {
        int nTrain = training.RowCount;
        int nNew = newData.RowCount;
        var responseColumns = ResponseColumns(fit.Design);
        var columns = new List<Column>();
        foreach (var col in training.Columns)
        {
            var other = newData.Find(col.Name);
            if (responseColumns.Contains(col.Name))
            {
                columns.Add(Append(col, new NumericColumn(col.Name, Enumerable.Repeat(1.0, nNew).ToArray())));
            }
            else if (other is not null)
            {
                columns.Add(Append(col, other));
            }
        }
        var combined = new Frame(columns);
        // prior weights do not enter predictions (and new data need not have them)
        var design = DesignBuilder.Build(fit.Formula, combined, options with { DropAliasedColumns = false, Weights = null });

        var result = new double[nNew];
        Array.Fill(result, double.NaN);
        var rowOfNew = new int[design.Observations];
        // design rows → position among the new rows (or −1 for training rows)
        for (int r = 0; r < design.Observations; r++) rowOfNew[r] = design.RowIndex[r] >= nTrain ? design.RowIndex[r] - nTrain : -1;

        // fixed effects by column name
        var names = design.X.ColumnNames.ToList();
        var beta = new double[names.Count];
        var fitNames = fit.FixedEffectNames;
        for (int j = 0; j < names.Count; j++)
        {
            int at = IndexOf(fitNames, names[j]);
            if (at >= 0)
            {
                beta[j] = fit.FixedEffects[at];
            }
            else if (!fit.AliasedColumns.Contains(names[j]))
            {
                // a column the fit never had: a new level of a fixed-effect factor, unless no new row uses it
                var col = design.X.Column(j);
                for (int r = 0; r < design.Observations; r++)
                {
                    if (rowOfNew[r] >= 0 && col[r] != 0)
                    {
                        throw new ModelSpecificationException(
                            $"the new data need the fixed-effects column '{names[j]}', which the fitted model does not have (a factor level unseen when fitting?)");
                    }
                }
            }
        }
        foreach (var fitName in fitNames)
        {
            if (IndexOf(names, fitName) < 0) throw new ModelSpecificationException($"the new data do not give the fixed-effects column '{fitName}'");
        }
        for (int r = 0; r < design.Observations; r++)
        {
            if (rowOfNew[r] < 0) continue;
            double s = design.Offset?[r] ?? 0;
            for (int j = 0; j < beta.Length; j++)
            {
                if (beta[j] != 0) s += design.X[r, j] * beta[j];
            }
            result[rowOfNew[r]] = s;
        }
        if (!includeRandomEffects) return result;

        // random effects: each fitted term, found in the new design by group and columns; levels by label
        var used = new bool[design.RandomEffects.Count];
        foreach (var modes in fit.ConditionalModes)
        {
            int t = -1;
            for (int i = 0; i < design.RandomEffects.Count; i++)
            {
                var term = design.RandomEffects[i];
                if (!used[i] && term.GroupName == modes.Group && term.ColumnNames.SequenceEqual(modes.ColumnNames))
                {
                    t = i;
                    break;
                }
            }
            if (t < 0) throw new ModelSpecificationException($"the random-effects term of '{modes.Group}' could not be rebuilt on the new data");
            used[t] = true;
            var newTerm = design.RandomEffects[t];
            var levelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int g = 0; g < modes.Levels.Count; g++) levelIndex[modes.Levels[g]] = g;
            var map = new int[newTerm.LevelCount];
            for (int g = 0; g < map.Length; g++) map[g] = levelIndex.TryGetValue(newTerm.Levels[g], out int at) ? at : -1;
            int q = modes.Q;
            var codes = newTerm.Codes;
            var z = newTerm.Z;
            for (int r = 0; r < design.Observations; r++)
            {
                if (rowOfNew[r] < 0) continue;
                int g = map[codes[r]];
                if (g < 0)
                {
                    if (newLevels == NewLevels.Error)
                    {
                        throw new ModelSpecificationException(
                            $"level '{newTerm.Levels[codes[r]]}' of grouping factor '{modes.Group}' (new-data row {rowOfNew[r] + 1}) was not in the fitted data; " +
                            "predict with new levels allowed (population prediction for that term) or drop the row");
                    }
                    continue;
                }
                var b = modes.Level(g);
                double s = 0;
                for (int c = 0; c < q; c++) s += z[r * q + c] * b[c];
                result[rowOfNew[r]] += s;
            }
        }
        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value) return i;
        }
        return -1;
    }

    /// <summary>The data columns the response expression reads.</summary>
    private static HashSet<string> ResponseColumns(ModelDesign design)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var node = design.Terms?.Formula.Response;
        if (node is null)
        {
            names.Add(design.Response.Name);
            return names;
        }
        void Walk(FormulaNode n)
        {
            switch (n)
            {
                case VariableNode v:
                    names.Add(v.Name);
                    break;
                case UnaryNode u:
                    Walk(u.Operand);
                    break;
                case BinaryNode b:
                    Walk(b.Left);
                    Walk(b.Right);
                    break;
                case CallNode c:
                    foreach (var a in c.Arguments) Walk(a.Value);
                    break;
            }
        }
        Walk(node);
        return names;
    }

    /// <summary>The rows of <paramref name="a"/> followed by those of <paramref name="b"/>, as <paramref name="a"/>'s type and levels.</summary>
    private static Column Append(Column a, Column b)
    {
        switch (a)
        {
            case NumericColumn na:
            {
                var values = new double[na.Length + b.Length];
                na.Values.CopyTo(values);
                for (int i = 0; i < b.Length; i++)
                {
                    values[na.Length + i] = b switch
                    {
                        NumericColumn nb => nb[i],
                        _ => b.FormatValue(i) is { } text && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
                            ? v
                            : b.IsMissing(i) ? double.NaN : throw new ModelSpecificationException($"column '{a.Name}' is numeric in the fitted data but row {i + 1} of the new data holds '{b.FormatValue(i)}'"),
                    };
                }
                return new NumericColumn(a.Name, values);
            }
            case CategoricalColumn ca:
            {
                var levels = ca.Levels.ToList();
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int g = 0; g < levels.Count; g++) index[levels[g]] = g;
                var codes = new int[ca.Length + b.Length];
                ca.Codes.CopyTo(codes);
                for (int i = 0; i < b.Length; i++)
                {
                    string? label = b.FormatValue(i);
                    if (label is null)
                    {
                        codes[ca.Length + i] = -1;
                        continue;
                    }
                    if (!index.TryGetValue(label, out int g))
                    {
                        g = levels.Count;
                        levels.Add(label);
                        index[label] = g;
                    }
                    codes[ca.Length + i] = g;
                }
                return new CategoricalColumn(a.Name, codes, levels);
            }
            default:
                throw new NotSupportedException($"column '{a.Name}' of type {a.GetType().Name}");
        }
    }
}
