using Multilevel.Data;
using Multilevel.Design;
using Xunit;

namespace Multilevel.Tests.Design;

/// <summary>Column names, coding and values of model matrices against R's <c>model.matrix</c>. The expected
/// values were printed by R 4.2 for the same data (the R code is in each comment).</summary>
public class ModelMatrixTests
{
    /// <summary>R: d &lt;- data.frame(y = sin(1:12), a = factor(rep(c("p","q","r"), 4)),
    /// b = factor(rep(c("u","v"), each = 6)), x = c(1:11, 100000)).</summary>
    internal static Frame SmallFrame()
    {
        var y = Enumerable.Range(1, 12).Select(i => Math.Sin(i)).ToArray();
        var a = Enumerable.Range(0, 12).Select(i => i % 3).ToArray();
        var b = Enumerable.Range(0, 12).Select(i => i / 6).ToArray();
        var x = Enumerable.Range(1, 11).Select(i => (double)i).Append(100000).ToArray();
        return new Frame([
            new NumericColumn("y", y),
            new CategoricalColumn("a", a, ["p", "q", "r"]),
            new CategoricalColumn("b", b, ["u", "v"]),
            new NumericColumn("x", x),
        ]);
    }

    private static string[] Names(string formula, Frame? frame = null)
    {
        var mf = ModelFrame.Create(formula, frame ?? SmallFrame());
        return [.. ModelMatrix.Build(mf.Terms.Fixed, mf).ColumnNames];
    }

    [Theory]
    // R: colnames(model.matrix(~ a:b, d)) and so on (R 4.2.2)
    [InlineData("y ~ a:b", "(Intercept);ap:bu;aq:bu;ar:bu;ap:bv;aq:bv;ar:bv")]
    [InlineData("y ~ x:a", "(Intercept);x:ap;x:aq;x:ar")]
    [InlineData("y ~ 0 + a + b", "ap;aq;ar;bv")]
    [InlineData("y ~ a*b - a", "(Intercept);bv;aq:bu;ar:bu;aq:bv;ar:bv")]
    [InlineData("y ~ 0 + a:b", "ap:bu;aq:bu;ar:bu;ap:bv;aq:bv;ar:bv")]
    [InlineData("y ~ x + a:x", "(Intercept);x;x:aq;x:ar")]
    [InlineData("y ~ C(a, sum)", "(Intercept);C(a, sum)1;C(a, sum)2")]
    [InlineData("y ~ C(a, contr.sum)", "(Intercept);C(a, contr.sum)1;C(a, contr.sum)2")]
    [InlineData("y ~ C(a, treatment)", "(Intercept);C(a, treatment)q;C(a, treatment)r")]
    [InlineData("y ~ C(a, base = 2)", "(Intercept);C(a, base = 2)1;C(a, base = 2)3")]
    [InlineData("y ~ 0 + C(a, sum)", "C(a, sum)p;C(a, sum)q;C(a, sum)r")]
    [InlineData("y ~ scale(x) + I(x^2) + log(x)", "(Intercept);scale(x);I(x^2);log(x)")]
    [InlineData("y ~ scale(x, center=FALSE) + log(x, 2) + sqrt(x/2)", "(Intercept);scale(x, center = FALSE);log(x, 2);sqrt(x/2)")]
    [InlineData("y ~ a + b %in% a", "(Intercept);aq;ar;ap:bv;aq:bv;ar:bv")]
    [InlineData("y ~ a:x:b", "(Intercept);ap:x:bu;aq:x:bu;ar:x:bu;ap:x:bv;aq:x:bv;ar:x:bv")]
    [InlineData("y ~ 0 + x + a", "x;ap;aq;ar")]
    [InlineData("y ~ 0 + x:a + b", "bu;bv;x:ap;x:aq;x:ar")]
    [InlineData("y ~ C(a, sum) + scale(x) + x:b", "(Intercept);C(a, sum)1;C(a, sum)2;scale(x);x:bu;x:bv")]
    // ours: a reference level by its label
    [InlineData("y ~ C(a, base = \"q\")", "(Intercept);C(a, base = \"q\")p;C(a, base = \"q\")r")]
    public void ColumnNamesMatchR(string formula, string names) => Assert.Equal(names.Split(';'), Names(formula));

