using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;
using Xunit;

namespace Multilevel.Tests.Design;

public class DesignErrorTests
{
    private static readonly Lazy<Frame> Hsb = new(() => FixtureData.Load("hsb.csv"));
    private static readonly Lazy<Frame> Penicillin = new(() => FixtureData.Load("penicillin.csv"));

    [Fact]
    public void UnknownColumnShowsCaretSuggestionAndColumns()
    {
        var ex = Assert.Throws<UnknownFormulaColumnException>(() => DesignBuilder.Build("mathach ~ sess + (1 | schoolid)", Hsb.Value));
        Assert.Equal("sess", ex.Column);
        Assert.Equal(10, ex.Span.Start);
        Assert.Equal("ses", ex.Suggestion);
        var lines = ex.Message.Split('\n');
        Assert.Contains("unknown column 'sess' (did you mean 'ses'?)", lines[0], StringComparison.Ordinal);
        Assert.Equal("  mathach ~ sess + (1 | schoolid)", lines[1]);
        Assert.Equal("            ^^^^", lines[2]);
        Assert.StartsWith("the data has: schoolid, minority, female, ses, mathach", lines[3], StringComparison.Ordinal);
        Assert.IsAssignableFrom<UnknownColumnException>(ex);
        Assert.IsNotAssignableFrom<IUsageError>(ex);
    }

    [Theory]
    [InlineData("mathach ~ ses + (1 | school)", 21, "schoolid")]
    [InlineData("mathach ~ I(Ses^2)", 12, "ses")]
    [InlineData("Mathach ~ ses", 0, "mathach")]
    [InlineData("mathach ~ ses | scholid", 16, "schoolid")]
    [InlineData("mathach ~ ses + factor(school)", 23, "schoolid")]
    public void UnknownColumnsAnywhere(string formula, int position, string suggestion)
    {
        var ex = Assert.Throws<UnknownFormulaColumnException>(() => DesignBuilder.Build(formula, Hsb.Value));
        Assert.Equal(position, ex.Span.Start);
        Assert.Equal(suggestion, ex.Suggestion);
    }

    [Theory]
    [InlineData("diameter ~ log(plate)", 15)]
    [InlineData("diameter ~ I(sample^2)", 13)]
    [InlineData("diameter ~ plate + I(sample * 2)", 21)]
    [InlineData("sample ~ plate", 0)]
    [InlineData("cbind(diameter, sample) ~ 1", 16)]
    [InlineData("diameter ~ scale(plate)", 17)]
    [InlineData("diameter ~ gmean(sample, plate)", 17)]
    public void CategoricalUsedAsANumber(string formula, int position)
    {
        var options = new DesignOptions { Response = formula.StartsWith("cbind", StringComparison.Ordinal) ? ResponseKind.Binomial : ResponseKind.Numeric };
        var ex = Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build(formula, Penicillin.Value, options));
        Assert.Equal(position, ex.Span.Start);
        Assert.Contains("categorical", ex.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ModelSpecificationException>(ex);
        Assert.Contains("^", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoRowsLeft()
    {
        var frame = new Frame([
            new NumericColumn("y", [1, double.NaN, 3]),
            new NumericColumn("x", [double.NaN, 2, double.NaN]),
        ]);
        var ex = Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ x", frame));
        Assert.Contains("no rows left", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("x (2 rows)", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("y (1 rows)", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleLevelFactorCannotTakeContrasts()
    {
        var frame = new Frame([
            new NumericColumn("y", [1, 2, 3]),
            new CategoricalColumn("f", [1, 1, 1], ["a", "b"]),
        ]);
        var ex = Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ f", frame));
        Assert.Contains("single level", ex.Reason, StringComparison.Ordinal);
        // R errors without an intercept too (only factors with more than one level get indicator coding):
        // model.matrix(y ~ 0 + f) says "contrasts can be applied only to factors with 2 or more levels"
        Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ 0 + f", frame));
    }

    [Fact]
    public void BadContrastArguments()
    {
        var frame = ModelMatrixTests.SmallFrame();
        Assert.Contains("unknown contrasts", Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ C(a, helmert)", frame)).Reason, StringComparison.Ordinal);
        Assert.Contains("not a level", Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ C(a, base = \"z\")", frame)).Reason, StringComparison.Ordinal);
        Assert.Contains("has 3 levels", Assert.Throws<FormulaEvaluationException>(() => DesignBuilder.Build("y ~ C(a, base = 4)", frame)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OneSidedFormulaHasNoResponse()
    {
        var ex = Assert.Throws<FormulaException>(() => DesignBuilder.Build("~ ses", Hsb.Value));
        Assert.Contains("no response", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorsAreUsageErrors()
    {
        var ex = Assert.ThrowsAny<FormulaException>(() => DesignBuilder.Build("mathach ~ ses +", Hsb.Value));
        Assert.IsAssignableFrom<IUsageError>(ex);
    }
}
