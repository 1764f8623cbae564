namespace Multilevel.Formulas;

/// <summary>
/// R's <c>terms()</c> algorithm (src/library/stats/src/model.c: EncodeVars and friends), lme4's
/// <c>nobars</c>/<c>findbars</c> with <c>expandDoubleVerts</c> and <c>expandSlash</c>, and fixest's
/// absorbed part. Rules matched:
/// <list type="bullet">
/// <item><c>a + b</c>: the terms of both, later duplicates removed.</item>
/// <item><c>a:b</c>: every term of a combined with every term of b (a outer, b inner).</item>
/// <item><c>a*b</c> = <c>a + b + a:b</c>.</item>
/// <item><c>a/b</c>: the terms of a, then each term of b combined with all variables of a.</item>
/// <item><c>a %in% b</c>: each term of a combined with all variables of b.</item>
/// <item><c>(a+b)^n</c>: all interactions up to degree n (n a whole number ≥ 2, as R requires).</item>
/// <item><c>a - b</c>: the terms of a without those of b; inside the right side of <c>-</c> the meaning of
/// <c>0</c>/<c>1</c> flips (<c>- 1</c> removes the intercept, <c>- 0</c> restores it).</item>
/// <item><c>1</c>/<c>0</c> switch the intercept on/off; the last one read wins.</item>
/// <item>Terms are then ordered by degree, keeping their order within a degree; terms with an
/// <c>offset()</c> become offsets; a term equal to the response is dropped (R's model.matrix warns).</item>
/// </list>
/// </summary>
internal static class TermExpander
{
    public static FormulaTerms Expand(Formula formula)
    {
        ArgumentNullException.ThrowIfNull(formula);
        string text = formula.Text;
        var encoder = new Encoder(text);
        int responseIndex = -1;
        if (formula.Response is not null)
        {
            CheckResponse(formula.Response, text);
            responseIndex = encoder.Install(formula.Response);
        }
        var randomNodes = new List<RandomTermNode>();
        var terms = encoder.EncodeFixed(formula.Terms, randomNodes);
        var fixedTerms = encoder.Finish(terms, responseIndex, allowOffsets: true);

        var random = new List<RandomEffectsSpec>();
        foreach (var node in randomNodes) random.AddRange(ExpandRandom(node, text));

        var absorbed = new List<GroupingFactor>();
        if (formula.Absorbed is not null)
        {
            foreach (var part in SumParts(formula.Absorbed, text, "absorbed fixed effects"))
            {
                absorbed.Add(AbsorbedFactor(part, text));
            }
        }
        return new FormulaTerms(formula, fixedTerms, random, absorbed);
    }

    /// <summary>R's terms() of a one-sided model formula (no response), e.g. the left side of a random-effects term.</summary>
    public static ModelTerms ExpandModel(FormulaNode rhs, string text)
    {
        var encoder = new Encoder(text);
        var terms = encoder.Encode(rhs);
        return encoder.Finish(terms, -1, allowOffsets: false);
    }

    private static void CheckResponse(FormulaNode response, string text)
    {
        switch (response)
        {
            case RandomTermNode r:
                throw new FormulaException(text, r.Span, "a random-effects term cannot be the response");
            default:
                break;
        }
    }

    private static IEnumerable<RandomEffectsSpec> ExpandRandom(RandomTermNode node, string text)
    {
        var effects = ExpandModel(node.Effects, text);
        if (effects.IsEmpty)
        {
            throw new FormulaException(text, node.Effects.Span,
                "the random-effects term has no effects (no intercept and no variables): write e.g. (1 | g) or (0 + x | g)");
        }
        var groups = ExpandSlash(node.Grouping, text);
        if (!node.Uncorrelated)
        {
            foreach (var g in groups) yield return new RandomEffectsSpec(effects, g, node, false);
            yield break;
        }
        // lme4's expandDoubleVerts: (1 + x + z || g) -> (1 | g) + (0 + x | g) + (0 + z | g), one per term of the
        // left side (a factor stays one term), then each is expanded over the nesting of g.
        var parts = new List<ModelTerms>();
        if (effects.HasIntercept) parts.Add(effects.Subset(true, []));
        foreach (var t in effects.Terms) parts.Add(effects.Subset(false, [t]));
        foreach (var part in parts)
        {
            foreach (var g in groups) yield return new RandomEffectsSpec(part, g, node, true);
        }
    }

