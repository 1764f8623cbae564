using System.Text.Json;
using Multilevel.Reporting;
using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>The statistics behind the plots against R (fixtures/reference-extra/plot_statistics.json, made by fixtures/scripts/make-plot-statistics.R).</summary>
public class PlotStatisticsTests
{
    private static readonly JsonElement Ref = SampleData.Reference("plot_statistics.json", "reference-extra");

    private static double[] Data(string name)
    {
        if (name == "small") return [3.1, -2.4, 0.5, 7.75, 1.2, 1.2, -0.3, 4.4, 2.9, 10.6, -5.05, 28.0];
        var c = SampleData.ReadCsv(SampleData.Fixture("data", "hsb.csv"));
        return SampleData.Numbers(c[name]);
    }

    private static double[] Array(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    /// <summary>Relative comparison; R's JSON carries 15 significant digits, so no tolerance is tighter than 1e-14.</summary>
    private static void Close(double expected, double actual, double relTol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Math.Max(relTol, 1e-14) * Math.Max(1e-300, Math.Abs(expected)), $"{what}: {actual} vs R {expected}");

    [Theory]
    [InlineData("small")]
    [InlineData("mathach")]
    [InlineData("ses")]
    public void QuantilesAndWhiskersMatchR(string set)
    {
        var r = Ref.GetProperty("stats").GetProperty(set);
        double[] x = Data(set);
        double[] probs = Array(r.GetProperty("probs"));
        double[] q = Array(r.GetProperty("quantiles"));
        for (int i = 0; i < probs.Length; i++) Close(q[i], PlotStatistics.Quantile(x, probs[i]), 1e-13, $"quantile {probs[i]}");
        var box = PlotStatistics.Box(x);
        Close(q[2], box.LowerQuartile, 1e-13, "Q1");
        Close(q[3], box.Median, 1e-13, "median");
        Close(q[4], box.UpperQuartile, 1e-13, "Q3");
        Assert.Equal(r.GetProperty("lower_whisker").GetDouble(), box.LowerWhisker);
        Assert.Equal(r.GetProperty("upper_whisker").GetDouble(), box.UpperWhisker);
        Assert.Equal(r.GetProperty("n_outliers").GetInt32(), box.Outliers.Length);
    }

    [Theory]
    [InlineData("small")]
    [InlineData("mathach")]
    [InlineData("ses")]
    public void SilvermanBandwidthAndExactKernelDensityMatchR(string set)
    {
        var r = Ref.GetProperty("stats").GetProperty(set);
        double[] x = Data(set);
        double h = PlotStatistics.SilvermanBandwidth(x);
        Close(r.GetProperty("bw_nrd0").GetDouble(), h, 1e-12, "bw.nrd0");
        var kde = PlotStatistics.KernelDensity(x);
        int[] idx = [.. r.GetProperty("density_index").EnumerateArray().Select(e => e.GetInt32())];
        double[] gx = Array(r.GetProperty("density_x"));
        double[] gd = Array(r.GetProperty("density"));
        for (int k = 0; k < idx.Length; k++)
        {
            Close(gx[k], kde.X[idx[k]], 1e-12, $"grid point {idx[k]}");
            // Kernels beyond 8.5 bandwidths are skipped: their weight is below exp(-36) ≈ 2e-16 of the peak's.
            Close(gd[k], kde.Density[idx[k]], 1e-10, $"density at grid point {idx[k]}");
        }
    }

    [Fact]
    public void KernelDensityIntegratesToOne()
    {
        var kde = PlotStatistics.KernelDensity(Data("small"), points: 2048);
        double area = 0;
        for (int i = 1; i < kde.X.Length; i++) area += (kde.X[i] - kde.X[i - 1]) * (kde.Density[i] + kde.Density[i - 1]) / 2;
        // Cutting at 3 bandwidths beyond the extremes loses at most 2·Φ(−3)/n of the mass at each end.
        Assert.InRange(area, 0.997, 1.0 + 1e-6);
    }

    [Fact]
    public void ProbabilityPointsMatchR()
    {
        var p = Ref.GetProperty("ppoints");
        foreach (var (name, n) in new[] { ("n5", 5), ("n10", 10), ("n11", 11), ("n20", 20) })
        {
            double[] expected = Array(p.GetProperty(name));
            double[] actual = PlotStatistics.ProbabilityPoints(n);
            for (int i = 0; i < n; i++) Close(expected[i], actual[i], 1e-15, $"ppoints({n})[{i}]");
        }
    }

    [Theory]
    [InlineData("small")]
    [InlineData("mathach")]
    public void QqCoordinatesAndLineMatchR(string set)
    {
        var r = Ref.GetProperty("stats").GetProperty(set);
        var (t, s, a, b) = PlotStatistics.NormalQq(Data(set));
        double[] first = Array(r.GetProperty("qq_theoretical_first"));
        for (int i = 0; i < first.Length; i++) Close(first[i], t[i], 1e-12, $"theoretical quantile {i}");
        Assert.True(s.Zip(s.Skip(1)).All(p => p.First <= p.Second));
        Close(r.GetProperty("qqline_intercept").GetDouble(), a, 1e-12, "qqline intercept");
        Close(r.GetProperty("qqline_slope").GetDouble(), b, 1e-12, "qqline slope");
    }

    [Fact]
    public void GroupMeansAndDemeaningSkipMissingValues()
    {
        double[] v = [1, 2, double.NaN, 10, 20, 5];
        int[] codes = [0, 0, 0, 1, 1, -1];
        double[] means = PlotStatistics.GroupMeans(v, codes, 3);
        Assert.Equal(1.5, means[0]);
        Assert.Equal(15, means[1]);
        Assert.True(double.IsNaN(means[2]));
        double[] d = PlotStatistics.Demean(v, codes, 3);
        Assert.Equal([-0.5, 0.5], d[..2]);
        Assert.True(double.IsNaN(d[2]) && double.IsNaN(d[5]));
        Assert.Equal([-5.0, 5.0], d[3..5]);
    }

    [Fact]
    public void LocalLinearSmoothReproducesAStraightLine()
    {
        var x = Enumerable.Range(0, 200).Select(i => (i * 37 % 200) / 10.0).ToArray();
        var y = x.Select(v => 3 - 0.5 * v).ToArray();
        var (gx, gy) = PlotStatistics.LocalLinearSmooth(x, y);
        Assert.Equal(80, gx.Length);
        for (int i = 0; i < gx.Length; i++) Assert.True(Math.Abs(gy[i] - (3 - 0.5 * gx[i])) < 1e-9, $"smooth at {gx[i]} is {gy[i]}");
    }

    [Fact]
    public void BoxNeedsAFiniteValue() =>
        Assert.Throws<PlotDataException>(() => PlotStatistics.Box([double.NaN, double.PositiveInfinity]));
}
