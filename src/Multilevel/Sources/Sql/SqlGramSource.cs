using System.Diagnostics;
using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Models;
using Multilevel.Sources.Internals;

namespace Multilevel.Sources.Sql;

/// <summary>
/// A table (or query) in a SQL database, fitted without moving its rows: the design's columns are translated to SQL
/// expressions and the Gram blocks come back from aggregate queries.
/// <list type="number">
/// <item>the columns and their types (no rows): a formula naming a missing column fails here, before any query scans;</item>
/// <item>a survey: rows, rows used, missing values per column and undefined values per expression (for the same
/// message as in memory), infinite values (an error), the levels of the factors of the terms;</item>
/// <item>Σ w [x y][x y]ᵀ over the rows used;</item>
/// <item>per random-effects term, GROUP BY its grouping factor: rows, Σ w z zᵀ and Σ w [x y] zᵀ per level (whose
/// keys are the grouping factor's levels);</item>
/// <item>per pair of terms, GROUP BY both grouping factors: Σ w zᵢ zⱼᵀ per pair of levels that occurs.</item>
/// </list>
/// Identifiers are quoted and values escaped by the dialect; the rows never leave the database. Levels are ordered as
/// the in-memory path orders them (numbers numerically, text numerically when every value reads as a number, else in
/// byte order; <c>--levels</c> gives the order). Features that need statistics of all rows before a row can be
/// evaluated (<c>scale()</c>, <c>gmean()</c>, <c>demean()</c>) are rejected with a message.
/// </summary>
public abstract class SqlGramSource : IGramSource
{
    private readonly FrameSchema _overrides;
    private int _queries;
    private long _bytesSent;
    private long _bytesReceived;
    private long _rowsReceived;

