using Multilevel.Formulas;
using Xunit;

namespace Multilevel.Tests.Formulas;

/// <summary>Term expansion against R's <c>terms()</c>. Each expected row is what R 4.x prints for
/// <c>attr(terms(f), "term.labels")</c> and <c>attr(terms(f), "intercept")</c> (checked with R 4.2 on
/// this machine); the rule each row exercises is in its comment.</summary>
public class TermsTests
{
    [Theory]
    // a*b = a + b + a:b
    [InlineData("y ~ a*b", "a|b|a:b", true)]
    // (a+b+c)^2: all interactions up to degree 2, ordered by degree, within a degree as generated
    [InlineData("y ~ (a+b+c)^2", "a|b|c|a:b|a:c|b:c", true)]
    [InlineData("y ~ (a+b+c)^3 - a:b", "a|b|c|a:c|b:c|a:b:c", true)]
    // a/b = a + a:b; (a+b)/c combines c with all variables on the left
    [InlineData("y ~ a/b", "a|a:b", true)]
    [InlineData("y ~ (a+b)/c", "a|b|a:b:c", true)]
    [InlineData("y ~ a/(b+c)", "a|a:b|a:c", true)]
    // %in%: each left term combined with all variables on the right; labels join variables in order of appearance
    [InlineData("y ~ b %in% a", "b:a", true)]
    [InlineData("y ~ (a+b) %in% c", "a:c|b:c", true)]
    [InlineData("y ~ a + b %in% a", "a|a:b", true)]
    // removal with '-', duplicates removed, order by degree
    [InlineData("y ~ a*b - a", "b|a:b", true)]
    [InlineData("y ~ a*b*c - a:b:c", "a|b|c|a:b|a:c|b:c", true)]
    [InlineData("y ~ b:a + a", "a|b:a", true)]
    [InlineData("y ~ a + a:b + b:a", "a|a:b", true)]
    [InlineData("y ~ a + a", "a", true)]
    [InlineData("y ~ x - x", "", true)]
    [InlineData("y ~ a + b - (1 + b)", "a", false)]
    // intercept control: the last 0/1 read wins; inside the right side of '-' the meaning flips
    [InlineData("y ~ 0 + a", "a", false)]
    [InlineData("y ~ a - 1", "a", false)]
    [InlineData("y ~ -1 + a", "a", false)]
    [InlineData("y ~ a + 0", "a", false)]
    [InlineData("y ~ a - 0", "a", true)]
    [InlineData("y ~ 0 + a + 1", "a", true)]
    [InlineData("y ~ 1", "", true)]
    [InlineData("y ~ 0", "", false)]
    [InlineData("y ~ -1", "", false)]
    // functions are variables, labelled by R's deparse
    [InlineData("log(y) ~ I(x ^ 2) + log(x+1) + scale(z)", "I(x^2)|log(x + 1)|scale(z)", true)]
    [InlineData("y ~ factor(g) + C(f, base = 2) + C(h,sum)", "factor(g)|C(f, base = 2)|C(h, sum)", true)]
    [InlineData("y ~ I(x/1e6) + I(-x) + I(x^-1)", "I(x/1e+06)|I(-x)|I(x^-1)", true)]
    // offsets are not terms
    [InlineData("y ~ a + offset(log(n))", "a", true)]
    // the response on the right side is dropped (R's model.matrix does it, with a warning)
    [InlineData("y ~ y + a", "a", true)]
    // random-effects terms leave the fixed part (lme4's nobars)
    [InlineData("y ~ a*b + (1 + a | g)", "a|b|a:b", true)]
    [InlineData("y ~ 0 + (1 | g)", "", false)]
    [InlineData("y ~ (1 | g)", "", true)]
    // absorbed fixed effects leave the fixed part (fixest)
    [InlineData("y ~ x + z | fe1 + fe2", "x|z", true)]
    public void FixedTermsMatchR(string formula, string labels, bool intercept)
    {
        var terms = FormulaTerms.Parse(formula);
        string[] expected = labels.Length == 0 ? [] : labels.Split('|');
        Assert.Equal(expected, terms.Fixed.Labels);
        Assert.Equal(intercept, terms.Fixed.HasIntercept);
    }

    [Fact]
    public void VariablesInOrderOfAppearanceResponseFirst()
    {
        var terms = FormulaTerms.Parse("y ~ b:a + c + a");
        Assert.Equal(["y", "b", "a", "c"], terms.Fixed.Variables.Select(v => v.Label));
        Assert.Equal(0, terms.Fixed.ResponseIndex);
        Assert.Equal([1, 1, 2], terms.Fixed.Terms.Select(t => t.Order));
    }

    [Fact]
    public void OffsetsAreRecorded()
    {
        var terms = FormulaTerms.Parse("y ~ a + offset(log(n)) + offset(z)");
        Assert.Equal(["offset(log(n))", "offset(z)"], terms.Fixed.Offsets.Select(o => o.Label));
    }

    [Fact]
    public void ResponseOnRightSideIsReported()
    {
        var terms = FormulaTerms.Parse("y ~ y + a");
        Assert.Contains(terms.Fixed.Messages, m => m.Contains("'y'", StringComparison.Ordinal));
    }