    [Fact]
    public void LevelLabelsAreAppendedAsTheyAre()
    {
        // R: a factor livch with levels 0, 1, 2, 3+ gives columns livch1, livch2, livch3+ (mlmRev's Contraception)
        var frame = new Frame([
            new NumericColumn("use", [0, 1, 0, 1, 1, 0, 1, 0]),
            new CategoricalColumn("livch", [0, 1, 2, 3, 0, 1, 2, 3], ["0", "1", "2", "3+"]),
        ]);
        Assert.Equal(["(Intercept)", "livch1", "livch2", "livch3+"], Names("use ~ livch", frame));
    }

    [Fact]
    public void DefaultContrastsCanBeSum()
    {
        var mf = ModelFrame.Create("y ~ a + C(b, treatment)", SmallFrame(), new DesignOptions { Contrasts = ContrastKind.Sum });
        Assert.Equal(["(Intercept)", "a1", "a2", "C(b, treatment)v"], ModelMatrix.Build(mf.Terms.Fixed, mf).ColumnNames);
    }

    [Fact]
    public void UncorrelatedFactorTermKeepsAllItsLevelsTogether()
    {
        // lme4's expandDoubleVerts: (a || g) = (1 | g) + (0 + a | g), the factor as one term with indicator columns
        var design = DesignBuilder.Build("y ~ x + (a || b)", SmallFrame());
        Assert.Equal(["(Intercept)"], design.RandomEffects[0].ColumnNames);
        Assert.Equal(["ap", "aq", "ar"], design.RandomEffects[1].ColumnNames);
    }

    [Fact]
    public void FactorOfNumbersLabelsLevelsAsR()
    {
        // R: levels(factor(c(1:11, 100000)))[10:12] is "10" "11" "1e+05"
        var names = Names("y ~ factor(x)");
        Assert.Equal(["(Intercept)", "factor(x)2", "factor(x)3"], names.Take(3));
        Assert.Equal("factor(x)1e+05", names[^1]);
        Assert.Equal(12, names.Length);
    }

    [Fact]
    public void ValuesMatchR()
    {
        // R: model.matrix(~ C(a, sum) + scale(x) + x:b, d)[c(1, 5, 12), ] printed with 17 digits
        var mf = ModelFrame.Create("y ~ C(a, sum) + scale(x) + x:b", SmallFrame());
        var m = ModelMatrix.Build(mf.Terms.Fixed, mf);
        double At(int row, int col) => m.Values[col * m.Rows + row];
        double[][] expected =
        [
            [1, 1, 0, -0.28884834833520012, 1, 0],
            [1, 0, 1, -0.28870977595708341, 5, 0],
            [1, -1, -1, 3.17542646148809649, 0, 1e5],
        ];
        int[] rows = [0, 4, 11];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < 6; c++) Assert.Equal(expected[r][c], At(rows[r], c), 1e-14);
        }
        Assert.Equal([0, 1, 1, 2, 3, 3], m.Assign);
        Assert.Equal(["C(a, sum)", "scale(x)", "x:b"], m.TermLabels);
    }

    [Fact]
    public void InteractionOfTwoFactorsIsTheProductOfIndicators()
    {
        var frame = SmallFrame();
        var mf = ModelFrame.Create("y ~ 0 + a:b", frame);
        var m = ModelMatrix.Build(mf.Terms.Fixed, mf);
        var a = ((CategoricalColumn)frame["a"]).Codes;
        var b = ((CategoricalColumn)frame["b"]).Codes;
        for (int i = 0; i < 12; i++)
        {
            for (int c = 0; c < 6; c++)
            {
                double expected = a[i] == c % 3 && b[i] == c / 3 ? 1 : 0;
                Assert.Equal(expected, m.Values[c * 12 + i]);
            }
        }
    }
}
