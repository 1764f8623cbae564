using System.Globalization;
using System.Text;

namespace Multilevel.Formulas;

/// <summary>Kinds of formula tokens.</summary>
internal enum TokenKind
{
    Name,
    Number,
    String,
    Tilde,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Colon,
    In,
    Bar,
    DoubleBar,
    LeftParen,
    RightParen,
    Comma,
    Equals,
    End,
}

/// <summary>One token: kind, where it stands, its text (names: without backticks; strings: unescaped) and
/// its value (numbers).</summary>
internal sealed record Token(TokenKind Kind, SourceSpan Span, string Text, double Number = 0)
{
    /// <summary>How the token is shown in messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the formula",
        TokenKind.Name => $"'{Text}'",
        TokenKind.Number => $"the number {Text}",
        TokenKind.String => "a string",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits formula text into tokens (R's lexical rules for names, numbers, strings and operators).</summary>
internal static class FormulaLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, SourceSpan.At(text.Length), ""));
                return tokens;
            }
            char c = text[i];
            int start = i;
            if (IsNameStart(c) && !(c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && IsNameChar(text[i])) i++;
                tokens.Add(new Token(TokenKind.Name, new SourceSpan(start, i - start), text[start..i]));
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '.')
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }
            switch (c)
            {
                case '`':
                    tokens.Add(ReadQuotedName(text, ref i));
                    continue;
                case '"':
                case '\'':
                    tokens.Add(ReadString(text, ref i));
                    continue;
                case '%':
                    {
                        int close = text.IndexOf('%', i + 1);
                        if (close < 0)
                        {
                            throw new FormulaException(text, new SourceSpan(i, 1),
                                "'%' starts an operator that is never closed; the formula operator is %in%");
                        }
                        string op = text[i..(close + 1)];
                        if (op != "%in%")
                        {
                            throw new FormulaException(text, new SourceSpan(i, op.Length),
                                $"unknown operator '{op}'; the only %-operator of formulas is %in%");
                        }
                        i = close + 1;
                        tokens.Add(new Token(TokenKind.In, new SourceSpan(start, 4), op));
                        continue;
                    }
                case '|':
                    if (i + 1 < text.Length && text[i + 1] == '|')
                    {
                        i += 2;
                        tokens.Add(new Token(TokenKind.DoubleBar, new SourceSpan(start, 2), "||"));
                    }
                    else
                    {
                        i++;
                        tokens.Add(new Token(TokenKind.Bar, new SourceSpan(start, 1), "|"));
                    }
                    continue;
                case '=' when i + 1 < text.Length && text[i + 1] == '=':
                    throw new FormulaException(text, new SourceSpan(i, 2), "comparisons ('==') are not supported in formulas");
            }
            TokenKind? kind = c switch
            {
                '~' => TokenKind.Tilde,
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '^' => TokenKind.Caret,
                ':' => TokenKind.Colon,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                '=' => TokenKind.Equals,
                _ => null,
            };
            if (kind is null)
            {
                string what = c switch
                {
                    '[' or ']' => "indexing with '[' is not supported in formulas; make a column in the data instead",
                    '$' => "'$' is not supported in formulas; name the column directly",
                    '<' or '>' or '!' or '&' => $"'{c}': comparisons and logical operators are not supported in formulas",
                    '{' or '}' => $"unexpected '{c}'; use parentheses to group terms",
                    _ => $"unexpected character '{c}'",
                };
                throw new FormulaException(text, new SourceSpan(i, 1), what);
            }
            i++;
            tokens.Add(new Token(kind.Value, new SourceSpan(start, 1), c.ToString()));
        }
    }

    public static bool IsNameStart(char c) => char.IsLetter(c) || c == '.' || c == '_';

    public static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '.' || c == '_';

    private static Token ReadNumber(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int save = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
            else
            {
                i = save;
            }
        }
        string literal = text[start..i];
        if (literal == ".")
        {
            throw new FormulaException(text, new SourceSpan(start, 1),
                "'.' (all other columns) is not supported; list the columns");
        }
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsInfinity(value))
        {
            throw new FormulaException(text, new SourceSpan(start, i - start), $"'{literal}' is not a number");
        }
        if (i < text.Length && text[i] == 'L') i++; // R's integer suffix: 2L
        if (i < text.Length && IsNameChar(text[i]))
        {
            int end = i;
            while (end < text.Length && IsNameChar(text[end])) end++;
            throw new FormulaException(text, new SourceSpan(start, end - start),
                $"'{text[start..end]}' is not a name (names cannot start with a digit; quote it as `{text[start..end]}`)");
        }
        return new Token(TokenKind.Number, new SourceSpan(start, i - start), literal, value);
    }

    private static Token ReadQuotedName(string text, ref int i)
    {
        int start = i;
        var sb = new StringBuilder();
        i++;
        while (i < text.Length && text[i] != '`')
        {
            if (text[i] == '\\' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
            i++;
        }
        if (i >= text.Length)
        {
            throw new FormulaException(text, new SourceSpan(start, 1), "the name quoted with ` is never closed: add a closing `");
        }
        i++;
        if (sb.Length == 0) throw new FormulaException(text, new SourceSpan(start, i - start), "an empty name ``");
        return new Token(TokenKind.Name, new SourceSpan(start, i - start), sb.ToString());
    }

    private static Token ReadString(string text, ref int i)
    {
        int start = i;
        char quote = text[i];
        var sb = new StringBuilder();
        i++;
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                sb.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
            }
            else
            {
                sb.Append(text[i]);
            }
            i++;
        }
        if (i >= text.Length)
        {
            throw new FormulaException(text, new SourceSpan(start, 1), $"the string starting here is never closed: add a closing {quote}");
        }
        i++;
        return new Token(TokenKind.String, new SourceSpan(start, i - start), sb.ToString());
    }
}
