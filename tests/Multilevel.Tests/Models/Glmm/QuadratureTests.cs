using System.Globalization;
using MathNet.Numerics.Distributions;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Models.Glmm.Internals;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// Adaptive Gauss–Hermite quadrature with a vector random-effects term (1 + x | g), which lme4 cannot do, checked
/// against brute-force integration: per group the two-dimensional integral over u ~ N(0, I₂) by the trapezoidal rule
/// on [−10, 10]² with step 0.05 (161,604 points; for these smooth, rapidly decaying integrands its error is far
/// below 1e-12), with −2 log p(y|u) from MathNet's binomial probability mass function.
/// </summary>
public class QuadratureTests(ITestOutputHelper output)
{
    private static readonly double[] Theta = [0.8, 0.3, 0.5];
    private static readonly double[] Beta = [-0.3, 0.7];

    /// <summary>12 groups × 8 rows, x ~ N(0, 1), binomial counts out of 5 (cbind), simulated with a fixed seed.</summary>
    internal static ModelDesign SmallVectorDesign()
    {
        const int groups = 12, per = 8, trials = 5;
        var rng = new Random(7);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int n = groups * per;
        var x = new double[2 * n];
        var z = new double[2 * n];
        var codes = new int[n];
        var y = new double[n];
        var size = new double[n];
        for (int g = 0; g < groups; g++)
        {
            double b0 = 0.8 * Normal(), b1 = 0.5 * Normal();
            for (int j = 0; j < per; j++)
            {
                int i = g * per + j;
                double xi = Normal();
                x[i] = 1;
                x[n + i] = xi;
                z[2 * i] = 1;
                z[2 * i + 1] = xi;
                codes[i] = g;
                double p = 1 / (1 + Math.Exp(-(-0.3 + b0 + (0.7 + b1) * xi)));
                int k = 0;
                for (int t = 0; t < trials; t++) k += rng.NextDouble() < p ? 1 : 0;
                y[i] = k / (double)trials;
                size[i] = trials;
            }
        }
        return new ModelDesign
        {
            FormulaText = "cbind(k, 5 - k) ~ x + (1 + x | g)",
            Response = new Response("cbind(k, 5 - k)", y, size),
            X = new FixedEffectsMatrix(x, n, ["(Intercept)", "x"]),
            RandomEffects = [new ReTerm("g", [.. Enumerable.Range(1, groups).Select(g => g.ToString(CultureInfo.InvariantCulture))], codes, ["(Intercept)", "x"], z)],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
    }

    /// <summary>−2 log-likelihood by brute-force integration (trapezoidal rule over u), constants included.</summary>
    internal static double BruteForce(ModelDesign design, double[] theta, double[] beta)
    {
        var term = design.RandomEffects[0];
        int n = design.Observations;
        double l11 = theta[0], l21 = theta[1], l22 = theta[2];
        const double h = 0.05, range = 10;
        int m = (int)Math.Round(2 * range / h) + 1;
        double total = 0;
        var logs = new double[m * m];
        for (int g = 0; g < term.LevelCount; g++)
        {
            var rows = Enumerable.Range(0, n).Where(i => term.Codes[i] == g).ToArray();
            double max = double.NegativeInfinity;
            for (int a = 0; a < m; a++)
            {
                double u1 = -range + a * h;
                for (int b = 0; b < m; b++)
                {
                    double u2 = -range + b * h;
                    double b0 = l11 * u1, b1 = l21 * u1 + l22 * u2;
                    double s = -0.5 * (u1 * u1 + u2 * u2) - Math.Log(2 * Math.PI);
                    foreach (int i in rows)
                    {
                        double xi = design.X[i, 1];
                        double eta = beta[0] + beta[1] * xi + b0 + b1 * xi;
                        int size = (int)design.Response.Trials![i];
                        s += Binomial.PMFLn(1 / (1 + Math.Exp(-eta)), size, (int)Math.Round(design.Response.Values[i] * size));
                    }
                    logs[a * m + b] = s;
                    max = Math.Max(max, s);
                }
            }
            double sum = 0;
            for (int a = 0; a < m; a++)
            {
                double wa = a == 0 || a == m - 1 ? 0.5 : 1;
                for (int b = 0; b < m; b++)
                {
                    double wb = b == 0 || b == m - 1 ? 0.5 : 1;
                    sum += wa * wb * Math.Exp(logs[a * m + b] - max);
                }
            }
            total += max + Math.Log(sum * h * h);
        }
        return -2 * total;
    }

    [Fact]
    public void VectorQuadratureConvergesToBruteForceIntegral()
    {
        var design = SmallVectorDesign();
        var deviance = GeneralizedLinearMixedModel.CreateDeviance(design, GlmFamily.Binomial);
        double exact = BruteForce(design, Theta, Beta);
        var errors = new List<(int K, double Error)>();
        foreach (int k in new[] { 1, 2, 3, 5, 9, 15 })
        {
            double agq = deviance.Evaluate(Theta, Beta, k);
            double error = Math.Abs(agq - exact) / exact;
            output.WriteLine($"nAGQ {k,2} ({k * k,3} points per group): {agq:R} vs {exact:R}, rel.error {error:E2}");
            errors.Add((k, error));
        }
        // Laplace is off by its approximation error; from 3 nodes on every step is closer; 15 nodes meet 1e-10.
        Assert.True(errors[0].Error > 1e-6, "the test problem should not be one where Laplace is already exact");
        var fromThree = errors.Where(e => e.K >= 3).ToList();
        for (int i = 1; i < fromThree.Count; i++) Assert.True(fromThree[i].Error < fromThree[i - 1].Error, $"nAGQ {fromThree[i].K}");
        Assert.True(errors[^1].Error < 1e-10, $"nAGQ 15: {errors[^1].Error:E2}");
        Assert.True(errors.Single(e => e.K == 9).Error < 1e-7);
    }

    [Theory]
    [InlineData("vector")]
    [InlineData("cbpp")]
    public void OneNodeQuadratureIsTheLaplaceApproximation(string which)
    {
        var design = which == "cbpp" ? GlmmDesigns.Cbpp() : SmallVectorDesign();
        double[] theta = which == "cbpp" ? [0.7] : Theta;
        double[] beta = which == "cbpp" ? [-1.4, -1.0, -1.1, -1.6] : Beta;
        var deviance = GeneralizedLinearMixedModel.CreateDeviance(design, GlmFamily.Binomial);
        double laplace = deviance.Evaluate(theta, beta, 1);
        // the quadrature code itself, with the single node t = 0 of weight 1
        var quadrature = new AdaptiveQuadrature(deviance.Rows, design.RandomEffects[0]);
        double agq1 = quadrature.Deviance(deviance.ModePirls, 1);
        output.WriteLine($"Laplace {laplace:R}, AGQ(1) {agq1:R}");
        Assert.True(Math.Abs(laplace - agq1) <= 1e-12 * laplace);
    }

    [Fact]
    public void GaussHermiteRuleIntegratesNormalMoments()
    {
        foreach (int k in new[] { 1, 2, 3, 5, 9, 15, 25, 40 })
        {
            var rule = GaussHermiteRule.Create(k);
            Assert.Equal(1.0, rule.Weights.Sum(), 14);
            // E[x^(2j)] = (2j − 1)!! exactly for 2j ≤ 2k − 1
            double doubleFactorial = 1;
            for (int j = 0; 2 * j <= 2 * k - 1 && j <= 12; j++)
            {
                if (j > 0) doubleFactorial *= 2 * j - 1;
                double moment = rule.Nodes.Select((x, i) => rule.Weights[i] * Math.Pow(x, 2 * j)).Sum();
                Assert.True(Math.Abs(moment - doubleFactorial) <= 1e-12 * doubleFactorial, $"K = {k}, E[x^{2 * j}] = {moment:R}, expected {doubleFactorial}");
                double odd = rule.Nodes.Select((x, i) => rule.Weights[i] * Math.Pow(x, 2 * j + 1)).Sum();
                Assert.True(Math.Abs(odd) <= 1e-12 * Math.Max(1, doubleFactorial * (2 * j + 1)));
            }
        }
    }

    [Fact]
    public void VectorQuadratureFitAgreesWithBruteForceAtItsEstimates()
    {
        var design = SmallVectorDesign();
        var fit = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { Nagq = 9 });
        double exact = BruteForce(design, fit.Theta, fit.FixedEffects);
        output.WriteLine($"AGQ9 fit: −2 logLik {fit.Deviance:R}, brute force at the estimates {exact:R}; θ ({string.Join(", ", fit.Theta)}), β ({string.Join(", ", fit.FixedEffects)})");
        Assert.Equal("AGQ9", fit.Method);
        Assert.True(fit.Converged, string.Join("; ", fit.Warnings));
        Assert.True(Math.Abs(fit.Deviance - exact) <= 1e-6 * exact);
        var laplace = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial);
        // the quadrature optimum is the better approximation to the likelihood: at its estimates the exact
        // likelihood is at least as high as at the Laplace estimates
        Assert.True(exact <= BruteForce(design, laplace.Theta, laplace.FixedEffects) + 1e-9 * exact);
    }
}
