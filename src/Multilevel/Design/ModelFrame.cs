using Multilevel.Data;
using Multilevel.Design.Internals;
using Multilevel.Formulas;

namespace Multilevel.Design;

/// <summary>A grouping factor evaluated on the rows used: a level index per row and the levels present,
/// in lme4's order (a categorical column keeps its level order; numbers sort numerically; an interaction
/// <c>a:b</c> has levels <c>a1:b1</c>, <c>a1:b2</c>, … with the first factor varying slowest).</summary>
/// <param name="Name">lme4's name of the grouping factor.</param>
/// <param name="Codes">Level index per used row.</param>
/// <param name="Levels">The levels.</param>
public sealed record GroupingLevels(string Name, int[] Codes, IReadOnlyList<string> Levels);

/// <summary>
/// The rows of the data a model uses, and every variable of the formula evaluated on them (R's
/// <c>model.frame</c> with <c>na.action = na.omit</c> and <c>drop.unused.levels = TRUE</c>). A row is
/// dropped when any variable the formula uses is missing there — the response, variables of fixed and
/// random terms, grouping factors, absorbed factors, offsets, weights — or when an expression is
/// undefined there (log of a negative number). The count is kept in <see cref="RowsDropped"/> and
/// explained in <see cref="Messages"/>: nothing is dropped silently.
/// </summary>
public sealed class ModelFrame
{
    private readonly Dictionary<string, EvaluatedVariable> _variables;
    private readonly Dictionary<string, GroupingLevels> _groupings;

    private ModelFrame(FormulaTerms terms, int rowsInData, int[] rowIndex, Response? response, double[]? weights, double[]? offset,
        Dictionary<string, EvaluatedVariable> variables, Dictionary<string, GroupingLevels> groupings,
        IReadOnlyDictionary<string, int> missing, IReadOnlyList<string> messages, DesignOptions options)
    {
        Terms = terms;
        RowsInData = rowsInData;
        RowIndex = rowIndex;
        Response = response;
        Weights = weights;
        Offset = offset;
        _variables = variables;
        _groupings = groupings;
        MissingByVariable = missing;
        Messages = messages;
        Options = options;
    }

    /// <summary>The expanded formula.</summary>
    public FormulaTerms Terms { get; }

    /// <summary>The options used.</summary>
    public DesignOptions Options { get; }

    /// <summary>Rows in the data.</summary>
    public int RowsInData { get; }

    /// <summary>For each used row, its 0-based row in the data.</summary>
    public int[] RowIndex { get; }

    /// <summary>Number of rows used.</summary>
    public int Observations => RowIndex.Length;

    /// <summary>Rows dropped for missing or undefined values.</summary>
    public int RowsDropped => RowsInData - RowIndex.Length;

    /// <summary>For each data column the formula uses, how many rows miss it (a row may miss several); for an
    /// expression, how many more rows it leaves undefined where its columns are present (log of a negative number).</summary>
    public IReadOnlyDictionary<string, int> MissingByVariable { get; }

    /// <summary>What was done: rows dropped and why, factor levels dropped, notes from the term expansion.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The response, or null for a one-sided formula.</summary>
    public Response? Response { get; }

    /// <summary>Prior weights per used row (option <see cref="DesignOptions.Weights"/>), or null.</summary>
    public double[]? Weights { get; }

    /// <summary>Sum of the offsets per used row, or null when there is none.</summary>
    public double[]? Offset { get; }

    /// <summary>A variable of a fixed or random-effects term, by its label (<c>ses</c>, <c>log(x)</c>, <c>factor(g)</c>).</summary>
    public EvaluatedVariable Variable(string label) =>
        _variables.TryGetValue(label, out var v) ? v : throw new KeyNotFoundException($"'{label}' is not a variable of the formula");

    /// <summary>All evaluated term variables.</summary>
    public IReadOnlyCollection<EvaluatedVariable> Variables => _variables.Values;

    /// <summary>A grouping factor (random-effects or absorbed), by its name (<c>Subject</c>, <c>cask:batch</c>).</summary>
    public GroupingLevels Grouping(string name) =>
        _groupings.TryGetValue(name, out var g) ? g : throw new KeyNotFoundException($"'{name}' is not a grouping factor of the formula");