    /// <summary>lme4's expandSlash: <c>a/b</c> gives the groups <c>b:a</c> and <c>a</c>; <c>a/b/c</c> gives
    /// <c>c:(b:a)</c>, <c>b:a</c>, <c>a</c>.</summary>
    private static List<GroupingFactor> ExpandSlash(FormulaNode grouping, string text)
    {
        var chain = new List<FormulaNode>();
        var node = grouping;
        while (node is BinaryNode { Operator: BinaryOperator.Divide } d)
        {
            if (d.Right is BinaryNode { Operator: BinaryOperator.Divide })
            {
                throw new FormulaException(text, d.Right.Span, "write nesting from the outermost factor inward: g1/g2/g3");
            }
            chain.Insert(0, d.Right);
            node = d.Left;
        }
        chain.Insert(0, node);
        foreach (var part in chain) FlattenInteraction(part, text, "a grouping factor", allowCaret: false);

        var result = new List<GroupingFactor>();
        var built = new FormulaNode[chain.Count];
        built[0] = chain[0];
        for (int j = 1; j < chain.Count; j++)
        {
            built[j] = new BinaryNode(BinaryOperator.Interaction, chain[j], built[j - 1], SourceSpan.Cover(chain[j].Span, chain[0].Span));
        }
        for (int j = chain.Count - 1; j >= 0; j--)
        {
            var factors = FlattenInteraction(built[j], text, "a grouping factor", allowCaret: false);
            var span = j == 0 ? chain[0].Span : SourceSpan.Cover(chain[0].Span, chain[j].Span);
            result.Add(new GroupingFactor(FormulaPrinter.Print(built[j]), factors, span));
        }
        return result;
    }

    /// <summary>The factors of an interaction <c>a:b:c</c> in order (first = outermost).</summary>
    internal static List<FormulaNode> FlattenInteraction(FormulaNode node, string text, string what, bool allowCaret)
    {
        var list = new List<FormulaNode>();
        void Walk(FormulaNode n)
        {
            switch (n)
            {
                case BinaryNode { Operator: BinaryOperator.Interaction } b:
                    Walk(b.Left);
                    Walk(b.Right);
                    break;
                case BinaryNode { Operator: BinaryOperator.Power } p when allowCaret && p.Right is not NumberNode:
                    Walk(p.Left);
                    Walk(p.Right);
                    break;
                case VariableNode:
                    list.Add(n);
                    break;
                case CallNode c when c.Function is "factor" or "as.factor":
                    list.Add(n);
                    break;
                default:
                    throw new FormulaException(text, n.Span,
                        $"{what} must be a column, factor(column), an interaction g1:g2" +
                        (what == "a grouping factor" ? " or a nesting g1/g2" : allowCaret ? " (or fixest's g1^g2)" : "") +
                        $"; found '{FormulaPrinter.Print(n)}'");
            }
        }
        Walk(node);
        return list;
    }

    private static List<FormulaNode> SumParts(FormulaNode node, string text, string what)
    {
        var parts = new List<FormulaNode>();
        void Walk(FormulaNode n)
        {
            if (n is BinaryNode { Operator: BinaryOperator.Plus } b)
            {
                Walk(b.Left);
                Walk(b.Right);
            }
            else if (n is BinaryNode { Operator: BinaryOperator.Minus } or UnaryNode or NumberNode)
            {
                throw new FormulaException(text, n.Span, $"the {what} after '|' are factors joined by '+', e.g. y ~ x | fe1 + fe2");
            }
            else
            {
                parts.Add(n);
            }
        }
        Walk(node);
        return parts;
    }

    private static GroupingFactor AbsorbedFactor(FormulaNode node, string text)
    {
        var factors = FlattenInteraction(node, text, "an absorbed factor", allowCaret: true);
        return new GroupingFactor(FormulaPrinter.Print(node), factors, node.Span);
    }

    /// <summary>Encodes terms as variable sets (R's EncodeVars), installing variables as they are met.</summary>
    private sealed class Encoder(string text)
    {
        private readonly List<TermVariable> _variables = [];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private bool _intercept = true;
        private bool _parity = true;

