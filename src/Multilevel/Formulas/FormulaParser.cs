namespace Multilevel.Formulas;

/// <summary>
/// Parses formula text (R and lme4 syntax, fixest's absorbed fixed effects) into a <see cref="Formula"/>.
/// Operator precedence is R's: <c>^</c> (right-associative) &gt; unary <c>- +</c> &gt; <c>:</c> &gt;
/// <c>%in%</c> &gt; <c>* /</c> &gt; <c>+ -</c> &gt; <c>| ||</c> &gt; <c>~</c>. A bar inside parentheses makes a
/// random-effects term; one bar outside parentheses separates absorbed fixed effects.
/// </summary>
public static class FormulaParser
{
    internal const int BarPrecedence = 10;
    internal const int SumPrecedence = 20;
    internal const int ProductPrecedence = 30;
    internal const int InPrecedence = 40;
    internal const int InteractionPrecedence = 50;
    internal const int PrefixPrecedence = 60;
    internal const int PowerPrecedence = 70;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormulaException"/> with a caret under the problem.</summary>
    public static Formula Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, FormulaLexer.Tokenize(text));
        return parser.ParseFormula();
    }

    /// <summary>Parses a single expression (no <c>~</c>), e.g. a grouping factor or a term, as it would
    /// stand on the right of <c>~</c>.</summary>
    public static FormulaNode ParseExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, FormulaLexer.Tokenize(text));
        return parser.ParseLoneExpression();
    }

    /// <summary>A bar not yet turned into a random-effects term or the absorbed part; never left in a parsed tree.</summary>
    private sealed class BarNode(FormulaNode left, FormulaNode right, bool doubleBar, SourceSpan span, SourceSpan barSpan)
        : FormulaNode(span)
    {
        public FormulaNode Left { get; } = left;

        public FormulaNode Right { get; } = right;

        public bool DoubleBar { get; } = doubleBar;

        public SourceSpan BarSpan { get; } = barSpan;

        public override bool SameAs(FormulaNode? other) => false;
    }

    private sealed class Parser(string text, List<Token> tokens)
    {
        private int _pos;

        private Token Peek => tokens[_pos];

        private Token PeekAt(int ahead) => tokens[Math.Min(_pos + ahead, tokens.Count - 1)];

        private Token Advance() => tokens[_pos++];

        private FormulaException Error(SourceSpan span, string reason) => new(text, span, reason);

        public Formula ParseFormula()
        {
            if (Peek.Kind == TokenKind.End)
            {
                throw Error(SourceSpan.At(0), "the formula is empty: write it as response ~ terms, e.g. y ~ x");
            }
            FormulaNode? response = null;
            if (Peek.Kind != TokenKind.Tilde)
            {
                response = ParseExpression(0);
                if (Peek.Kind != TokenKind.Tilde)
                {
                    throw Peek.Kind switch
                    {
                        TokenKind.End => Error(SourceSpan.At(text.Length),
                            "the formula has no '~': write it as response ~ terms, e.g. y ~ x"),
                        TokenKind.RightParen => Error(Peek.Span, "')' has no matching '('"),
                        _ => Error(Peek.Span, $"expected '~' or an operator before {Peek.Describe()}"),
                    };
                }
            }
            var tilde = Advance();
            if (Peek.Kind == TokenKind.End)
            {
                throw Error(SourceSpan.At(text.Length),
                    $"nothing after '~' (column {tilde.Span.Start + 1}): expected the model terms, e.g. y ~ x, or y ~ 1 for an intercept only");
            }
            var rhs = ParseExpression(0);
            if (Peek.Kind != TokenKind.End)
            {
                throw Peek.Kind switch
                {
                    TokenKind.Tilde => Error(Peek.Span, "a formula has only one '~'"),
                    TokenKind.RightParen => Error(Peek.Span, "')' has no matching '('"),
                    TokenKind.Comma => Error(Peek.Span, "',' outside a function call"),
                    TokenKind.Equals => Error(Peek.Span, "'=' outside a function call"),
                    _ => Error(Peek.Span, $"expected an operator (such as '+') before {Peek.Describe()}"),
                };
            }

            FormulaNode terms = rhs;
            FormulaNode? absorbed = null;
            if (rhs is BarNode bar)
            {
                if (bar.DoubleBar)
                {
                    throw Error(bar.BarSpan,
                        "'||' outside parentheses: uncorrelated random effects are written in parentheses, (effects || group)");
                }
                if (bar.Left is BarNode inner)
                {
                    throw Error(inner.BarSpan,
                        "more than one '|' outside parentheses: write random-effects terms in parentheses, (effects | group); " +
                        "one '|' outside parentheses absorbs fixed effects (y ~ x | fe1 + fe2)");
                }
                terms = bar.Left;
                absorbed = bar.Right;
            }
            if (response is not null) CheckNoBars(response);
            CheckNoBars(terms);
            if (absorbed is not null) CheckNoBars(absorbed);
            return new Formula(response, terms, absorbed, text);
        }

        public FormulaNode ParseLoneExpression()
        {
            if (Peek.Kind == TokenKind.End) throw Error(SourceSpan.At(0), "the expression is empty");
            var node = ParseExpression(0);
            if (Peek.Kind != TokenKind.End)
            {
                throw Peek.Kind == TokenKind.RightParen
                    ? Error(Peek.Span, "')' has no matching '('")
                    : Error(Peek.Span, $"expected an operator before {Peek.Describe()}");
            }
            CheckNoBars(node);
            return node;
        }

        private void CheckNoBars(FormulaNode node)
        {
            switch (node)
            {
                case BarNode b:
                    throw Error(b.BarSpan, b.DoubleBar
                        ? "'||' outside parentheses: uncorrelated random effects are written in parentheses, (effects || group)"
                        : "'|' here is neither a random-effects term nor absorbed fixed effects: write random effects in parentheses, " +
                          "(effects | group); one '|' after all terms absorbs fixed effects (y ~ x | fe1 + fe2)");
                case UnaryNode u:
                    CheckNoBars(u.Operand);
                    break;
                case BinaryNode bin:
                    CheckNoBars(bin.Left);
                    CheckNoBars(bin.Right);
                    break;
                case CallNode c:
                    foreach (var a in c.Arguments) CheckNoBars(a.Value);
                    break;
                case RandomTermNode r:
                    CheckNoBars(r.Effects);
                    CheckNoBars(r.Grouping);
                    break;
            }
        }

        private static (int Left, int Right, BinaryOperator? Op)? Infix(TokenKind kind) => kind switch
        {
            TokenKind.Bar or TokenKind.DoubleBar => (BarPrecedence, BarPrecedence + 1, null),
            TokenKind.Plus => (SumPrecedence, SumPrecedence + 1, BinaryOperator.Plus),
            TokenKind.Minus => (SumPrecedence, SumPrecedence + 1, BinaryOperator.Minus),
            TokenKind.Star => (ProductPrecedence, ProductPrecedence + 1, BinaryOperator.Times),
            TokenKind.Slash => (ProductPrecedence, ProductPrecedence + 1, BinaryOperator.Divide),
            TokenKind.In => (InPrecedence, InPrecedence + 1, BinaryOperator.In),
            TokenKind.Colon => (InteractionPrecedence, InteractionPrecedence + 1, BinaryOperator.Interaction),
            TokenKind.Caret => (PowerPrecedence, PowerPrecedence, BinaryOperator.Power),
            _ => null,
        };

        private FormulaNode ParseExpression(int minPrecedence)
        {
            var left = ParsePrefix();
            while (true)
            {
                var token = Peek;
                var infix = Infix(token.Kind);
                if (infix is null || infix.Value.Left < minPrecedence) break;
                Advance();
                ExpectOperand(token);
                var right = ParseExpression(infix.Value.Right);
                var span = SourceSpan.Cover(left.Span, right.Span);
                left = infix.Value.Op is { } op
                    ? new BinaryNode(op, left, right, span)
                    : new BarNode(left, right, token.Kind == TokenKind.DoubleBar, span, token.Span);
            }
            return left;
        }

        /// <summary>After an operator: the next token must be able to start an operand.</summary>
        private void ExpectOperand(Token op)
        {
            var next = Peek;
            switch (next.Kind)
            {
                case TokenKind.End:
                    throw Error(op.Span, $"'{op.Text}' has nothing after it: expected a term");
                case TokenKind.RightParen:
                case TokenKind.Comma:
                    throw Error(op.Span, $"'{op.Text}' has nothing after it before {next.Describe()}: expected a term");
                case TokenKind.Name:
                case TokenKind.Number:
                case TokenKind.String:
                case TokenKind.LeftParen:
                case TokenKind.Minus:
                case TokenKind.Plus:
                    return;
                default:
                    throw Error(next.Span, $"expected a term between '{op.Text}' and '{next.Text}'");
            }
        }

        private FormulaNode ParsePrefix()
        {
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.Minus:
                case TokenKind.Plus:
                    {
                        Advance();
                        ExpectOperand(token);
                        var operand = ParseExpression(PrefixPrecedence);
                        var op = token.Kind == TokenKind.Minus ? UnaryOperator.Minus : UnaryOperator.Plus;
                        return new UnaryNode(op, operand, SourceSpan.Cover(token.Span, operand.Span));
                    }
                case TokenKind.Number:
                    Advance();
                    return new NumberNode(token.Number, token.Span);
                case TokenKind.String:
                    Advance();
                    return new StringNode(token.Text, token.Span);
                case TokenKind.Name:
                    Advance();
                    if (Peek.Kind == TokenKind.LeftParen) return ParseCall(token);
                    if (token.Text == "." && text[token.Span.Start] != '`')
                    {
                        throw Error(token.Span, "'.' (all other columns) is not supported; list the columns");
                    }
                    return new VariableNode(token.Text, token.Span);
                case TokenKind.LeftParen:
                    return ParseParenthesized();
                case TokenKind.End:
                    throw Error(token.Span, "the formula ends where a term was expected");
                case TokenKind.RightParen:
                    throw Error(token.Span, "expected a term before ')'");
                case TokenKind.Tilde:
                    throw Error(token.Span, "a formula has only one '~'");
                default:
                    throw Error(token.Span, $"expected a term before '{token.Text}'");
            }
        }

        private FormulaNode ParseParenthesized()
        {
            var open = Advance();
            if (Peek.Kind == TokenKind.RightParen)
            {
                throw Error(SourceSpan.Cover(open.Span, Peek.Span), "empty parentheses: expected a term inside");
            }
            var inner = ParseExpression(0);
            var close = ExpectClose(open, "");
            var span = SourceSpan.Cover(open.Span, close.Span);
            if (inner is BarNode bar)
            {
                if (bar.Left is BarNode first)
                {
                    throw Error(bar.BarSpan,
                        $"a random-effects term has one bar: (effects | group); the first is at column {first.BarSpan.Start + 1}");
                }
                return new RandomTermNode(bar.Left, bar.Right, bar.DoubleBar, span);
            }
            return inner;
        }

        private Token ExpectClose(Token open, string function)
        {
            if (Peek.Kind == TokenKind.RightParen) return Advance();
            string what = function.Length == 0 ? "'('" : $"'(' of {function}(";
            if (Peek.Kind == TokenKind.End)
            {
                throw Error(open.Span, $"{what} is never closed: expected ')'");
            }
            if (Peek.Kind == TokenKind.Tilde)
            {
                throw Error(open.Span, $"{what} is not closed before '~': expected ')'");
            }
            throw Error(Peek.Span, function.Length == 0
                ? $"expected an operator or ')' before {Peek.Describe()}"
                : $"expected ',' or ')' in the arguments of {function}() before {Peek.Describe()}");
        }

        private CallNode ParseCall(Token name)
        {
            var function = FormulaFunctions.Find(name.Text);
            if (function is null)
            {
                string? guess = NameSuggestion.Closest(name.Text, FormulaFunctions.All.Select(f => f.Name));
                string known = string.Join(", ", FormulaFunctions.All.Select(f => f.Name));
                throw Error(name.Span, $"unknown function '{name.Text}'" +
                    (guess is null ? "" : $" (did you mean '{guess}'?)") + $"; formulas know: {known}");
            }
            var open = Advance();
            var args = new List<CallArgument>();
            if (Peek.Kind != TokenKind.RightParen)
            {
                while (true)
                {
                    string? argName = null;
                    if (Peek.Kind == TokenKind.Name && PeekAt(1).Kind == TokenKind.Equals)
                    {
                        var n = Advance();
                        var eq = Advance();
                        argName = n.Text;
                        if (!function.Parameters.Contains(argName))
                        {
                            throw Error(n.Span, $"{function.Name}() has no argument '{argName}'; usage: {function.Usage}");
                        }
                        if (args.Any(a => a.Name == argName))
                        {
                            throw Error(n.Span, $"argument '{argName}' of {function.Name}() is given twice");
                        }
                        ExpectOperand(eq);
                    }
                    else if (Peek.Kind is TokenKind.Comma or TokenKind.RightParen)
                    {
                        throw Error(Peek.Span, $"expected an argument of {function.Name}() before {Peek.Describe()}");
                    }
                    else if (Peek.Kind == TokenKind.End)
                    {
                        throw Error(open.Span, $"'(' of {function.Name}( is never closed: expected ')'");
                    }
                    var value = ParseExpression(BarPrecedence);
                    args.Add(new CallArgument(argName, value));
                    if (Peek.Kind == TokenKind.Comma)
                    {
                        Advance();
                        continue;
                    }
                    break;
                }
            }
            var close = ExpectClose(open, function.Name);
            var span = SourceSpan.Cover(name.Span, close.Span);
            if (args.Count < function.MinArguments || args.Count > function.MaxArguments)
            {
                string count = function.MinArguments == function.MaxArguments
                    ? $"{function.MinArguments}"
                    : $"{function.MinArguments} to {function.MaxArguments}";
                throw Error(span, $"{function.Name}() takes {count} argument{(function.MaxArguments == 1 ? "" : "s")}, " +
                    $"not {args.Count}; usage: {function.Usage}");
            }
            var call = new CallNode(function.Name, args, span, name.Span);
            FormulaFunctionArguments.Bind(call, text); // checks that positional and named arguments fit
            return call;
        }
    }
}