    /// <summary>Parses and expands <paramref name="formula"/> and evaluates it on <paramref name="data"/>.</summary>
    public static ModelFrame Create(string formula, Frame data, DesignOptions? options = null) =>
        Create(FormulaTerms.Parse(formula), data, options);

    /// <summary>Evaluates the expanded formula on <paramref name="data"/>.</summary>
    public static ModelFrame Create(FormulaTerms terms, Frame data, DesignOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(data);
        return new Builder(terms, data, options ?? DesignOptions.Default).Build();
    }

    private enum Mode
    {
        Term,
        Factor,
        Numeric,
    }

    private sealed class Job(Mode mode, string label, FormulaNode node)
    {
        public Mode Mode { get; } = mode;

        public string Label { get; } = label;

        public FormulaNode Node { get; } = node;

        public object? Value { get; set; }
    }

    private sealed class Builder(FormulaTerms terms, Frame data, DesignOptions options)
    {
        private readonly string _text = terms.Formula.Text;
        private readonly Dictionary<(Mode, string), Job> _jobs = [];
        private readonly List<string> _messages = [];

        private Job Add(Mode mode, string label, FormulaNode node)
        {
            if (!_jobs.TryGetValue((mode, label), out var job))
            {
                job = new Job(mode, label, node);
                _jobs[(mode, label)] = job;
            }
            return job;
        }