    /// <summary>R's TermCode: a variable is coded by contrasts when the term without it is empty or in an
    /// earlier term, else by indicators. R: model.matrix(~ a*b - a) gives bv, aq:bu, ar:bu, aq:bv, ar:bv
    /// (a by contrasts, b by indicators in a:b).</summary>
    [Fact]
    public void CodingFollowsRsMarginalityRule()
    {
        var terms = FormulaTerms.Parse("y ~ a*b - a").Fixed;
        var ab = terms.Terms.Single(t => t.Label == "a:b");
        Assert.Equal([FactorCoding.Contrasts, FactorCoding.Indicators], ab.Coding);
        var b = terms.Terms.Single(t => t.Label == "b");
        Assert.Equal([FactorCoding.Contrasts], b.Coding);

        var full = FormulaTerms.Parse("y ~ a*b").Fixed;
        Assert.All(full.Terms, t => Assert.All(t.Coding, c => Assert.Equal(FactorCoding.Contrasts, c)));

        // x:a without main effects: neither x nor a is marginal to an earlier term, so a factor a is coded
        // by indicators (R: model.matrix(~ x:a) gives x:ap, x:aq, x:ar)
        var xa = FormulaTerms.Parse("y ~ x:a").Fixed.Terms.Single();
        Assert.Equal([FactorCoding.Indicators, FactorCoding.Indicators], xa.Coding);
        // with x present first, a is coded by contrasts (R: model.matrix(~ x + a:x) gives x, x:aq, x:ar); the
        // code of the numeric x (term without x = a, absent) is indicators, which does not matter for a number
        var xa2 = FormulaTerms.Parse("y ~ x + a:x").Fixed.Terms[1];
        Assert.Equal([FactorCoding.Indicators, FactorCoding.Contrasts], xa2.Coding);
    }

    [Fact]
    public void RandomTermsFollowLme4()
    {
        var terms = FormulaTerms.Parse("Reaction ~ Days + (Days | Subject)");
        var re = Assert.Single(terms.RandomEffects);
        Assert.Equal("Subject", re.Grouping.Name);
        Assert.True(re.Effects.HasIntercept);
        Assert.Equal(["Days"], re.Effects.Labels);
        Assert.Equal("(1 + Days | Subject)", re.Label);
    }

    /// <summary>lme4's expandDoubleVerts: (Days || Subject) = (1 | Subject) + (0 + Days | Subject).</summary>
    [Fact]
    public void DoubleBarSplitsPerTerm()
    {
        var terms = FormulaTerms.Parse("Reaction ~ Days + (Days || Subject)");
        Assert.Equal(["(1 | Subject)", "(0 + Days | Subject)"], terms.RandomEffects.Select(r => r.Label));
        Assert.All(terms.RandomEffects, r => Assert.True(r.FromUncorrelated));
    }

    /// <summary>lme4's findbars(y ~ (1|a/b/c)) gives 1 | c:(b:a), 1 | b:a, 1 | a; with || the split comes
    /// first: findbars(expandDoubleVerts(y ~ (x + f || a/b))) gives (1|b:a), (1|a), (0+x|b:a), (0+x|a),
    /// (0+f|b:a), (0+f|a) (R 4.2, lme4 1.1-31).</summary>
    [Theory]
    [InlineData("y ~ (1 | batch/cask)", "(1 | cask:batch);(1 | batch)")]
    [InlineData("y ~ (1 | a/b/c)", "(1 | c:(b:a));(1 | b:a);(1 | a)")]
    [InlineData("y ~ (x + f || a/b)", "(1 | b:a);(1 | a);(0 + x | b:a);(0 + x | a);(0 + f | b:a);(0 + f | a)")]
    [InlineData("y ~ (1 | g1:g2) + (0 + x | g1)", "(1 | g1:g2);(0 + x | g1)")]
    [InlineData("y ~ x + (1 | g) + (1 | h) - 1", "(1 | g);(1 | h)")]
    public void NestingAndDoubleBarsExpandAsLme4(string formula, string expected)
    {
        var terms = FormulaTerms.Parse(formula);
        Assert.Equal(expected.Split(';'), terms.RandomEffects.Select(r => r.Label));
    }

    [Fact]
    public void NestedGroupingListsFactorsOutermostFirst()
    {
        var re = FormulaTerms.Parse("y ~ (1 | batch/cask)").RandomEffects;
        Assert.Equal(["cask", "batch"], re[0].Grouping.Factors.Select(f => f.ToString()));
        Assert.Equal(["batch"], re[1].Grouping.Factors.Select(f => f.ToString()));
    }

    [Fact]
    public void AbsorbedFactors()
    {
        var terms = FormulaTerms.Parse("y ~ x | fe1 + fe2^fe3 + factor(g)");
        Assert.Equal(["fe1", "fe2^fe3", "factor(g)"], terms.Absorbed.Select(a => a.Name));
        Assert.Equal(2, terms.Absorbed[1].Factors.Count);
    }

    [Theory]
    [InlineData("y ~ x + 2", 8, "only 1 (intercept) and 0")]
    [InlineData("y ~ (a+b)^x", 10, "whole number of at least 2")]
    [InlineData("y ~ a^1", 6, "whole number of at least 2")]
    [InlineData("y ~ x:(1|g)", 6, "added to the model with '+'")]
    [InlineData("y ~ x + cbind(a, b)", 8, "only allowed as the response")]
    [InlineData("y ~ (0 | g)", 5, "no effects")]
    [InlineData("y ~ (1 | log(g))", 9, "grouping factor must be")]
    [InlineData("y ~ x + offset(z):w", 8, "added to the model with '+'")]
    [InlineData("y ~ (1 + offset(z) | g)", 9, "fixed part")]
    [InlineData("y ~ x | fe1 - fe2", 8, "joined by '+'")]
    public void SemanticErrorsPointAtTheProblem(string formula, int position, string reason)
    {
        var ex = Assert.ThrowsAny<FormulaException>(() => FormulaTerms.Parse(formula));
        Assert.Equal(position, ex.Position);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }
}
