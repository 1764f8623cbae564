using Multilevel.Numerics;
using Multilevel.Numerics.Optimization;
using Multilevel.Tests.Numerics.Optimization;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Numerics;

public class NumericalDerivativesTests(ITestOutputHelper output)
{
    // g(x) = e^{x0} sin x1 + x0² x2³ + log(1 + x1² + x2²), with its derivatives worked out by hand.
    private static double G(double[] x) => Math.Exp(x[0]) * Math.Sin(x[1]) + x[0] * x[0] * Math.Pow(x[2], 3) + Math.Log(1 + x[1] * x[1] + x[2] * x[2]);

    private static double[] GGradient(double[] x)
    {
        double d = 1 + x[1] * x[1] + x[2] * x[2];
        return
        [
            Math.Exp(x[0]) * Math.Sin(x[1]) + 2 * x[0] * Math.Pow(x[2], 3),
            Math.Exp(x[0]) * Math.Cos(x[1]) + 2 * x[1] / d,
            3 * x[0] * x[0] * x[2] * x[2] + 2 * x[2] / d,
        ];
    }

    private static double[,] GHessian(double[] x)
    {
        double d = 1 + x[1] * x[1] + x[2] * x[2];
        double e = Math.Exp(x[0]);
        var h = new double[3, 3];
        h[0, 0] = e * Math.Sin(x[1]) + 2 * Math.Pow(x[2], 3);
        h[0, 1] = h[1, 0] = e * Math.Cos(x[1]);
        h[0, 2] = h[2, 0] = 6 * x[0] * x[2] * x[2];
        h[1, 1] = -e * Math.Sin(x[1]) + (2 * d - 4 * x[1] * x[1]) / (d * d);
        h[1, 2] = h[2, 1] = -4 * x[1] * x[2] / (d * d);
        h[2, 2] = 6 * x[0] * x[0] * x[2] + (2 * d - 4 * x[2] * x[2]) / (d * d);
        return h;
    }