        public ModelFrame Build()
        {
            int n = data.RowCount;
            var fixedTerms = terms.Fixed;
            _messages.AddRange(fixedTerms.Messages);

            // what to evaluate
            for (int i = 0; i < fixedTerms.Variables.Count; i++)
            {
                if (i == fixedTerms.ResponseIndex) continue;
                var v = fixedTerms.Variables[i];
                if (v.Node is CallNode { Function: "offset" }) continue;
                Add(Mode.Term, v.Label, v.Node);
            }
            var offsetJobs = fixedTerms.Offsets.Select(o => Add(Mode.Numeric, o.Label, ((CallNode)o.Node).Arguments[0].Value)).ToList();
            foreach (var spec in terms.RandomEffects)
            {
                foreach (var v in spec.Effects.Variables) Add(Mode.Term, v.Label, v.Node);
            }
            var groupings = terms.RandomEffects.Select(s => s.Grouping).Concat(terms.Absorbed).ToList();
            foreach (var g in groupings)
            {
                foreach (var f in g.Factors) Add(Mode.Factor, FormulaPrinter.Print(f), f);
            }
            Job? weightsJob = options.Weights is { } w ? Add(Mode.Numeric, $"(weights) {w}", OptionColumn(w)) : null;
            Job? offsetOptionJob = options.Offset is { } o2 ? Add(Mode.Numeric, $"(offset) {o2}", OptionColumn(o2)) : null;

            // 1. evaluate on all rows and find the rows with a missing or undefined value: first the missing values of
            //    the data columns the formula uses, then values the expressions leave undefined (log of a negative ...)
            var all = new Evaluator(data, _text, null);
            var missing = new bool[n];
            var missingCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            var columns = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var job in _jobs.Values) CollectColumns(job.Node, columns);
            if (fixedTerms.Response is { } resp) CollectColumns(resp.Node, columns);
            foreach (var name in columns)
            {
                int count = MarkMissingColumn(data[name], missing);
                if (count > 0) missingCounts[name] = count;
            }
            var undefinedCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var job in _jobs.Values)
            {
                job.Value = Evaluate(all, job);
                // a bare column (or factor of one) is missing exactly where the column is: already marked
                bool bare = job.Node is VariableNode || job.Node is CallNode { Function: "factor" or "as.factor" or "C", Arguments: [{ Value: VariableNode }, ..] };
                if (bare) continue;
                int count = MarkMissing(job.Value, missing, job);
                if (count > 0) undefinedCounts[job.Label] = count;
            }
            ResponseValue? response = null;
            if (fixedTerms.Response is not null)
            {
                response = EvaluateResponse(all, fixedTerms.Response!);
                int count = 0;
                foreach (var part in response.Parts) count += MarkMissing(part, missing, null);
                if (count > 0) undefinedCounts[fixedTerms.Response!.Label] = count;
            }
            foreach (var (label, count) in undefinedCounts) missingCounts[label] = count;
            int kept = 0;
            for (int i = 0; i < n; i++)
            {
                if (!missing[i]) kept++;
            }
            if (kept == 0)
            {
                string why = missingCounts.Count == 0
                    ? "the data has no rows"
                    : "every row has a missing or undefined value in one of: " +
                      string.Join(", ", missingCounts.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ({p.Value} rows)"));
                throw new FormulaEvaluationException(_text, new SourceSpan(0, _text.Length), $"no rows left to fit: {why}");
            }
            var rowIndex = new int[kept];
            for (int i = 0, j = 0; i < n; i++)
            {
                if (!missing[i]) rowIndex[j++] = i;
            }
            int dropped = n - kept;
            if (dropped > 0)
            {
                var byColumn = missingCounts.Where(p => !undefinedCounts.ContainsKey(p.Key)).OrderByDescending(p => p.Value);
                string text = $"{dropped} of {n} rows dropped for missing values";
                if (byColumn.Any()) text += " (" + string.Join(", ", byColumn.Select(p => $"{p.Key}: {p.Value}")) + ")";
                if (undefinedCounts.Count > 0)
                {
                    text += "; undefined values where the data is present: " +
                        string.Join(", ", undefinedCounts.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}"));
                }
                _messages.Insert(0, text);
            }

            // 2. restrict to the rows used (gmean()/demean() are recomputed on them)
            if (dropped > 0)
            {
                var used = new Evaluator(all, rowIndex);
                foreach (var job in _jobs.Values)
                {
                    job.Value = Evaluator.DependsOnRows(job.Node) ? Evaluate(used, job) : Restrict(job.Value!, rowIndex);
                }
                if (response is not null)
                {
                    response = Evaluator.DependsOnRows(fixedTerms.Response!.Node)
                        ? EvaluateResponse(used, fixedTerms.Response!)
                        : response.Restrict(rowIndex);
                }
            }

            // 3. factors: drop unused levels, resolve contrasts; groupings
            var variables = new Dictionary<string, EvaluatedVariable>(StringComparer.Ordinal);
            foreach (var job in _jobs.Values.Where(j => j.Mode == Mode.Term))
            {
                variables[job.Label] = job.Value switch
                {
                    double[] values => new NumericVariable(job.Label, job.Node, values),
                    FactorValue f => MakeFactor(job, f),
                    _ => throw new InvalidOperationException(),
                };
            }
            var groupingLevels = new Dictionary<string, GroupingLevels>(StringComparer.Ordinal);
            foreach (var g in groupings)
            {
                if (groupingLevels.ContainsKey(g.Name)) continue;
                var parts = g.Factors.Select(f => (FactorValue)_jobs[(Mode.Factor, FormulaPrinter.Print(f))].Value!)
                    .Select(f => (f.Codes, f.Levels)).ToList();
                var (codes, levels) = FactorCodes.Interaction(parts);
                groupingLevels[g.Name] = new GroupingLevels(g.Name, codes, levels);
            }
            double[]? offset = null;
            foreach (var job in offsetJobs.Append(offsetOptionJob))
            {
                if (job is null) continue;
                var values = (double[])job.Value!;
                if (offset is null) offset = (double[])values.Clone();
                else
                {
                    for (int i = 0; i < offset.Length; i++) offset[i] += values[i];
                }
            }
            double[]? weights = null;
            if (weightsJob is not null)
            {
                weights = (double[])((double[])weightsJob.Value!).Clone(); // the caller owns it; never share the data's array
                for (int i = 0; i < weights.Length; i++)
                {
                    if (weights[i] < 0)
                    {
                        throw new ModelSpecificationException(
                            $"weights column '{options.Weights}' has a negative value ({weights[i]}) in row {rowIndex[i] + 1}; prior weights must be ≥ 0");
                    }
                }
            }
            Response? finalResponse = response is null ? null : FinishResponse(response, fixedTerms.Response!);
            return new ModelFrame(terms, n, rowIndex, finalResponse, weights, offset, variables, groupingLevels,
                missingCounts, _messages, options);
        }

        private VariableNode OptionColumn(string name)
        {
            if (!data.Contains(name)) throw new UnknownColumnException(name, [.. data.ColumnNames]);
            return new VariableNode(name);
        }

