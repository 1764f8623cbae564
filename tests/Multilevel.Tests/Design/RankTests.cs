using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Numerics;
using Xunit;

namespace Multilevel.Tests.Design;

/// <summary>Aliased columns against R's NA coefficients from <c>lm</c> (R 4.2.2, code in the comments).</summary>
public class RankTests
{
    /// <summary>R: i &lt;- 1:40; e &lt;- data.frame(y = cos(i), x1 = sin(i), x2 = cos(0.7*i),
    /// a = factor(rep(c("p","q","r","s"), 10)), b = factor(rep(c("u","v"), each = 20)));
    /// e$x3 &lt;- e$x1 - 2*e$x2; e$x4 &lt;- as.numeric(e$a == "q").</summary>
    private static Frame Collinear(bool dropEmptyCell = false)
    {
        var rows = Enumerable.Range(1, 40).Where(i => !dropEmptyCell || !((i - 1) % 4 == 3 && (i - 1) / 20 == 1)).ToArray();
        return new Frame([
            new NumericColumn("y", [.. rows.Select(i => Math.Cos(i))]),
            new NumericColumn("x1", [.. rows.Select(i => Math.Sin(i))]),
            new NumericColumn("x2", [.. rows.Select(i => Math.Cos(0.7 * i))]),
            new NumericColumn("x3", [.. rows.Select(i => Math.Sin(i) - 2 * Math.Cos(0.7 * i))]),
            new NumericColumn("x4", [.. rows.Select(i => (i - 1) % 4 == 1 ? 1.0 : 0.0)]),
            new CategoricalColumn("a", [.. rows.Select(i => (i - 1) % 4)], ["p", "q", "r", "s"]),
            new CategoricalColumn("b", [.. rows.Select(i => (i - 1) / 20)], ["u", "v"]),
        ]);
    }

    [Theory]
    // names(which(is.na(coef(lm(y ~ x1 + x3 + x2, e))))) is "x2"
    [InlineData("y ~ x1 + x3 + x2", "x2")]
    // lm(y ~ x4 + a + x1, e): "aq"
    [InlineData("y ~ x4 + a + x1", "aq")]
    // lm(y ~ 0 + a + b + x4, e): "x4"
    [InlineData("y ~ 0 + a + b + x4", "x4")]
    public void AliasedColumnsAreThoseRReportsAsNA(string formula, string aliased)
    {
        var design = DesignBuilder.Build(formula, Collinear());
        Assert.Equal([aliased], design.X.AliasedColumns);
        Assert.DoesNotContain(aliased, design.X.ColumnNames);
        Assert.Contains(design.Messages, m => m.Contains(aliased, StringComparison.Ordinal) && m.Contains("rank deficient", StringComparison.Ordinal));
        Assert.Equal(design.X.Columns, design.Assign.Count);
    }

    [Fact]
    public void EmptyCellOfAnInteractionIsAliased()
    {
        // e2 <- e[!(e$a == "s" & e$b == "v"), ]; lm(y ~ a*b, e2): NA for "as:bv"
        var design = DesignBuilder.Build("y ~ a*b", Collinear(dropEmptyCell: true));
        Assert.Equal(["as:bv"], design.X.AliasedColumns);
        Assert.Equal(["(Intercept)", "aq", "ar", "as", "bv", "aq:bv", "ar:bv"], design.X.ColumnNames);
        Assert.Equal([0, 1, 1, 1, 2, 3, 3], design.Assign);
    }

    /// <summary>A tall matrix (5000 rows: the blocked triangular-factor path). R: j &lt;- 1:5000;
    /// f &lt;- data.frame(y = cos(j), x1 = sin(j), x2 = cos(0.3*j), x5 = sin(0.01*j));
    /// f$x3 &lt;- 0.5*f$x1 + 3*f$x2 - 1; lm(y ~ x1 + x2 + x3 + x5, f) gives NA for x3;
    /// lm(y ~ x3 + x1 + x5 + x2, f) gives NA for x2.</summary>
    [Theory]
    [InlineData("y ~ x1 + x2 + x3 + x5", "x3")]
    [InlineData("y ~ x3 + x1 + x5 + x2", "x2")]
    public void TallMatricesDecideAsR(string formula, string aliased)
    {
        var j = Enumerable.Range(1, 5000).ToArray();
        var frame = new Frame([
            new NumericColumn("y", [.. j.Select(i => Math.Cos(i))]),
            new NumericColumn("x1", [.. j.Select(i => Math.Sin(i))]),
            new NumericColumn("x2", [.. j.Select(i => Math.Cos(0.3 * i))]),
            new NumericColumn("x5", [.. j.Select(i => Math.Sin(0.01 * i))]),
            new NumericColumn("x3", [.. j.Select(i => 0.5 * Math.Sin(i) + 3 * Math.Cos(0.3 * i) - 1)]),
        ]);
        var design = DesignBuilder.Build(formula, frame);
        Assert.Equal([aliased], design.X.AliasedColumns);
    }

    [Fact]
    public void BlockedAndDirectDecisionsAgree()
    {
        // 3000 × 8 with three exact dependencies, checked both on X directly (short) and through the blocked factor
        const int n = 3000, p = 8;
        var x = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            x[0 * n + i] = 1;
            x[1 * n + i] = Math.Sin(i * 0.37);
            x[2 * n + i] = x[1 * n + i] * 2 - 1;          // = 2·c1 − c0
            x[3 * n + i] = Math.Cos(i * 0.11);
            x[4 * n + i] = 0;                               // zero column
            x[5 * n + i] = i % 7 == 0 ? 1 : 0;
            x[6 * n + i] = x[3 * n + i] + x[5 * n + i];     // = c3 + c5
            x[7 * n + i] = Math.Sin(i * 0.013) * 1e6;
        }
        var blocked = ColumnRank.Check(x, n, p);
        Assert.Equal(5, blocked.Rank);
        Assert.Equal([0, 1, 3, 5, 7], blocked.Kept);
        Assert.Equal([2, 4, 6], blocked.Aliased.Order());
        // the same on the first 20 rows (direct path)
        var small = new double[20 * p];
        for (int j = 0; j < p; j++) x.AsSpan(j * n, 20).CopyTo(small.AsSpan(j * 20, 20));
        var direct = ColumnRank.Check(small, 20, p);
        Assert.Equal([0, 1, 3, 5, 7], direct.Kept);
    }

    [Fact]
    public void MoreColumnsThanRows()
    {
        var x = new double[3 * 5];
        for (int j = 0; j < 5; j++)
        {
            for (int i = 0; i < 3; i++) x[j * 3 + i] = Math.Sin((i + 1) * (j + 2) * 0.77 + 0.3 * j);
        }
        var r = ColumnRank.Check(x, 3, 5);
        Assert.Equal(3, r.Rank);
        Assert.Equal([0, 1, 2], r.Kept);
        Assert.Equal([3, 4], r.Aliased);
    }

    [Fact]
    public void KeepingAliasedColumnsIsAnOption()
    {
        var design = DesignBuilder.Build("y ~ x1 + x3 + x2", Collinear(), new DesignOptions { DropAliasedColumns = false });
        Assert.Equal(["(Intercept)", "x1", "x3", "x2"], design.X.ColumnNames);
        Assert.Empty(design.X.AliasedColumns);
    }
}