    private static void AssertClose(double expected, double actual, double relativeTolerance, string what)
    {
        double tol = relativeTolerance * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected}, got {actual} (tolerance {tol})");
    }

    private static void AssertMatchesG(DerivativeEstimate d, double[] x, double gradTol, double hessTol)
    {
        var g = GGradient(x);
        var h = GHessian(x);
        Assert.Equal(G(x), d.Value);
        for (int i = 0; i < 3; i++) AssertClose(g[i], d.Gradient[i], gradTol, $"g[{i}]");
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                AssertClose(h[i, j], d.HessianAt(i, j), hessTol, $"H[{i},{j}]");
                Assert.Equal(d.HessianAt(i, j), d.HessianAt(j, i));
            }
        }
    }

    [Fact]
    public void Central_MatchesAnalyticDerivatives_AtTheCostOfDeriv12()
    {
        // Central differences with h = 1e-4: truncation error ~h² f'''' ≈ 1e-8, rounding ≈ 1e-16/h² ≈ 1e-8.
        double[] x = [0.3, -0.7, 1.2];
        var d = NumericalDerivatives.GradientAndHessian(G, x);
        output.WriteLine($"central: {d.Evaluations} evaluations");
        AssertMatchesG(d, x, 1e-7, 1e-6);
        Assert.Equal(2 * 3 * 3 + 1, d.Evaluations); // lme4's deriv12: 2n² + 1
    }

    [Fact]
    public void Richardson_IsMuchMoreAccurate()
    {
        double[] x = [0.3, -0.7, 1.2];
        var d = NumericalDerivatives.GradientAndHessian(G, x, DifferenceOptions.Accurate);
        output.WriteLine($"Richardson: {d.Evaluations} evaluations");
        AssertMatchesG(d, x, 1e-10, 1e-8);
    }

    [Fact]
    public void GradientOnly_CostsTwoEvaluationsPerParameter()
    {
        double[] x = [0.3, -0.7, 1.2];
        var d = NumericalDerivatives.Gradient(G, x, value: G(x));
        Assert.Equal(6, d.Evaluations);
        Assert.Empty(d.Hessian);
        var g = GGradient(x);
        for (int i = 0; i < 3; i++) AssertClose(g[i], d.Gradient[i], 1e-7, $"g[{i}]");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AtABound_DifferencesOneSidedlyInsideTheBox(bool richardson)
    {
        // x0 on its lower bound, x2 on its upper bound: forward and backward differences, never outside.
        double[] x = [0.3, -0.7, 1.2];
        double[] lower = [0.3, double.NegativeInfinity, 0];
        double[] upper = [5, double.PositiveInfinity, 1.2];
        var options = richardson ? DifferenceOptions.Accurate : new DifferenceOptions();
        var d = NumericalDerivatives.GradientAndHessian(v =>
        {
            for (int i = 0; i < 3; i++) Assert.InRange(v[i], lower[i], upper[i]);
            return G(v);
        }, x, options, lower, upper);
        output.WriteLine($"one-sided, Richardson={richardson}: {d.Evaluations} evaluations");
        if (richardson) AssertMatchesG(d, x, 1e-8, 1e-6);
        else AssertMatchesG(d, x, 1e-6, 1e-5);
    }

    [Fact]
    public void NearABound_TheStepShrinksToFit()
    {
        // Box of width 3e-5 around x0: the step becomes a third of the room and the derivative is still right.
        double[] x = [0.3, -0.7, 1.2];
        double[] lower = [0.3 - 1e-5, double.NegativeInfinity, double.NegativeInfinity];
        double[] upper = [0.3 + 2e-5, double.PositiveInfinity, double.PositiveInfinity];
        var d = NumericalDerivatives.GradientAndHessian(G, x, new DifferenceOptions(), lower, upper);
        AssertClose(GGradient(x)[0], d.Gradient[0], 1e-7, "g[0]");
        AssertClose(GHessian(x)[0, 0], d.HessianAt(0, 0), 1e-3, "H[0,0]");
    }

    [Fact]
    public void Rosenbrock_HessianAtTheMinimum()
    {
        // ∇²f(1, 1) = [[802, −400], [−400, 200]], ∇f(1, 1) = 0.
        var d = NumericalDerivatives.GradientAndHessian(TestProblems.Rosenbrock, [1.0, 1.0], DifferenceOptions.Accurate);
        Assert.Equal(0, d.Gradient[0], 1e-8);
        Assert.Equal(0, d.Gradient[1], 1e-8);
        Assert.Equal(802, d.HessianAt(0, 0), 1e-6);
        Assert.Equal(-400, d.HessianAt(0, 1), 1e-6);
        Assert.Equal(200, d.HessianAt(1, 1), 1e-6);
    }

    [Fact]
    public void DevianceLike_SecondDerivativeAtTheOptimum()
    {
        // f(θ) = k log(1 + cθ²) + N log(a + b/(1 + cθ²)): at θ̂ the derivative vanishes; the second derivative,
        // worked out in t = 1 + cθ² (dt/dθ = 2cθ), is f''(θ̂) = (df/dt)'·(2cθ̂)² since df/dt = 0 there, with
        // d²f/dt² = −k/t² + N b (2 a t + b)/(t² (a t + b)²).
        double a = 3, b = 20, c = 5;
        int k = 10, bigN = 50;
        var ci = TestProblems.Fill(k, c);
        double t = b * (bigN - k) / (k * a);
        double theta = Math.Sqrt((t - 1) / c);
        double d2t = -k / (t * t) + bigN * b * (2 * a * t + b) / (t * t * Math.Pow(a * t + b, 2));
        double expected = d2t * Math.Pow(2 * c * theta, 2);
        var d = NumericalDerivatives.GradientAndHessian(v => TestProblems.DevianceLike(v[0], ci, c, a, b, bigN), [theta], DifferenceOptions.Accurate, [0.0], null);
        Assert.Equal(0, d.Gradient[0], 1e-9);
        Assert.Equal(expected, d.Hessian[0], 1e-8 * expected);
        var central = NumericalDerivatives.GradientAndHessian(v => TestProblems.DevianceLike(v[0], ci, c, a, b, bigN), [theta]);
        Assert.Equal(expected, central.Hessian[0], 1e-5 * expected);
    }

    [Fact]
    public void AtTheBoundZero_TheDerivativeIsOneSided()
    {
        // θ ↦ (θ − 0.5)² + θ³ at θ = 0 with θ ≥ 0: f'(0) = −1, f''(0) = 2. A central difference would see the
        // reflection below 0; the one-sided one does not.
        static double F(double[] v) => Math.Pow(v[0] - 0.5, 2) + Math.Pow(v[0], 3);
        var d = NumericalDerivatives.GradientAndHessian(F, [0.0], new DifferenceOptions(), [0.0], null);
        Assert.Equal(-1, d.Gradient[0], 1e-7);
        Assert.Equal(2, d.Hessian[0], 1e-3);
        var r = NumericalDerivatives.GradientAndHessian(F, [0.0], DifferenceOptions.Accurate, [0.0], null);
        Assert.Equal(-1, r.Gradient[0], 1e-10);
        Assert.Equal(2, r.Hessian[0], 1e-8);
    }

    [Fact]
    public void AtTheLmmOptimum_GradientIsSmallAndHessianPositiveDefinite()
    {
        // The fit's convergence check in miniature: at BOBYQA's θ̂ for sleepstudy (ML) the scaled gradient
        // H⁻¹g is tiny (lme4 warns above 2e-3 for max |g| and checks H⁻¹g), and the Hessian is positive definite.
        var dev = DenseLmmDeviance.Sleepstudy(false);
        var fit = new Bobyqa().Minimize(dev.Evaluate, dev.Start, dev.Lower, TestProblems.NoUpper(3), new OptimizerOptions());
        var d = NumericalDerivatives.GradientAndHessian(dev.Evaluate, fit.Final, new DifferenceOptions(), dev.Lower, null, fit.FinalObjective);
        Assert.Equal(2 * 9, d.Evaluations); // 2n² + 1 without the value, which was given
        Assert.All(d.Gradient, g => Assert.True(Math.Abs(g) < 2e-3, $"gradient {g}"));
        var h = (double[])d.Hessian.Clone();
        Assert.True(Multilevel.Numerics.DenseKernels.CholeskyLower(h, 3, 3) < 0, "Hessian not positive definite");
    }

    [Fact]
    public void Deterministic_AndCancellable()
    {
        double[] x = [0.3, -0.7, 1.2];
        var a = NumericalDerivatives.GradientAndHessian(G, x, DifferenceOptions.Accurate);
        var b = NumericalDerivatives.GradientAndHessian(G, x, DifferenceOptions.Accurate);
        Assert.Equal(a.Gradient, b.Gradient);
        Assert.Equal(a.Hessian, b.Hessian);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => NumericalDerivatives.Gradient(G, x, cancellationToken: cts.Token));
    }

    [Fact]
    public void InvalidArguments_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => NumericalDerivatives.Gradient(G, [0.3, -0.7, 1.2], lower: [1.0, 0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => NumericalDerivatives.Gradient(G, [0.3, -0.7, 1.2], lower: [0.3, -1, -1], upper: [0.3, 1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumericalDerivatives.Gradient(G, [0.3, -0.7, 1.2], new DifferenceOptions(Step: -1)));
    }

    [Fact]
    public void BatchEvaluationVisitsTheSamePointsAndGivesTheSameDerivatives()
    {
        double[] x = [0.3, -0.7, 1.1];
        var visited = new List<double[]>();
        var oneByOne = NumericalDerivatives.GradientAndHessian(v => { visited.Add(v); return G(v); }, x);
        var batches = new List<int>();
        var batched = NumericalDerivatives.GradientAndHessianInBatch(points => { batches.Add(points.Count); return [.. points.Select(G)]; }, x);
        Assert.Equal([1, 2 * 3 * 3], batches);              // f(x) on its own, then the 2n² points of central differences
        Assert.Equal(visited.Count, batches.Sum());
        Assert.Equal(oneByOne.Evaluations, batched.Evaluations);
        Assert.Equal(oneByOne.Gradient, batched.Gradient);
        Assert.Equal(oneByOne.Hessian, batched.Hessian);
        var h = GHessian(x);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) Assert.Equal(h[i, j], batched.HessianAt(i, j), 1e-6);
        }
    }

    [Fact]
    public void BatchMustReturnOneValuePerPoint()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            NumericalDerivatives.GradientAndHessianInBatch(points => new double[points.Count - 1], [1.0, 2.0], value: 0));
        Assert.Contains("returned", e.Message, StringComparison.Ordinal);
    }
}
