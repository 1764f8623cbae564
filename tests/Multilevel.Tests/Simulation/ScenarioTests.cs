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
    public void NormalsAreMarsagliasPolarMethodOnTheUniforms()
    {
        // the transformation written out independently: two uniforms on (−1, 1), accept s < 1, factor √(−2 ln s / s)
        var uniforms = new RandomStream(31);
        var normals = new RandomStream(31);
        for (int k = 0; k < 1000; k++)
        {
            double u, v, s;
            do
            {
                u = 2 * uniforms.NextDouble() - 1;
                v = 2 * uniforms.NextDouble() - 1;
                s = u * u + v * v;
            }
            while (s >= 1 || s == 0);
            double f = Math.Sqrt(-2 * Math.Log(s) / s);
            Assert.Equal(u * f, normals.NextNormal(), 14);
            Assert.Equal(v * f, normals.NextNormal(), 14);
        }
    }
}