        public int Install(FormulaNode node)
        {
            string label = FormulaPrinter.Print(node);
            if (_index.TryGetValue(label, out int i)) return i;
            _variables.Add(new TermVariable(label, node));
            _index[label] = _variables.Count - 1;
            return _variables.Count - 1;
        }

        /// <summary>The fixed part: like <see cref="Encode"/>, but random-effects terms added with '+' are
        /// collected (lme4's nobars/findbars) instead of encoded.</summary>
        public List<VariableSet> EncodeFixed(FormulaNode node, List<RandomTermNode> random)
        {
            switch (node)
            {
                case RandomTermNode r:
                    random.Add(r);
                    return [];
                case BinaryNode { Operator: BinaryOperator.Plus } b:
                    {
                        var left = EncodeFixed(b.Left, random);
                        var right = EncodeFixed(b.Right, random);
                        return TrimRepeats([.. left, .. right]);
                    }
                case BinaryNode { Operator: BinaryOperator.Minus } b:
                    {
                        var left = EncodeFixed(b.Left, random);
                        return Delete(left, b.Right);
                    }
                case UnaryNode { Operator: UnaryOperator.Plus } u:
                    return EncodeFixed(u.Operand, random);
                default:
                    return Encode(node);
            }
        }

        public List<VariableSet> Encode(FormulaNode node)
        {
            switch (node)
            {
                case NumberNode n:
                    if (n.Value == 1) _intercept = _parity;
                    else if (n.Value == 0) _intercept = !_parity;
                    else
                    {
                        throw new FormulaException(text, n.Span,
                            $"the number {FormulaPrinter.Print(n)} in a model formula: only 1 (intercept) and 0 (no intercept) " +
                            "can stand here; for arithmetic use I(), e.g. I(2 * x)");
                    }
                    return [];
                case VariableNode:
                    return [VariableSet.Single(Install(node))];
                case CallNode c:
                    if (c.Function == "cbind")
                    {
                        throw new FormulaException(text, c.Span, "cbind(successes, failures) is only allowed as the response (left of '~')");
                    }
                    return [VariableSet.Single(Install(node))];
                case StringNode s:
                    throw new FormulaException(text, s.Span, "a quoted string cannot be a term; strings are arguments, e.g. C(f, base = \"level\")");
                case RandomTermNode r:
                    throw new FormulaException(text, r.Span,
                        "a random-effects term must be added to the model with '+' (it cannot be interacted, removed or nested)");
                case UnaryNode { Operator: UnaryOperator.Minus } u:
                    Delete([], u.Operand);
                    return [];
                case UnaryNode { Operator: UnaryOperator.Plus } u:
                    return Encode(u.Operand);
                case BinaryNode b:
                    return EncodeBinary(b);
                default:
                    throw new FormulaException(text, node.Span, $"unexpected '{node}'");
            }
        }

        private List<VariableSet> EncodeBinary(BinaryNode b)
        {
            switch (b.Operator)
            {
                case BinaryOperator.Plus:
                    {
                        var left = Encode(b.Left);
                        var right = Encode(b.Right);
                        return TrimRepeats([.. left, .. right]);
                    }
                case BinaryOperator.Minus:
                    return Delete(Encode(b.Left), b.Right);
                case BinaryOperator.Interaction:
                    {
                        var left = Encode(b.Left);
                        var right = Encode(b.Right);
                        return TrimRepeats(Interact(left, right));
                    }
                case BinaryOperator.Times:
                    {
                        var left = Encode(b.Left);
                        var right = Encode(b.Right);
                        return TrimRepeats([.. left, .. right, .. Interact(left, right)]);
                    }
                case BinaryOperator.Divide:
                    {
                        var left = Encode(b.Left);
                        var right = Encode(b.Right);
                        var all = UnionAll(left);
                        return TrimRepeats([.. left, .. right.Select(r => all.Union(r))]);
                    }
                case BinaryOperator.In:
                    {
                        var left = Encode(b.Left);
                        var right = Encode(b.Right);
                        var all = UnionAll(right);
                        return TrimRepeats([.. left.Select(l => l.Union(all))]);
                    }
                case BinaryOperator.Power:
                    {
                        if (b.Right is not NumberNode { Value: var v } || v != Math.Floor(v) || v < 2 || v > 1000)
                        {
                            throw new FormulaException(text, b.Right.Span,
                                "the power after '^' in a model formula must be a whole number of at least 2, e.g. (a + b + c)^2; " +
                                "for arithmetic use I(x^2)");
                        }
                        int power = (int)v;
                        var left = Encode(b.Left);
                        var result = left;
                        for (int i = 1; i < power; i++) result = TrimRepeats(Interact(left, result));
                        return result;
                    }
                default:
                    throw new FormulaException(text, b.Span, $"unexpected operator in '{b}'");
            }
        }

