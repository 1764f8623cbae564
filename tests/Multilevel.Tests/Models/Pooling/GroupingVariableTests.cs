using Multilevel.Data;
using Multilevel.Models;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

public class GroupingVariableTests
{
    [Fact]
    public void CategoricalColumnKeepsLevelOrderAndDropsAbsentLevels()
    {
        var frame = new Frame([new CategoricalColumn("g", [2, 0, -1, 2, 0], ["c", "b", "a"])]);
        var g = GroupingVariable.FromColumn(frame, "g", [0, 1, 2, 3, 4]);
        Assert.Equal(["c", "a"], g.Levels);
        Assert.Equal([1, 0, -1, 1, 0], g.Codes);
        Assert.Equal(1, g.MissingCount);
    }

    [Fact]
    public void NumericColumnSortsLevelsNumericallyAndRowsWithMissingValuesAreDropped()
    {
        var frame = new Frame([new NumericColumn("s", [10, 9, double.NaN, 100, 9, 10])]);
        var g = GroupingVariable.FromColumn(frame, "s", [0, 1, 2, 3, 4, 5]);
        Assert.Equal(["9", "10", "100"], g.Levels);
        double[] y = [1, 2, 3, 4, 5, 6];
        var d = MakeDesign("y ~ 1", "y", y, [("(Intercept)", Ones(6))]);
        var (sub, gs, dropped) = GroupingVariable.DropMissing(d, [g]);
        Assert.Equal(1, dropped);
        Assert.Equal(5, sub.Observations);
        Assert.Equal(1, sub.RowsDropped);
        Assert.Equal([0, 1, 3, 4, 5], sub.RowIndex);
        Assert.Equal([1.0, 2, 4, 5, 6], sub.Response.Values);
        Assert.Equal([1, 0, 2, 0, 1], gs[0].Codes);
        Assert.Contains(sub.Messages, m => m.Contains("missing s"));
    }
}