    private protected SqlGramSource(string description, string relation, FrameSchema? overrides)
    {
        Description = description;
        Relation = relation;
        _overrides = overrides ?? FrameSchema.Empty;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Queries sent by the latest <see cref="Accumulate"/> so far (also after it failed): the first reads the
    /// columns and no rows.</summary>
    public int QueriesRun => _queries;

    /// <summary>The FROM clause: a quoted table name, or a parenthesised query with an alias.</summary>
    private protected string Relation { get; }

    private protected abstract SqlDialect Dialect { get; }

    /// <summary>The columns of the relation (a query that reads no rows).</summary>
    private protected abstract IReadOnlyList<SqlColumn> ReadColumns(CancellationToken cancellationToken);

    /// <summary>Runs a query, decoding each result row with the given column types.</summary>
    private protected abstract void Run(string sql, IReadOnlyList<SqlValueType> types, Action<ISqlRow> onRow, CancellationToken cancellationToken);

    /// <summary>Counts a query and its traffic (for <see cref="GramSourceStatistics"/>).</summary>
    private protected void Record(long sent, long received, long rows)
    {
        _queries++;
        _bytesSent += sent;
        _bytesReceived += received;
        _rowsReceived += rows;
    }

    /// <summary>The GROUP BY list of a query whose first <paramref name="keys"/> select items are the keys.</summary>
    private protected abstract string GroupBy(IReadOnlyList<string> keys);

    /// <inheritdoc />
    public GramDesign Accumulate(FormulaTerms terms, DesignOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        options ??= DesignOptions.Default;
        var clock = Stopwatch.StartNew();
        _queries = 0;
        _bytesSent = _bytesReceived = _rowsReceived = 0;
        var plan = new Plan(this, terms, options, cancellationToken);
        var gram = plan.Run();
        var info = plan.Info with
        {
            Source = Description,
            Statistics = new GramSourceStatistics
            {
                Passes = _queries - 1,
                Queries = _queries,
                BytesSent = _bytesSent,
                BytesReceived = _bytesReceived,
                RowsReceived = _rowsReceived,
                Seconds = clock.Elapsed.TotalSeconds,
            },
        };
        return GramDesignAssembly.Finish(gram, info, options);
    }

    /// <summary>One fit's queries.</summary>
    private sealed class Plan
    {
        private readonly SqlGramSource _source;
        private readonly FormulaTerms _terms;
        private readonly DesignOptions _options;
        private readonly CancellationToken _ct;
        private readonly SqlDialect _d;
        private readonly string _text;
        private readonly Dictionary<string, SqlColumn> _columns = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SqlFactor> _factors = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SqlLevels> _termLevels = new(StringComparer.Ordinal);
        private FormulaUsage _usage = null!;
        private Func<string, SourceColumnKind?> _kindOf = null!;
        private SqlExpressions _expr = null!;
        private string _used = "";

        public Plan(SqlGramSource source, FormulaTerms terms, DesignOptions options, CancellationToken ct)
        {
            _source = source;
            _terms = terms;
            _options = options;
            _ct = ct;
            _d = source.Dialect;
            _text = terms.Formula.Text;
        }

        public GramDesignInfo Info { get; private set; } = null!;

        private string From => _source.Relation;

        public GramMatrix Run()
        {
            // 1. columns (no rows read); the formula is checked against them before anything scans the table
            var columns = _source.ReadColumns(_ct);
            foreach (var c in columns) _columns[c.Name] = c;
            var names = columns.Select(c => c.Name).ToList();
            _source._overrides.CheckColumns(names);
            _kindOf = name =>
            {
                if (!_columns.TryGetValue(name, out var c)) return null;
                return _source._overrides.IsCategorical(name) && c.Kind != SourceColumnKind.Unsupported ? SourceColumnKind.Categorical : c.Kind;
            };
            _usage = new FormulaUsage(_terms, _options, names, _kindOf, $"computed in {_source.Description}");
            foreach (var c in _usage.FactorColumns)
            {
                var given = _source._overrides.LevelsOf(c);
                _factors[c] = new SqlFactor(_columns[c], given, given is null && _source._overrides.IsCategorical(c));
            }
            _expr = new SqlExpressions(_d, _columns, _text);

            // the rows used: every column present, every expression defined
            string present = _usage.Columns.Count == 0 ? "1 = 1" : "NOT (" + string.Join(" OR ", _usage.Columns.Select(c => _d.IsMissing(_columns[c]))) + ")";
            var expressions = _usage.Expressions.Select(e => (e.Label, e.Node, Sql: _expr.Numeric(e.Node))).ToList();
            _used = expressions.Count == 0 ? present : $"{present} AND NOT ({string.Join(" OR ", expressions.Select(e => _d.IsNaN(e.Sql)))})";
            string? weight = _usage.Weights is { } w ? _d.NumberOf(_columns[w]) : null;

            // when no factor of a term needs its levels first, the survey and Σ w [x y][x y]ᵀ are one scan
            bool oneScan = _usage.TermFactorColumns.Count == 0;
            List<SqlMatrixColumn> x = [];
            string[] termLabels = [];
            List<string> xy = [];
            List<List<SqlMatrixColumn>> z = [];
            var specs = _terms.RandomEffects;
            void BuildColumns()
            {
                (x, termLabels) = SqlModelColumns.Build(_terms.Fixed, Resolve, _d, _text);
                xy = [.. x.Select(c => c.Sql)];
                xy.Add(Response());
                z = [.. specs.Select(s => SqlModelColumns.Build(s.Effects, Resolve, _d, _text).Columns)];
            }

            // Σ w [x y][x y]ᵀ over the rows used (the condition when it shares the survey's scan)
            var xyxy = Array.Empty<double>();
            long positive = 0;
            double sumLogWeights = 0;
            List<(string Sql, SqlValueType Type)> FixedSums(string? condition)
            {
                int p1 = xy.Count;
                xyxy = new double[p1 * p1];
                var products = new List<string>();
                for (int b = 0; b < p1; b++)
                {
                    for (int a = b; a < p1; a++) products.Add(Product(weight, xy[a], xy[b]));
                }
                string When(string c) => condition is null ? c : $"{condition} AND {c}";
                var parts = new List<(string, SqlValueType)>
                {
                    (weight is null ? (condition is null ? _d.Count() : _d.CountIf(condition)) : _d.CountIf(When($"{weight} > 0")), SqlValueType.Count),
                };
                if (weight is not null) parts.Add((_d.SumIf(_d.Log(weight), When($"{weight} > 0")), SqlValueType.Float64));
                parts.Add((condition is null ? _d.Sums(products) : _d.SumsIf(products, condition), SqlValueType.Float64Array));
                return parts;
            }
            void ReadFixedSums(ISqlRow row, int first)
            {
                int p1 = xy.Count;
                positive = row.GetCount(first);
                if (weight is not null) sumLogWeights = row.GetDouble(first + 1);
                var sums = row.GetDoubles(first + (weight is null ? 1 : 2));
                int e = 0;
                for (int b = 0; b < p1; b++)
                {
                    for (int a = b; a < p1; a++) xyxy[b * p1 + a] = sums[e++];
                }
            }

            SurveyResult survey;
            if (oneScan)
            {
                BuildColumns();
                survey = Survey(present, expressions, weight, FixedSums(_used), ReadFixedSums);
            }
            else
            {
                survey = Survey(present, expressions, weight, [], null);
                BuildColumns();
                var parts = FixedSums(null);
                Query($"SELECT {string.Join(", ", parts.Select(p => p.Sql))} FROM {From} WHERE {_used}", [.. parts.Select(p => p.Type)], row => ReadFixedSums(row, 0));
            }
            int p1 = xy.Count;

            // 4. per term, GROUP BY its grouping factor
            var groupRows = new List<GroupRows>();
            for (int k = 0; k < specs.Count; k++)
            {
                var use = _usage.Groupings.First(g => g.Name == specs[k].Grouping.Name);
                var keys = use.Columns.Select(c => _factors[c]).ToList();
                var zk = z[k].Select(c => c.Sql).ToList();
                int q = zk.Count;
                var products = new List<string>();
                for (int b = 0; b < q; b++)
                {
                    for (int a = b; a < q; a++) products.Add(Product(weight, zk[a], zk[b]));
                }
                for (int b = 0; b < q; b++)
                {
                    for (int a = 0; a < p1; a++) products.Add(Product(weight, xy[a], zk[b]));
                }
                var buffer = new GroupRows(keys, q, p1);
                var keySql = keys.Select(f => f.Key(_d)).ToList();
                var types = keys.Select(f => f.KeyType).Append(SqlValueType.Count).Append(SqlValueType.Float64Array).ToList();
                Query($"SELECT {string.Join(", ", keySql)}, {_d.Count()}, {_d.Sums(products)} FROM {From} WHERE {_used} GROUP BY {_source.GroupBy(keySql)}",
                    types, buffer.Add);
                groupRows.Add(buffer);
            }

            // the levels of each grouping factor: the keys its GROUP BY returned, in the in-memory order
            var groupings = new Dictionary<string, GroupingCoder>(StringComparer.Ordinal);
            for (int k = 0; k < specs.Count; k++)
            {
                string name = specs[k].Grouping.Name;
                if (!groupings.ContainsKey(name)) groupings[name] = GroupingCoder.Create(groupRows[k], _source.Description);
            }
            int[] order = [.. Enumerable.Range(0, specs.Count).OrderByDescending(k => groupings[specs[k].Grouping.Name].Count).ThenBy(k => k)];
            var layout = new GramLayout([.. order.Select(k => new GramTermShape(groupings[specs[k].Grouping.Name].Count, z[k].Count))], x.Count);
            var acc = new GramAccumulator(layout);
            acc.AddFixed(xyxy, positive, sumLogWeights);
            var sizes = new long[order.Length][];
            for (int t = 0; t < order.Length; t++)
            {
                int k = order[t];
                var coder = groupings[specs[k].Grouping.Name];
                sizes[t] = new long[coder.Count];
                groupRows[k].Feed(acc, t, coder, sizes[t]);
                groupRows[k] = null!; // free the buffer
            }

            // 5. per pair of terms, GROUP BY both grouping factors
            for (int ti = 1; ti < order.Length; ti++)
            {
                for (int tj = 0; tj < ti; tj++)
                {
                    int i = order[ti], j = order[tj];
                    var gi = groupings[specs[i].Grouping.Name];
                    var gj = groupings[specs[j].Grouping.Name];
                    int qi = z[i].Count, qj = z[j].Count;
                    var products = new List<string>();
                    for (int b = 0; b < qj; b++)
                    {
                        for (int a = 0; a < qi; a++) products.Add(Product(weight, z[i][a].Sql, z[j][b].Sql));
                    }
                    bool same = specs[i].Grouping.Name == specs[j].Grouping.Name;
                    var keysI = gi.Factors.Select(f => f.Key(_d)).ToList();
                    var keysJ = same ? [] : gj.Factors.Select(f => f.Key(_d)).ToList();
                    var keySql = keysI.Concat(keysJ).ToList();
                    var types = gi.Factors.Select(f => f.KeyType).Concat(same ? [] : gj.Factors.Select(f => f.KeyType))
                        .Append(SqlValueType.Float64Array).ToList();
                    var keysBuffer = new object[keySql.Count];
                    int ni = gi.Factors.Count;
                    Query($"SELECT {string.Join(", ", keySql)}, {_d.Sums(products)} FROM {From} WHERE {_used} GROUP BY {_source.GroupBy(keySql)}", types, row =>
                    {
                        for (int c = 0; c < keySql.Count; c++) keysBuffer[c] = types[c] == SqlValueType.Text ? row.GetText(c) : row.GetDouble(c);
                        int li = gi.Level(keysBuffer.AsSpan(0, ni));
                        int lj = same ? li : gj.Level(keysBuffer.AsSpan(ni));
                        if (li < 0 || lj < 0) throw new SqlSourceException($"{_source.Description}: a pair of levels has no level of its own; the data changed during the fit");
                        acc.AddLevelPair(ti, li, tj, lj, row.GetDoubles(keySql.Count));
                    });
                }
            }

            var messages = new List<string>(_terms.Fixed.Messages);
            if (GramDesignAssembly.DroppedRowsMessage(survey.Rows, survey.Used, survey.Missing, survey.Undefined) is { } dropped) messages.Insert(0, dropped);
            messages.AddRange(survey.LevelMessages);
            var missing = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (k, v) in survey.Missing.Where(p => p.Value > 0)) missing[k] = v;
            foreach (var (k, v) in survey.Undefined) missing[k] = v;
            Info = new GramDesignInfo
            {
                FormulaText = _text,
                ResponseName = _terms.Fixed.Response!.Label,
                FixedEffectNames = [.. x.Select(c => c.Name)],
                FixedTermLabels = termLabels,
                Assign = [.. x.Select(c => c.Assign)],
                RandomEffects = [.. order.Select((k, t) => new GramTermInfo(specs[k].Grouping.Name, groupings[specs[k].Grouping.Name].Labels,
                    [.. z[k].Select(c => c.Name)], sizes[t]))],
                RowsInData = survey.Rows,
                Observations = survey.Used,
                HasWeights = weight is not null,
                MissingByVariable = missing,
                Messages = messages,
            };
            return acc.Build();
        }

        private void Query(string sql, IReadOnlyList<SqlValueType> types, Action<ISqlRow> onRow)
        {
            _ct.ThrowIfCancellationRequested();
            _source.Run(sql, types, onRow, _ct);
        }

        /// <summary>w · a · b, leaving out factors that are the literal 1.</summary>
        private string Product(string? weight, string a, string b)
        {
            string one = _d.Number(1);
            var parts = new[] { a, b, weight }.Where(p => p is not null && p != one).Select(p => $"({p})").ToList();
            return parts.Count == 0 ? one : string.Join(" * ", parts);
        }

        /// <summary>The response minus the offsets.</summary>
        private string Response()
        {
            string y = _expr.Numeric(_terms.Fixed.Response!.Node);
            var offsets = _terms.Fixed.Offsets.Select(o => _expr.Numeric(((CallNode)o.Node).Arguments[0].Value)).ToList();
            if (_usage.OffsetColumn is { } oc) offsets.Add(_d.NumberOf(_columns[oc]));
            if (offsets.Count == 0) return y;
            string sum = offsets.Aggregate((s, o) => $"(({s}) + ({o}))");
            return $"(({y}) - ({sum}))";
        }

        private SqlVariable Resolve(TermVariable v)
        {
            FormulaNode node = v.Node;
            string? column = node switch
            {
                VariableNode n when _kindOf(n.Name) == SourceColumnKind.Categorical => n.Name,
                CallNode { Function: "factor" or "as.factor" or "C" } c => InnerColumn(c),
                _ => null,
            };
            if (column is null) return new SqlNumericVariable(v.Label, _expr.Numeric(node));
            var f = _factors[column];
            var levels = _termLevels[column];
            return new SqlFactorVariable(v.Label, node, levels, f.Key(_d), f.NumericValues,
                SqlModelColumns.Contrasts(node, levels.Labels, _options, _text, v.Label));
        }

        private string InnerColumn(CallNode c)
        {
            var args = FormulaFunctionArguments.Bind(c, _text);
            var inner = args[c.Function == "C" ? "object" : "x"];
            while (inner is CallNode { Function: "factor" or "as.factor" } f) inner = f.Arguments[0].Value;
            return ((VariableNode)inner).Name;
        }

        private sealed record SurveyResult(long Rows, long Used, SortedDictionary<string, long> Missing, Dictionary<string, long> Undefined, List<string> LevelMessages);

        /// <summary>One scan: counts, infinite values, level lists of the factors of the terms.</summary>
        private SurveyResult Survey(string present, List<(string Label, FormulaNode Node, string Sql)> expressions, string? weight,
            List<(string Sql, SqlValueType Type)> extra, Action<ISqlRow, int>? readExtra)
        {
            var select = new List<string>();
            var types = new List<SqlValueType>();
            int Add(string sql, SqlValueType type)
            {
                select.Add(sql);
                types.Add(type);
                return select.Count - 1;
            }
            int total = Add(_d.Count(), SqlValueType.Count);
            int used = Add(_d.CountIf(_used), SqlValueType.Count);
            var missingAt = _usage.Columns.Select(c => (c, Add(_d.CountIf(_d.IsMissing(_columns[c])), SqlValueType.Count))).ToList();
            var undefinedAt = new List<(string Label, int Index)>();
            for (int i = 0; i < expressions.Count; i++)
            {
                string before = i == 0 ? "" : " AND NOT (" + string.Join(" OR ", expressions.Take(i).Select(e => _d.IsNaN(e.Sql))) + ")";
                undefinedAt.Add((expressions[i].Label, Add(_d.CountIf($"{present}{before} AND {_d.IsNaN(expressions[i].Sql)}"), SqlValueType.Count)));
            }
            var infiniteAt = new List<(string Label, FormulaNode Node, int Index)>();
            foreach (var c in _usage.FiniteColumns)
            {
                if (_columns[c].IsFloat) infiniteAt.Add((c, new VariableNode(c), Add(_d.CountIf(_d.IsInfinite(_d.NumberOf(_columns[c]))), SqlValueType.Count)));
            }
            foreach (var e in expressions) infiniteAt.Add((e.Label, e.Node, Add(_d.CountIf(_d.IsInfinite(e.Sql)), SqlValueType.Count)));
            int negativeWeights = weight is null ? -1 : Add(_d.CountIf($"{_used} AND {weight} < 0"), SqlValueType.Count);
            var distinctUsed = new Dictionary<string, int>(StringComparer.Ordinal);
            var distinctAll = new Dictionary<string, int>(StringComparer.Ordinal);
            var notNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, f) in _factors)
            {
                var type = f.NumericValues ? SqlValueType.Float64Array : SqlValueType.TextArray;
                string notMissing = $"NOT {_d.IsMissing(f.Column)}";
                bool term = _usage.TermFactorColumns.Contains(name);
                if (term) distinctUsed[name] = Add(_d.Distinct(f.Key(_d), _used, !f.NumericValues), type);
                if (term || f.Given is not null) distinctAll[name] = Add(_d.Distinct(f.Key(_d), notMissing, !f.NumericValues), type);
                if (!f.NumericValues && f.Given is null) notNumbers[name] = Add(_d.CountIf($"{notMissing} AND {_d.IsNotNumber(f.Key(_d))}"), SqlValueType.Count);
            }

