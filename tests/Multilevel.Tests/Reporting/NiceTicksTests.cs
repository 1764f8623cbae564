using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Multilevel.Reporting.Svg;
using Xunit;

namespace Multilevel.Tests.Reporting;

public class NiceTicksTests
{
    public static TheoryData<int> TickCases()
    {
        var data = new TheoryData<int>();
        int n = SampleData.Reference("plot_statistics.json", "reference-extra").GetProperty("ticks").GetArrayLength();
        for (int i = 0; i < n; i++) data.Add(i);
        return data;
    }

    /// <summary>Same labelling as R's labeling::extended (Talbot et al.'s reference implementation), to 1e-12 relative.</summary>
    [Theory]
    [MemberData(nameof(TickCases))]
    public void MatchesRLabelingExtended(int index)
    {
        var c = SampleData.Reference("plot_statistics.json", "reference-extra").GetProperty("ticks")[index];
        double min = c.GetProperty("min").GetDouble(), max = c.GetProperty("max").GetDouble();
        int m = c.GetProperty("m").GetInt32();
        double[] expected = [.. c.GetProperty("ticks").EnumerateArray().Select(e => e.GetDouble())];
        var t = NiceTicks.Extended(min, max, m);
        Assert.Equal(expected.Length, t.Values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - t.Values[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])),
                $"[{min}, {max}] m={m}: tick {i} is {t.Values[i]}, R gives {expected[i]}");
        }
    }

    [Fact]
    public void InsideTicksLieInTheRangeAreEvenlySpacedAndPrintDistinctly()
    {
        var gen = from a in Gen.Choose(-1_000_000, 1_000_000)
                  from width in Gen.Choose(1, 1_000_000)
                  from scale in Gen.Elements(1e-6, 1e-3, 1.0, 1e3)
                  from m in Gen.Choose(2, 10)
                  select (Lo: a * scale / 1000.0, Hi: (a + width) * scale / 1000.0, M: m);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var t = NiceTicks.Extended(c.Lo, c.Hi, c.M, onlyInside: true);
            double tol = 1e-9 * (c.Hi - c.Lo);
            bool inside = t.Values.All(v => v >= c.Lo - tol && v <= c.Hi + tol);
            bool even = t.Values.Length < 3 || Enumerable.Range(1, t.Values.Length - 1)
                .All(i => Math.Abs(t.Values[i] - t.Values[i - 1] - t.Step) <= 1e-6 * t.Step);
            bool distinct = t.Labels.Distinct().Count() == t.Labels.Length;
            return inside && even && distinct && t.Values.Length >= 2;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(-0.000307224, -0.000307223, 10)]   // a narrow range far from 0 (found by the property above)
    public void NarrowRangesFarFromZeroPrintDistinctly(double lo, double hi, int m)
    {
        var t = NiceTicks.Extended(lo, hi, m, onlyInside: true);
        Assert.True(t.Values.Length >= 2, $"{t.Values.Length} ticks");
        Assert.All(t.Values, v => Assert.InRange(v, lo - 1e-9 * (hi - lo), hi + 1e-9 * (hi - lo)));
        Assert.Equal(t.Labels.Length, t.Labels.Distinct().Count());
        for (int i = 1; i < t.Values.Length; i++) Assert.Equal(t.Step, t.Values[i] - t.Values[i - 1], 1e-6 * t.Step);
    }

    [Fact]
    public void StepsAreNiceNumbers()
    {
        double[] nice = [1, 2, 2.5, 3, 4, 5];
        foreach (var (lo, hi) in new[] { (0.0, 1.0), (-3.758, 2.692), (13.6, 67.1), (0.0123, 0.0456), (-250.0, 9000.0), (1e6, 3.3e6) })
        {
            var t = NiceTicks.Extended(lo, hi, 5, onlyInside: true);
            double mantissa = t.Step / Math.Pow(10, Math.Floor(Math.Log10(t.Step) + 1e-12));
            Assert.True(nice.Any(q => Math.Abs(mantissa - q) < 1e-9) || nice.Any(q => Math.Abs(mantissa - 2 * q) < 1e-9),
                $"step {t.Step} for [{lo}, {hi}] is not a nice number");
        }
    }

    [Fact]
    public void IncludesZeroWhenTheRangeSpansIt()
    {
        var t = NiceTicks.Extended(-3.758, 2.692, 6, onlyInside: true);
        Assert.Contains(0.0, t.Values);
    }

    [Fact]
    public void DegenerateRangeGivesOneTick()
    {
        var t = NiceTicks.Extended(5, 5, 5);
        Assert.Single(t.Values);
        Assert.Equal(5, t.Values[0]);
    }

    [Theory]
    [InlineData(2.5, 1)]
    [InlineData(0.25, 2)]
    [InlineData(20, 0)]
    [InlineData(0.0025, 4)]
    [InlineData(1, 0)]
    public void DecimalsFollowTheStep(double step, int decimals) => Assert.Equal(decimals, NiceTicks.DecimalsFor(step));

    [Theory]
    [InlineData(-2.0, 0, "\u22122")]
    [InlineData(-0.0001, 2, "0.00")]
    [InlineData(0.0, 1, "0.0")]
    [InlineData(12.5, 1, "12.5")]
    [InlineData(-0.25, 2, "\u22120.25")]
    [InlineData(2500000, 0, "2.5e+06")]
    [InlineData(1234.5, 1, "1234.5")]
    public void LabelsUseFixedDecimalsAndATrueMinusSign(double value, int decimals, string expected) =>
        Assert.Equal(expected, NiceTicks.FormatLabel(value, decimals));
}
