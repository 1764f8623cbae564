using Multilevel.Formulas;
using Xunit;

namespace Multilevel.Tests.Formulas;

public class ParserTests
{
    [Theory]
    // canonical text is R's deparse (checked against R 4.2 deparse())
    [InlineData("mathach~ses*sector+(1|schoolid)", "mathach ~ ses * sector + (1 | schoolid)")]
    [InlineData("y ~ I(x^-1) + I(x/1e6) + C(f, base=2)", "y ~ I(x^-1) + I(x/1e+06) + C(f, base = 2)")]
    [InlineData("y ~ -(a:b) + (-a)^2", "y ~ -(a:b) + (-a)^2")]
    [InlineData("y ~ a:(b:c) + (a:b):c", "y ~ a:(b:c) + a:b:c")]
    [InlineData("~ x", "~x")]
    [InlineData("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbind(incidence, size - incidence) ~ period + (1 | herd)")]
    [InlineData("y ~ x | fe1 + fe2", "y ~ x | fe1 + fe2")]
    [InlineData("y ~ (Days || Subject)", "y ~ (Days || Subject)")]
    [InlineData("y ~ `my var` + x.1 + .x", "y ~ `my var` + x.1 + .x")]
    [InlineData("y ~ a %in% b + a/b", "y ~ a %in% b + a/b")]
    [InlineData("y~0.5e1+1e5+0.0001+123456", "y ~ 5 + 1e+05 + 1e-04 + 123456")]
    [InlineData("y ~ C(f, base = \"Cath\\\"olic\")", "y ~ C(f, base = \"Cath\\\"olic\")")]
    public void PrintsCanonicalText(string text, string canonical)
    {
        var f = Formula.Parse(text);
        Assert.Equal(canonical, f.ToString());
        Assert.True(Formula.Parse(canonical).SameAs(f));
    }

    [Fact]
    public void PrecedenceFollowsR()
    {
        // -a:b is (-a):b in R (unary minus binds tighter than ':'); a^-b^c is a^(-(b^c))
        var t = Formula.Parse("y ~ -a:b + a^-b^c + a*b/c + a + b:c %in% d").Terms;
        var sum = Assert.IsType<BinaryNode>(t);
        Assert.Equal(BinaryOperator.Plus, sum.Operator);
        var inTerm = Assert.IsType<BinaryNode>(sum.Right);
        Assert.Equal(BinaryOperator.In, inTerm.Operator);
        Assert.Equal(BinaryOperator.Interaction, Assert.IsType<BinaryNode>(inTerm.Left).Operator);
        var first = (BinaryNode)((BinaryNode)((BinaryNode)sum.Left).Left).Left;
        var negA = Assert.IsType<BinaryNode>(first.Left);
        Assert.Equal(BinaryOperator.Interaction, negA.Operator);
        Assert.IsType<UnaryNode>(negA.Left);
        var power = Assert.IsType<BinaryNode>(first.Right);
        Assert.Equal(BinaryOperator.Power, power.Operator);
        var neg = Assert.IsType<UnaryNode>(power.Right);
        Assert.Equal(BinaryOperator.Power, Assert.IsType<BinaryNode>(neg.Operand).Operator);
    }

    [Fact]
    public void SpansPointIntoTheText()
    {
        const string text = "y ~ log(x + 1) + (1 | g)";
        var f = Formula.Parse(text);
        var sum = (BinaryNode)f.Terms;
        Assert.Equal("log(x + 1)", text.Substring(sum.Left.Span.Start, sum.Left.Span.Length));
        Assert.Equal("(1 | g)", text.Substring(sum.Right.Span.Start, sum.Right.Span.Length));
        var call = (CallNode)sum.Left;
        Assert.Equal("log", text.Substring(call.NameSpan.Start, call.NameSpan.Length));
        Assert.Equal(text, f.Text);
    }

    [Fact]
    public void RandomTermsAndAbsorbedParts()
    {
        var f = Formula.Parse("y ~ x + (1 + x | g) | fe");
        Assert.NotNull(f.Absorbed);
        var re = Assert.IsType<RandomTermNode>(((BinaryNode)f.Terms).Right);
        Assert.False(re.Uncorrelated);
        Assert.Equal("g", re.Grouping.ToString());
        Assert.Equal("fe", f.Absorbed!.ToString());
    }

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("mathach ses", 8, "expected '~' or an operator before 'ses'")]
    [InlineData("y + x", 5, "no '~'")]
    [InlineData("y ~", 3, "nothing after '~'")]
    [InlineData("y ~ x +", 6, "'+' has nothing after it")]
    [InlineData("y ~ x + * z", 8, "expected a term between '+' and '*'")]
    [InlineData("y ~ (x + z", 4, "'(' is never closed")]
    [InlineData("y ~ x + z)", 9, "')' has no matching '('")]
    [InlineData("y ~ log(x", 7, "'(' of log( is never closed")]
    [InlineData("y ~ lg(x)", 4, "unknown function 'lg' (did you mean 'log'?)")]
    [InlineData("y ~ x || g", 6, "'||' outside parentheses")]
    [InlineData("y ~ x + (1 | g | h)", 15, "one bar")]
    [InlineData("y ~ x | a | b", 6, "more than one '|'")]
    [InlineData("y ~ log(x | g)", 10, "neither a random-effects term")]
    [InlineData("y ~ x ~ z", 6, "only one '~'")]
    [InlineData("y ~ x + ()", 8, "empty parentheses")]
    [InlineData("y ~ x $ z", 6, "'$'")]
    [InlineData("y ~ x %foo% z", 6, "unknown operator '%foo%'")]
    [InlineData("y ~ log(x, base = 2, 3)", 4, "takes 1 to 2 arguments")]
    [InlineData("y ~ log(x, bas = 2)", 11, "no argument 'bas'")]
    [InlineData("y ~ gmean(x)", 4, "takes 2 arguments")]
    [InlineData("y ~ .", 4, "'.'")]
    [InlineData("y ~ x + 2x", 8, "cannot start with a digit")]
    [InlineData("y ~ C(f, base = \"a)", 16, "never closed")]
    [InlineData("y ~ x[1]", 5, "indexing")]
    [InlineData("y ~ x == 1", 6, "comparisons")]
    public void SyntaxErrorsShowACaret(string text, int position, string reason)
    {
        var ex = Assert.ThrowsAny<FormulaException>(() => Formula.Parse(text));
        Assert.Equal(position, ex.Position);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IUsageError>(ex);
        // the message shows the formula and a caret under the position
        var lines = ex.Message.Split('\n');
        Assert.Equal("  " + text, lines[1]);
        Assert.Equal(position + 2, lines[2].IndexOf('^', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(100000, "1e+05")]
    [InlineData(123456, "123456")]
    [InlineData(0.0001, "1e-04")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e15, "1e+15")]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(1.0 / 3, "0.333333333333333")]
    [InlineData(1234567.1, "1234567.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e-300, "1e-300")]
    public void NumbersFormatAsR(double value, string text)
    {
        // R 4.2: as.character(c(100000, 123456, 1e-4, 0.001, 1e15, 0.1 + 0.2, 1/3, 1234567.1))
        Assert.Equal(text, RNumberFormat.Format(value));
    }
}
