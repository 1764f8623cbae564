using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Simulation;
using Xunit;

namespace Multilevel.Tests.Simulation;

/// <summary>The slides' simulated examples against their known truth, and the generator's transformations.</summary>
public class ScenarioTests
{
    private static (double[] Y, double[] X, int[] G) Columns(SimulatedData d)
    {
        var names = d.Columns.ToList();
        var y = d.Values[names.IndexOf(d.Design.ResponseColumn)];
        var x = d.Values[names.IndexOf(d.Design.CovariateColumn)];
        var g = d.Values[names.IndexOf(d.Design.GroupColumn)].Select(v => (int)v - 1).ToArray();
        return (y, x, g);
    }

    private static double PooledSlope(double[] y, double[] x)
    {
        double mx = x.Average(), my = y.Average();
        return x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / x.Sum(v => (v - mx) * (v - mx));
    }

    private static double WithinSlope(double[] y, double[] x, int[] g)
    {
        int groups = g.Max() + 1;
        var mx = new double[groups];
        var my = new double[groups];
        var count = new int[groups];
        for (int i = 0; i < y.Length; i++)
        {
            mx[g[i]] += x[i];
            my[g[i]] += y[i];
            count[g[i]]++;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double dx = x[i] - mx[g[i]] / count[g[i]], dy = y[i] - my[g[i]] / count[g[i]];
            sxy += dx * dy;
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    private static LinearMixedModelFit RandomIntercept(SimulatedData d)
    {
        var (y, x, g) = Columns(d);
        int n = y.Length;
        var levels = Enumerable.Range(1, d.Design.Groups).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var design = new ModelDesign
        {
            FormulaText = $"{d.Design.ResponseColumn} ~ {d.Design.CovariateColumn} + (1|{d.Design.GroupColumn})",
            Response = new Response(d.Design.ResponseColumn, y),
            X = new FixedEffectsMatrix([.. Enumerable.Repeat(1.0, n), .. x], n, ["(Intercept)", d.Design.CovariateColumn]),
            RandomEffects = [new ReTerm(d.Design.GroupColumn, levels, g, ["(Intercept)"], [.. Enumerable.Repeat(1.0, n)])],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
        return LinearMixedModel.Fit(design);
    }

    [Fact]
    public void ExamsRecoverTheirParameters()
    {
        var data = DesignSimulator.Simulate(SlideScenarios.Exams.Design, 2024, "exams");
        Assert.Equal(["student", "exam", "hours", "score"], data.Columns);
        Assert.Equal(500, data.Rows);
        var fit = RandomIntercept(data);
        // β₁ = 0.75 within 4 standard errors; τ = 0.7 and σ = 0.2 within sampling error (100 students, 400 residual df)
        Assert.InRange((fit.FixedEffects[1] - 0.75) / fit.StandardErrors[1], -4, 4);
        Assert.InRange(fit.VarCorr[0].StandardDeviationOrCorrelation, 0.7 * 0.8, 0.7 * 1.2);
        Assert.InRange(fit.Sigma, 0.2 * 0.9, 0.2 * 1.1);
        var (_, x, _) = Columns(data);
        Assert.All(x, v => Assert.InRange(v, -0.7, 0.7));
    }

    [Fact]
    public void CorrelatedAptitudeBiasesPooledAndRandomEffectsButNotWithin()
    {
        var data = DesignSimulator.Simulate(SlideScenarios.ExamsCorrelated.Design, 2024, "exams-correlated");
        var (y, x, g) = Columns(data);
        double pooled = PooledSlope(y, x);
        Assert.InRange(pooled, 1.45, 1.75);          // ≈ 0.75 + 0.245/0.286 = 1.607
        double within = WithinSlope(y, x, g);
        Assert.InRange(within, 0.70, 0.80);          // SE ≈ 0.2/√(400·0.163) ≈ 0.025
        var re = RandomIntercept(data).FixedEffects[1];
        Assert.True(re > within + 0.02, $"random-effects slope {re} should be biased upward from the within slope {within}");
    }

    [Fact]
    public void CountiesReverseTheSlopeBetweenAndWithinStates()
    {
        var data = DesignSimulator.Simulate(SlideScenarios.Counties.Design, 2024, "counties");
        var (y, x, g) = Columns(data);
        Assert.True(PooledSlope(y, x) < 0, "pooled slope should be negative");
        Assert.InRange(WithinSlope(y, x, g), 1.6, 2.4);     // true 2, SE ≈ 2/√210 ≈ 0.14
    }

    [Fact]
    public void VotersDrawBernoulliWithTheirLogitProbabilities()
    {
        var design = SlideScenarios.Voters.Design with { IncludeTruth = true };
        var data = DesignSimulator.Simulate(design, 2024, "voters");
        var names = data.Columns.ToList();
        Assert.Equal(["state", "voter", "income", "avg_income", "vote", "true_intercept", "true_slope"], names);
        var y = data.Values[names.IndexOf("vote")];
        var x = data.Values[names.IndexOf("income")];
        var w = data.Values[names.IndexOf("avg_income")];
        var a = data.Values[names.IndexOf("true_intercept")];
        var b = data.Values[names.IndexOf("true_slope")];
        Assert.All(y, v => Assert.True(v is 0 or 1));
        double expected = 0, variance = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double eta = -0.3 + 0.5 * x[i] + 0.8 * w[i] - 0.4 * w[i] * x[i] + a[i] + b[i] * x[i];
            double p = 1 / (1 + Math.Exp(-eta));
            expected += p;
            variance += p * (1 - p);
        }
        Assert.InRange(y.Sum() - expected, -4 * Math.Sqrt(variance), 4 * Math.Sqrt(variance));
        // avg_income is each state's mean income in the data
        for (int s = 0; s < 50; s++) Assert.Equal(x.Skip(s * 60).Take(60).Average(), w[s * 60], 12);
    }

    [Fact]
    public void SameSeedSameDataAndTheCsvRoundTrips()
    {
        var a = DesignSimulator.Simulate(SlideScenarios.Counties.Design, 99);
        var b = DesignSimulator.Simulate(SlideScenarios.Counties.Design, 99);
        var c = DesignSimulator.Simulate(SlideScenarios.Counties.Design, 100);
        Assert.Equal(a.ToCsv(), b.ToCsv());
        Assert.NotEqual(a.ToCsv(), c.ToCsv());
        var lines = a.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(226, lines.Length);
        var fields = lines[1].Split(',');
        Assert.Equal(a.Values[2][0], double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ZigguratLayersHaveEqualAreasUnderTheCurve()
    {
        // each layer i ≥ 1: X[i] (f(X[i+1]) − f(X[i])) = V; the base: R f(R) + ∫_R^∞ f = V (f(x) = exp(−x²/2))
        var x = RandomStream.Ziggurat.X;
        const double v = RandomStream.Ziggurat.V, r = RandomStream.Ziggurat.R;
        static double F(double t) => Math.Exp(-0.5 * t * t);
        for (int i = 1; i < RandomStream.Ziggurat.Layers - 1; i++)
        {
            Assert.Equal(v, x[i] * (F(x[i + 1]) - F(x[i])), 1e-12);
        }
        double tail = Math.Sqrt(Math.PI / 2) * MathNet.Numerics.SpecialFunctions.Erfc(r / Math.Sqrt(2));
        Assert.Equal(v, r * F(r) + tail, 1e-9);
        Assert.Equal(v, x[0] * F(r), 1e-15);
        // the top layer closes at 0 with the same area (to the precision of Doornik's R and V)
        Assert.Equal(v, x[RandomStream.Ziggurat.Layers - 1] * (1 - F(x[RandomStream.Ziggurat.Layers - 1])), 1e-9);
    }

    [Fact]
    public void NormalTailsHaveTheirProbabilities()
    {
        // beyond the ziggurat's base R = 3.4426 (the tail algorithm) and beyond 2 (the wedges): frequencies within 5 sd
        var r = new RandomStream(77);
        const int n = 2_000_000;
        int beyondR = 0, beyond2 = 0;
        double sum2 = 0;
        for (int i = 0; i < n; i++)
        {
            double z = r.NextNormal();
            sum2 += z * z;
            if (Math.Abs(z) > RandomStream.Ziggurat.R) beyondR++;
            if (Math.Abs(z) > 2) beyond2++;
        }
        double pR = 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -RandomStream.Ziggurat.R);
        double p2 = 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -2);
        Assert.InRange(beyondR, n * pR - 5 * Math.Sqrt(n * pR), n * pR + 5 * Math.Sqrt(n * pR));
        Assert.InRange(beyond2, n * p2 - 5 * Math.Sqrt(n * p2), n * p2 + 5 * Math.Sqrt(n * p2));
        Assert.InRange(sum2 / n, 1 - 5 * Math.Sqrt(2.0 / n), 1 + 5 * Math.Sqrt(2.0 / n));
    }
}