            int firstExtra = select.Count;
            foreach (var (sql, type) in extra) Add(sql, type);

            SurveyResult? result = null;
            Query($"SELECT {string.Join(", ", select)} FROM {From}", types, row =>
            {
                if (readExtra is not null && row.GetCount(used) > 0) readExtra(row, firstExtra);
                var missing = new SortedDictionary<string, long>(StringComparer.Ordinal);
                foreach (var (c, i) in missingAt) missing[c] = row.GetCount(i);
                var undefined = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (label, i) in undefinedAt)
                {
                    long n = row.GetCount(i);
                    if (n > 0) undefined[label] = n;
                }
                foreach (var (label, node, i) in infiniteAt)
                {
                    long n = row.GetCount(i);
                    if (n > 0)
                    {
                        throw new FormulaEvaluationException(_text, node.Span,
                            $"{label} is Inf or -Inf in {n} row{(n == 1 ? "" : "s")} of the data; a model needs finite values (check for zeros under log or division)");
                    }
                }
                if (negativeWeights >= 0 && row.GetCount(negativeWeights) is > 0 and var neg)
                {
                    throw new ModelSpecificationException($"weights column '{_usage.Weights}' has a negative value in {neg} rows used; prior weights must be ≥ 0");
                }
                foreach (var (name, i) in notNumbers) _factors[name].TextAllNumbers = row.GetCount(i) == 0;
                var levelMessages = new List<string>();
                foreach (var (name, f) in _factors)
                {
                    SqlLevels? all = distinctAll.TryGetValue(name, out int ai) ? f.Order(Values(row, ai, f), _source.Description) : null;
                    if (!distinctUsed.TryGetValue(name, out int ui)) continue;
                    var usedLevels = f.Order(Values(row, ui, f), _source.Description);
                    if (f.Given is not null) usedLevels = usedLevels.Present();
                    _termLevels[name] = _options.DropUnusedLevels ? usedLevels : all!;
                    if (_options.DropUnusedLevels && all is not null)
                    {
                        var kept = new HashSet<string>(usedLevels.Labels, StringComparer.Ordinal);
                        var unused = all.Labels.Where(l => !kept.Contains(l)).ToList();
                        if (unused.Count > 0)
                        {
                            foreach (var (label, column) in _usage.TermFactors.Where(t => t.Column == name))
                            {
                                levelMessages.Add(GramDesignAssembly.DroppedLevelsMessage(label, unused));
                            }
                        }
                    }
                }
                result = new SurveyResult(row.GetCount(total), row.GetCount(used), missing, undefined, levelMessages);
            });
            var r = result ?? throw new SqlSourceException($"{_source.Description}: the survey query returned no row");
            if (r.Used == 0)
            {
                var all = new Dictionary<string, long>(r.Missing, StringComparer.Ordinal);
                foreach (var (k, v) in r.Undefined) all[k] = v;
                throw new FormulaEvaluationException(_text, new SourceSpan(0, _text.Length), $"no rows left to fit: {GramDesignAssembly.NoRowsReason(all)}");
            }
            return r;
        }

        private static IEnumerable<object> Values(ISqlRow row, int index, SqlFactor f) =>
            f.NumericValues ? row.GetDoubles(index).Select(v => (object)v) : row.GetTexts(index);
    }

    /// <summary>The rows of one GROUP BY on a grouping factor, held until every term's levels are known.</summary>
    private sealed class GroupRows(IReadOnlyList<SqlFactor> keys, int q, int p1)
    {
        private readonly List<object>[] _keys = [.. keys.Select(_ => new List<object>())];
        private readonly List<long> _counts = [];
        private readonly List<double> _sums = [];
        private readonly int _width = q * (q + 1) / 2 + p1 * q;

        public IReadOnlyList<SqlFactor> Factors => keys;

        public int Rows => _counts.Count;

        public object Key(int component, int row) => _keys[component][row];

        public void Add(ISqlRow row)
        {
            for (int c = 0; c < keys.Count; c++) _keys[c].Add(keys[c].KeyType == SqlValueType.Text ? row.GetText(c) : row.GetDouble(c));
            _counts.Add(row.GetCount(keys.Count));
            var sums = row.GetDoubles(keys.Count + 1);
            if (sums.Length != _width) throw new SqlSourceException($"a group's sums have {sums.Length} values, expected {_width}");
            _sums.AddRange(sums);
        }

        /// <summary>Adds every level's sums to the accumulator as term <paramref name="term"/>.</summary>
        public void Feed(GramAccumulator acc, int term, GroupingCoder coder, long[] sizes)
        {
            var zz = new double[q * q];
            var xyz = new double[p1 * q];
            var key = new object[keys.Count];
            for (int r = 0; r < _counts.Count; r++)
            {
                for (int c = 0; c < key.Length; c++) key[c] = _keys[c][r];
                int level = coder.Level(key);
                int e = r * _width;
                var s = _sums;
                for (int b = 0; b < q; b++)
                {
                    for (int a = b; a < q; a++)
                    {
                        zz[b * q + a] = s[e];
                        zz[a * q + b] = s[e];
                        e++;
                    }
                }
                for (int b = 0; b < q; b++)
                {
                    for (int a = 0; a < p1; a++) xyz[b * p1 + a] = s[e++];
                }
                acc.AddLevel(term, level, zz, xyz);
                sizes[level] += _counts[r];
            }
        }
    }

    /// <summary>The levels of a grouping factor (one factor, or an interaction of several) from the keys its GROUP BY
    /// returned, in the in-memory order, and the level of a key.</summary>
    private sealed class GroupingCoder
    {
        private readonly SqlLevels[] _parts;
        private readonly Dictionary<long, int>? _combos;

        private GroupingCoder(IReadOnlyList<SqlFactor> factors, SqlLevels[] parts, string[] labels, Dictionary<long, int>? combos)
        {
            Factors = factors;
            _parts = parts;
            Labels = labels;
            _combos = combos;
        }

        public IReadOnlyList<SqlFactor> Factors { get; }

        public string[] Labels { get; }

        public int Count => Labels.Length;

        public static GroupingCoder Create(GroupRows rows, string source)
        {
            var factors = rows.Factors;
            var parts = new SqlLevels[factors.Count];
            for (int c = 0; c < parts.Length; c++)
            {
                var distinct = Enumerable.Range(0, rows.Rows).Select(r => rows.Key(c, r));
                var levels = factors[c].Order(distinct, source);
                parts[c] = factors[c].Given is null ? levels : levels.Present();
            }
            if (parts.Length == 1) return new GroupingCoder(factors, parts, parts[0].Labels, null);
            double product = parts.Aggregate(1.0, (p, l) => p * Math.Max(1, l.Count));
            if (product > long.MaxValue / 2) throw new SqlSourceException($"{source}: the interaction grouping factor has too many combinations of levels");
            var present = new SortedSet<long>();
            var key = new object[parts.Length];
            var coder = new GroupingCoder(factors, parts, [], null);
            for (int r = 0; r < rows.Rows; r++)
            {
                for (int c = 0; c < parts.Length; c++) key[c] = rows.Key(c, r);
                present.Add(coder.Combined(key));
            }
            var combos = new Dictionary<long, int>(present.Count);
            var labels = new string[present.Count];
            int i = 0;
            var codes = new int[parts.Length];
            foreach (long combined in present)
            {
                long rest = combined;
                for (int c = parts.Length - 1; c >= 0; c--)
                {
                    codes[c] = (int)(rest % parts[c].Count);
                    rest /= parts[c].Count;
                }
                labels[i] = string.Join(":", codes.Select((l, c) => parts[c].Labels[l]));
                combos[combined] = i++;
            }
            return new GroupingCoder(factors, parts, labels, combos);
        }

        private long Combined(ReadOnlySpan<object> key)
        {
            long code = 0;
            for (int c = 0; c < _parts.Length; c++)
            {
                int l = key[c] is double d ? _parts[c].Of(d) : _parts[c].Of((string)key[c]);
                if (l < 0) return -1;
                code = code * _parts[c].Count + l;
            }
            return code;
        }

        /// <summary>The level of a key (its components in order), or −1.</summary>
        public int Level(ReadOnlySpan<object> key)
        {
            if (_combos is null) return key[0] is double d ? _parts[0].Of(d) : _parts[0].Of((string)key[0]);
            long combined = Combined(key);
            return combined >= 0 && _combos.TryGetValue(combined, out int level) ? level : -1;
        }
    }
}