        private object Evaluate(Evaluator ev, Job job)
        {
            object value = job.Mode switch
            {
                Mode.Term => ev.Variable(job.Node),
                Mode.Factor => ev.Factor(job.Node),
                Mode.Numeric => ev.Materialize(ev.Numeric(job.Node)),
                _ => throw new InvalidOperationException(),
            };
            if (value is double[] numbers) CheckFinite(numbers, job.Node, job.Label, ev);
            return value;
        }

        private void CheckFinite(double[] values, FormulaNode node, string label, Evaluator ev)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsInfinity(values[i]))
                {
                    throw new FormulaEvaluationException(_text, node.Span,
                        $"{label} is {(values[i] > 0 ? "Inf" : "-Inf")} in row {i + 1} of the data" +
                        (ev.RowCount == data.RowCount ? "" : " used") + "; a model needs finite values (check for zeros under log or division)");
                }
            }
        }

        /// <summary>The data columns an expression reads.</summary>
        private void CollectColumns(FormulaNode node, SortedSet<string> columns)
        {
            switch (node)
            {
                case VariableNode v when data.Contains(v.Name):
                    columns.Add(v.Name);
                    break;
                case UnaryNode u:
                    CollectColumns(u.Operand, columns);
                    break;
                case BinaryNode b:
                    CollectColumns(b.Left, columns);
                    CollectColumns(b.Right, columns);
                    break;
                case CallNode c:
                    // C(f, sum): 'sum' names contrasts, not a column
                    foreach (var a in c.Function == "C" ? c.Arguments.Take(1) : c.Arguments) CollectColumns(a.Value, columns);
                    break;
            }
        }

        /// <summary>Marks the rows where a data column is missing; returns how many it misses.</summary>
        private static int MarkMissingColumn(Column column, bool[] missing)
        {
            int count = 0;
            switch (column)
            {
                case NumericColumn nc:
                    {
                        var values = nc.Values;
                        for (int i = 0; i < values.Length; i++)
                        {
                            if (double.IsNaN(values[i]))
                            {
                                missing[i] = true;
                                count++;
                            }
                        }
                        break;
                    }
                case CategoricalColumn cc:
                    {
                        var codes = cc.Codes;
                        for (int i = 0; i < codes.Length; i++)
                        {
                            if (codes[i] < 0)
                            {
                                missing[i] = true;
                                count++;
                            }
                        }
                        break;
                    }
                default:
                    for (int i = 0; i < column.Length; i++)
                    {
                        if (column.IsMissing(i))
                        {
                            missing[i] = true;
                            count++;
                        }
                    }
                    break;
            }
            return count;
        }

        /// <summary>Marks the rows where the value is missing; returns how many were not marked before.</summary>
        private static int MarkMissing(object value, bool[] missing, Job? job)
        {
            int count = 0;
            switch (value)
            {
                case double[] values:
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (double.IsNaN(values[i]) && !missing[i])
                        {
                            missing[i] = true;
                            count++;
                        }
                    }
                    break;
                case FactorValue f:
                    for (int i = 0; i < f.Codes.Length; i++)
                    {
                        if (f.Codes[i] < 0 && !missing[i])
                        {
                            missing[i] = true;
                            count++;
                        }
                    }
                    break;
                default:
                    throw new InvalidOperationException($"unexpected value for {job?.Label}");
            }
            return count;
        }

        private static object Restrict(object value, int[] rows) => value switch
        {
            double[] values => FactorCodes.Gather(values, rows),
            FactorValue f => f with { Codes = FactorCodes.Gather(f.Codes, rows) },
            _ => throw new InvalidOperationException(),
        };

        private FactorVariable MakeFactor(Job job, FactorValue f)
        {
            var codes = f.Codes;
            var levels = f.Levels;
            if (options.DropUnusedLevels)
            {
                string[] droppedLevels;
                (codes, levels, droppedLevels) = FactorCodes.DropUnused(codes, levels);
                if (droppedLevels.Length > 0)
                {
                    _messages.Add($"factor {job.Label}: level{(droppedLevels.Length > 1 ? "s" : "")} " +
                        string.Join(", ", droppedLevels.Take(10).Select(l => $"'{l}'")) + (droppedLevels.Length > 10 ? ", …" : "") +
                        " have no rows in the data used and were dropped");
                }
            }
            return new FactorVariable(job.Label, job.Node, codes, levels, ResolveContrasts(f.Contrasts, levels, job));
        }

        private FactorContrasts ResolveContrasts(ContrastRequest? request, string[] levels, Job job)
        {
            if (request is null) return options.Contrasts == ContrastKind.Sum ? FactorContrasts.Sum : FactorContrasts.Treatment;
            if (request.Kind == ContrastKind.Sum) return FactorContrasts.Sum;
            if (request.BaseNumber is int b)
            {
                if (b > levels.Length)
                {
                    throw new FormulaEvaluationException(_text, request.Span,
                        $"base = {b}, but {job.Label} has {levels.Length} levels in the data used");
                }
                return new FactorContrasts(ContrastKind.Treatment, b - 1, NameByIndex: true);
            }
            if (request.BaseName is string name)
            {
                int index = Array.IndexOf(levels, name);
                if (index < 0)
                {
                    throw new FormulaEvaluationException(_text, request.Span,
                        $"'{name}' is not a level of {job.Label} in the data used; levels: {string.Join(", ", levels.Take(20))}");
                }
                return new FactorContrasts(ContrastKind.Treatment, index);
            }
            return FactorContrasts.Treatment;
        }

        private sealed class ResponseValue(string label, object[] parts)
        {
            public string Label { get; } = label;

            /// <summary>One numeric array; or cbind's two arrays; or a factor.</summary>
            public object[] Parts { get; } = parts;

            public ResponseValue Restrict(int[] rows) => new(Label, [.. Parts.Select(p => Builder.Restrict(p, rows))]);
        }

        private ResponseValue EvaluateResponse(Evaluator ev, TermVariable response)
        {
            var node = response.Node;
            if (node is CallNode { Function: "cbind" } c)
            {
                if (options.Response == ResponseKind.Numeric)
                {
                    throw new FormulaEvaluationException(_text, c.Span,
                        "cbind(successes, failures) is a binomial response; fit it with a binomial family");
                }
                var args = FormulaFunctionArguments.Bind(c, _text);
                var s = ev.Materialize(ev.Numeric(args["successes"]));
                var f = ev.Materialize(ev.Numeric(args["failures"]));
                CheckFinite(s, args["successes"], FormulaPrinter.Print(args["successes"]), ev);
                CheckFinite(f, args["failures"], FormulaPrinter.Print(args["failures"]), ev);
                return new ResponseValue(response.Label, [s, f]);
            }
            var value = ev.Variable(node);
            if (value is FactorValue factor)
            {
                if (options.Response == ResponseKind.Numeric)
                {
                    throw new FormulaEvaluationException(_text, node.Span,
                        $"the response {response.Label} is categorical; this model needs a numeric response " +
                        "(a two-level factor is a binomial response: use a binomial family)");
                }
                return new ResponseValue(response.Label, [factor]);
            }
            var numbers = (double[])value;
            CheckFinite(numbers, node, response.Label, ev);
            return new ResponseValue(response.Label, [numbers]);
        }

        private Response FinishResponse(ResponseValue value, TermVariable response)
        {
            switch (value.Parts)
            {
                case [double[] s, double[] f]:
                    {
                        var trials = new double[s.Length];
                        var proportion = new double[s.Length];
                        for (int i = 0; i < s.Length; i++)
                        {
                            trials[i] = s[i] + f[i];
                            proportion[i] = trials[i] == 0 ? 0 : s[i] / trials[i];
                        }
                        return new Response(value.Label, proportion, trials);
                    }
                case [FactorValue factor]:
                    {
                        var (codes, levels, _) = FactorCodes.DropUnused(factor.Codes, factor.Levels);
                        if (levels.Length < 2)
                        {
                            throw new FormulaEvaluationException(_text, response.Node.Span,
                                $"the response {response.Label} has a single level ('{(levels.Length == 1 ? levels[0] : "")}') in the data used");
                        }
                        if (levels.Length > 2)
                        {
                            _messages.Add($"the response {response.Label} has {levels.Length} levels: '{levels[0]}' is 0 and all others are 1 (as R's glm)");
                        }
                        var y = new double[codes.Length];
                        for (int i = 0; i < codes.Length; i++) y[i] = codes[i] == 0 ? 0 : 1;
                        return new Response(value.Label, y, null, levels);
                    }
                case [double[] y]:
                    return new Response(value.Label, (double[])y.Clone()); // the caller owns it; never share the data's array
                default:
                    throw new InvalidOperationException();
            }
        }
    }
}