        private List<VariableSet> Delete(List<VariableSet> left, FormulaNode rightNode)
        {
            _parity = !_parity;
            var right = Encode(rightNode);
            _parity = !_parity;
            return [.. left.Where(l => !right.Contains(l))];
        }

        private static List<VariableSet> Interact(List<VariableSet> left, List<VariableSet> right)
        {
            var result = new List<VariableSet>(left.Count * right.Count);
            foreach (var l in left)
            {
                foreach (var r in right) result.Add(l.Union(r));
            }
            return result;
        }

        private static VariableSet UnionAll(List<VariableSet> sets)
        {
            var all = VariableSet.Empty;
            foreach (var s in sets) all = all.Union(s);
            return all;
        }

        private static List<VariableSet> TrimRepeats(List<VariableSet> terms)
        {
            var seen = new HashSet<VariableSet>();
            var result = new List<VariableSet>(terms.Count);
            foreach (var t in terms)
            {
                if (!t.IsEmpty && seen.Add(t)) result.Add(t);
            }
            return result;
        }

        public ModelTerms Finish(List<VariableSet> terms, int responseIndex, bool allowOffsets)
        {
            var messages = new List<string>();
            var offsets = new List<TermVariable>();
            var offsetIndices = new List<int>();
            for (int i = 0; i < _variables.Count; i++)
            {
                if (_variables[i].Node is CallNode { Function: "offset" } call)
                {
                    if (!allowOffsets)
                    {
                        throw new FormulaException(text, call.Span, "offset() belongs in the fixed part of the formula, not in a random-effects term");
                    }
                    offsetIndices.Add(i);
                    offsets.Add(_variables[i]);
                }
            }
            var kept = new List<VariableSet>();
            foreach (var t in terms)
            {
                if (responseIndex >= 0 && t == VariableSet.Single(responseIndex))
                {
                    messages.Add($"the response '{_variables[responseIndex].Label}' also appears on the right side of '~' and was dropped there");
                    continue;
                }
                int offsetVar = offsetIndices.FirstOrDefault(t.Contains, -1);
                if (offsetVar >= 0)
                {
                    if (t.Count > 1)
                    {
                        throw new FormulaException(text, _variables[offsetVar].Node.Span,
                            "offset() must be added to the model with '+', not interacted");
                    }
                    continue;
                }
                kept.Add(t);
            }
            // R: reorder the terms by degree, otherwise keeping their order.
            var ordered = kept.Select((t, i) => (t, i)).OrderBy(p => p.t.Count).ThenBy(p => p.i).Select(p => p.t).ToList();
            return Build(_variables.ToList(), responseIndex, ordered, _intercept, offsets, messages);
        }
    }

    /// <summary>Builds the terms with R's coding rule (TermCode): a variable of a term is coded by contrasts
    /// when the term without it is empty or contained in an earlier term, else by indicators.</summary>
    internal static ModelTerms Build(List<TermVariable> variables, int responseIndex, List<VariableSet> ordered, bool intercept,
        List<TermVariable> offsets, List<string> messages)
    {
        var result = new List<Term>(ordered.Count);
        for (int t = 0; t < ordered.Count; t++)
        {
            var vars = ordered[t].Indices().ToList();
            var coding = new List<FactorCoding>(vars.Count);
            foreach (int v in vars)
            {
                var rest = ordered[t].Without(v);
                bool contrasts = rest.IsEmpty;
                for (int s = 0; s < t && !contrasts; s++)
                {
                    if (ordered[s].IsSupersetOf(rest)) contrasts = true;
                }
                coding.Add(contrasts ? FactorCoding.Contrasts : FactorCoding.Indicators);
            }
            string label = string.Join(":", vars.Select(v => variables[v].Label));
            result.Add(new Term(vars, label, coding));
        }
        return new ModelTerms(variables, responseIndex, result, intercept, offsets, messages);
    }
}
