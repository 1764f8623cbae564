using System.Globalization;
using Multilevel.Numerics.Optimization;
using Xunit;
using Xunit.Abstractions;
using static Multilevel.Tests.Numerics.Optimization.TestProblems;

namespace Multilevel.Tests.Numerics.Optimization;

public class BobyqaTests(ITestOutputHelper output)
{
    private readonly Bobyqa bobyqa = new();

    private void Log(string problem, OptSummary r) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{problem}: {r.Evaluations} evaluations, f = {r.FinalObjective:G12}, {r.ReturnCode}"));

    // ---------------------------------------------------------------------------------------------
    // Unconstrained standard problems

    [Theory]
    [InlineData(2, true, 300)]
    [InlineData(2, false, 300)]
    [InlineData(3, false, 400)]
    [InlineData(5, false, 600)]
    [InlineData(10, false, 1500)]
    public void Rosenbrock_ReachesTheMinimumAtOnes(int n, bool classicStart, int evaluationBudget)
    {
        // Chained Rosenbrock, minimum 0 at (1, …, 1), from (−1.2, 1) or from the origin (for n ≥ 4 the classic
        // alternating start leads to the function's other local minimum near x₁ = −1). With ρ_end = 1e-8 the
        // iterate must be within 1e-5 of the minimiser.
        var start = classicStart ? RosenbrockStart(n) : new double[n];
        var options = new OptimizerOptions(InitialStep: 0.5, FinalStep: 1e-8);
        var r = bobyqa.Minimize(Rosenbrock, start, NoLower(n), NoUpper(n), options);
        Log($"Rosenbrock n={n} from {(classicStart ? "(-1.2, 1)" : "0")}", r);
        Assert.Equal(OptimizerReturnCode.Converged, r.ReturnCode);
        Assert.True(r.Converged);
        Assert.All(r.Final, x => Assert.Equal(1.0, x, 1e-5));
        Assert.True(r.FinalObjective < 1e-10, $"f = {r.FinalObjective}");
        Assert.True(r.Evaluations <= evaluationBudget, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void FlatValley_IsFollowedToItsMinimum()
    {
        // f = 1e-4 (x − 3)² + (y − 0.1 x)²: a long valley along y = 0.1 x, nearly flat along it; minimum 0 at (3, 0.3).
        static double F(double[] v) => 1e-4 * Math.Pow(v[0] - 3, 2) + Math.Pow(v[1] - 0.1 * v[0], 2);
        var r = bobyqa.Minimize(F, [0.0, 0.0], NoLower(2), NoUpper(2), new OptimizerOptions(FinalStep: 1e-8));
        Log("flat valley", r);
        Assert.True(r.Converged);
        Assert.Equal(3.0, r.Final[0], 1e-4);
        Assert.Equal(0.3, r.Final[1], 1e-5);
    }

    // ---------------------------------------------------------------------------------------------
    // Bounds

    [Fact]
    public void BoundedQuadratic_MinimumOnTheBoundary()
    {
        // f = (x + 0.3)² + 2 (y − 0.5)² + x y on x, y ≥ 0. KKT: x = 0 (∂f/∂x = 0.6 + y > 0), y = 0.5; f = 0.09.
        static double F(double[] v) => Math.Pow(v[0] + 0.3, 2) + 2 * Math.Pow(v[1] - 0.5, 2) + v[0] * v[1];
        var r = bobyqa.Minimize(F, [1.0, 1.0], [0.0, 0.0], NoUpper(2), new OptimizerOptions());
        Log("bounded quadratic", r);
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]); // exactly on the bound
        Assert.Equal(0.5, r.Final[1], 1e-6);
        Assert.Equal(0.09, r.FinalObjective, 1e-11);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BoxQuadratic_MatchesTheExactKktSolution(int seed)
    {
        // A random positive-definite quadratic on [−1, 1]⁴ with a linear term large enough that some bounds bind;
        // the reference is the exact KKT point found by enumerating active sets.
        int n = 4;
        var quadratic = RandomQuadratic.Create(seed, n);
        var lower = Fill(n, -1);
        var upper = Fill(n, 1);
        Func<double[], double> F = quadratic.Value;
        var exact = BoxQuadraticMinimum(quadratic.A, quadratic.B, lower, upper);
        var r = bobyqa.Minimize(F, new double[n], lower, upper, new OptimizerOptions(FinalStep: 1e-8));
        Log($"box quadratic seed {seed} (active: {exact.Count(x => Math.Abs(x) == 1)})", r);
        Assert.True(r.Converged);
        for (int i = 0; i < n; i++) Assert.Equal(exact[i], r.Final[i], 1e-6);
        Assert.InRange(F(r.Final) - F(exact), -1e-14, 1e-11);
        Assert.All(r.Final, x => Assert.InRange(x, -1, 1));
    }

    [Fact]
    public void StartOnTheBound_AndInfiniteBoundsOnOtherParameters()
    {
        // Minimum at (0, −2, 0.7): the first parameter starts and ends on its lower bound 0, the second is unbounded,
        // the third is bounded below by 0 and starts there.
        static double F(double[] v) => Math.Pow(v[0] + 1, 2) + Math.Pow(v[1] + 2, 2) + Math.Pow(v[2] - 0.7, 2) + 0.5 * v[1] * v[2];
        // With v0 = 0: ∂/∂v1 = 2(v1 + 2) + 0.5 v2 = 0, ∂/∂v2 = 2(v2 − 0.7) + 0.5 v1 = 0.
        // Substituting v1 = −2 − 0.25 v2 into the second: 1.875 v2 = 2.4.
        double v2 = (1.4 + 1.0) / (2 - 0.125);
        double v1 = -2 - 0.25 * v2;
        var r = bobyqa.Minimize(F, [0.0, 0.0, 0.0], [0.0, double.NegativeInfinity, 0.0], NoUpper(3), new OptimizerOptions());
        Log("start on bound", r);
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]);
        Assert.Equal(v1, r.Final[1], 1e-6);
        Assert.Equal(v2, r.Final[2], 1e-6);
    }

    [Fact]
    public void NarrowBox_ReducesTheInitialStep()
    {
        // The box [0.4, 0.5] is narrower than 2 ρ_beg = 0.4: ρ_beg becomes 0.05 and the run still converges.
        var r = bobyqa.Minimize(v => Math.Pow(v[0] - 0.47, 2) + Math.Pow(v[1] - 3, 2), [0.45, 0.0], [0.4, -10], [0.5, 10], new OptimizerOptions());
        Assert.True(r.Converged);
        Assert.Equal(0.47, r.Final[0], 1e-6);
        Assert.Equal(3.0, r.Final[1], 1e-6);
    }

    [Fact]
    public void FixedParameter_IsNeverMoved()
    {
        var seen = new List<double>();
        var r = bobyqa.Minimize(v =>
        {
            seen.Add(v[1]);
            return Math.Pow(v[0] - 1, 2) + Math.Pow(v[1] - 5, 2) + Math.Pow(v[2] + 1, 2);
        }, [0.0, 2.0, 0.0], [-5, 2, -5], [5, 2, 5], new OptimizerOptions());
        Assert.True(r.Converged);
        Assert.All(seen, v => Assert.Equal(2.0, v));
        Assert.Equal(2.0, r.Final[1]);
        Assert.Equal(1.0, r.Final[0], 1e-6);
        Assert.Equal(-1.0, r.Final[2], 1e-6);
    }

    [Fact]
    public void ObjectiveIsOnlyEvaluatedInsideTheBox()
    {
        var lower = new[] { 0.0, -1.0 };
        var upper = new[] { 2.0, 0.5 };
        var r = bobyqa.Minimize(v =>
        {
            Assert.InRange(v[0], lower[0], upper[0]);
            Assert.InRange(v[1], lower[1], upper[1]);
            return Math.Pow(v[0] - 3, 2) + Math.Pow(v[1] - 1, 2) + v[0] * v[1];
        }, [1.0, 0.0], lower, upper, new OptimizerOptions());
        // At x = 2 (∂f/∂x = 2(x − 3) + y < 0 pushes x up to its bound), ∂f/∂y = 2(y − 1) + 2 = 0 gives y = 0.
        Assert.True(r.Converged);
        Assert.Equal(2.0, r.Final[0]);
        Assert.Equal(0.0, r.Final[1], 1e-6);
    }

    // ---------------------------------------------------------------------------------------------
    // One parameter

    [Fact]
    public void OneParameter_Quadratic()
    {
        var r = bobyqa.Minimize(v => Math.Pow(v[0] - 0.3, 2), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log("1-D quadratic", r);
        Assert.True(r.Converged);
        Assert.Equal(0.3, r.Final[0], 1e-7);
        Assert.True(r.Evaluations <= 20, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void OneParameter_MinimumOnTheBound()
    {
        var r = bobyqa.Minimize(v => Math.Pow(v[0] + 0.3, 2), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log("1-D quadratic, minimum on bound", r);
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]);
        Assert.True(r.Evaluations <= 20, $"{r.Evaluations} evaluations");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(5.0)]
    public void DevianceLike_BalancedHasTheClosedFormMinimum(double start)
    {
        // f(θ) = k log(1 + cθ²) + N log(a + b/(1 + cθ²)); with t = 1 + cθ², df/dt = 0 at t = b (N − k) / (k a),
        // so θ̂ = √((t − 1)/c).
        double a = 3, b = 20, c = 5;
        int k = 10, bigN = 50;
        var ci = Fill(k, c);
        double t = b * (bigN - k) / (k * a);
        double thetaHat = Math.Sqrt((t - 1) / c);
        var r = bobyqa.Minimize(v => DevianceLike(v[0], ci, c, a, b, bigN), [start], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log($"deviance-like balanced from {start}", r);
        Assert.True(r.Converged);
        Assert.Equal(thetaHat, r.Final[0], 1e-6);
        Assert.Equal(DevianceLike(thetaHat, ci, c, a, b, bigN), r.FinalObjective, 1e-10);
        Assert.True(r.Evaluations <= 40, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void DevianceLike_BoundaryMinimumAtZero()
    {
        // Small between-group sum of squares: t = b (N − k) / (k a) < 1, so the minimum is θ = 0 (a singular fit).
        double a = 30, b = 2, c = 5;
        int k = 10, bigN = 50;
        var ci = Fill(k, c);
        Assert.True(b * (bigN - k) / (k * a) < 1);
        var r = bobyqa.Minimize(v => DevianceLike(v[0], ci, c, a, b, bigN), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log("deviance-like boundary", r);
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]);
        Assert.True(r.Evaluations <= 30, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void DevianceLike_UnbalancedMatchesTheRootOfTheDerivative()
    {
        // Unequal group sizes: no closed form; the reference is the root of the analytic derivative by bisection.
        double[] ci = [2, 3, 3, 5, 8, 8, 13, 21];
        double c = ci.Average(), a = 12, b = 45;
        int bigN = (int)ci.Sum();
        double thetaHat = Bisect(th => DevianceLikeDerivative(th, ci, c, a, b, bigN), 1e-6, 50);
        var r = bobyqa.Minimize(v => DevianceLike(v[0], ci, c, a, b, bigN), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log("deviance-like unbalanced", r);
        Assert.True(r.Converged);
        Assert.Equal(thetaHat, r.Final[0], 1e-6);
    }

    [Fact]
    public void DevianceLike_TwoSeparableComponents()
    {
        // Sum of a balanced and an unbalanced deviance-like function in two parameters: both minima known.
        double[] c1 = Fill(6, 5);
        double[] c2 = [2, 3, 3, 5, 8, 8, 13, 21];
        double cbar = c2.Average();
        double t = 20.0 * (30 - 6) / (6 * 3.0);
        double th1 = Math.Sqrt((t - 1) / 5);
        double th2 = Bisect(th => DevianceLikeDerivative(th, c2, cbar, 12, 45, 63), 1e-6, 50);
        double F(double[] v) => DevianceLike(v[0], c1, 5, 3, 20, 30) + DevianceLike(v[1], c2, cbar, 12, 45, 63);
        var r = bobyqa.Minimize(F, [1.0, 1.0], [0.0, 0.0], NoUpper(2), new OptimizerOptions());
        Log("deviance-like 2-D", r);
        Assert.True(r.Converged);
        Assert.Equal(th1, r.Final[0], 1e-6);
        Assert.Equal(th2, r.Final[1], 1e-6);
    }

    // ---------------------------------------------------------------------------------------------
    // Powell's test problem

    [Theory]
    [InlineData(10, 16)]
    [InlineData(10, 21)]
    [InlineData(20, 26)]
    [InlineData(20, 41)]
    public void PowellInverseDistances_EndsAtAStationaryPointOfTheBox(int n, int m)
    {
        // The report's problem and its four (n, m) settings with ρ_beg = 0.1, ρ_end = 1e-6. Powell notes that
        // it has local minima and that the details depend on rounding, so the test checks what any correct run
        // must give: a lower value and the first-order conditions at the bounds [−1, 1].
        var start = InverseDistancesStart(n);
        var r = bobyqa.Minimize(InverseDistances, start, Fill(n, -1), Fill(n, 1),
            new OptimizerOptions(InitialStep: 0.1, FinalStep: 1e-6, InterpolationPoints: m));
        Log($"Powell inverse distances n={n} m={m}", r);
        Assert.True(r.Converged, r.Message);
        Assert.True(r.FinalObjective < InverseDistances(start) - 1);
        var x = r.Final;
        double h = 1e-6;
        for (int i = 0; i < n; i++)
        {
            var xp = (double[])x.Clone();
            var xm = (double[])x.Clone();
            xp[i] = Math.Min(1, x[i] + h);
            xm[i] = Math.Max(-1, x[i] - h);
            double g = (InverseDistances(xp) - InverseDistances(xm)) / (xp[i] - xm[i]);
            if (x[i] <= -1) Assert.True(g > -1e-3, $"g[{i}] = {g} at the lower bound");
            else if (x[i] >= 1) Assert.True(g < 1e-3, $"g[{i}] = {g} at the upper bound");
            else Assert.True(Math.Abs(g) < 1e-3, $"g[{i}] = {g} inside");
        }
    }

    [Theory]
    [InlineData(5)]   // n + 2
    [InlineData(7)]   // 2n + 1
    [InlineData(10)]  // (n + 1)(n + 2)/2
    public void InterpolationPoints_AnyValidNumberWorks(int m)
    {
        var r = bobyqa.Minimize(Rosenbrock, RosenbrockStart(3), NoLower(3), NoUpper(3),
            new OptimizerOptions(InitialStep: 0.5, FinalStep: 1e-8, InterpolationPoints: m));
        Log($"Rosenbrock n=3 m={m}", r);
        Assert.True(r.Converged);
        Assert.All(r.Final, x => Assert.Equal(1.0, x, 1e-5));
    }

    [Fact]
    public void InterpolationPoints_OutOfRangeIsRejected()
    {
        Assert.Throws<ArgumentException>(() => bobyqa.Minimize(Rosenbrock, [0.0, 0.0], NoLower(2), NoUpper(2), new OptimizerOptions(InterpolationPoints: 3)));
        Assert.Throws<ArgumentException>(() => bobyqa.Minimize(Rosenbrock, [0.0, 0.0], NoLower(2), NoUpper(2), new OptimizerOptions(InterpolationPoints: 7)));
    }

    // ---------------------------------------------------------------------------------------------
    // Linear mixed models: the real objective, against R's reference fits

    public static TheoryData<string> LmmProblems => new() { "sleepstudy_ml", "sleepstudy_reml", "sleepstudy_uncorr", "dyestuff_reml", "dyestuff2_singular", "pastes_nested" };

    private static (DenseLmmDeviance Deviance, double[] Theta, double Objective) LmmProblem(string name) => name switch
    {
        // θ and deviance (REML criterion for REML fits) from tests/Multilevel.Tests/fixtures/reference/<name>.json.
        "sleepstudy_ml" => (DenseLmmDeviance.Sleepstudy(false), [0.929190605278248, 0.018165754720412, 0.222643205612618], 1751.93934448899),
        "sleepstudy_reml" => (DenseLmmDeviance.Sleepstudy(true), [0.966741773967412, 0.0151690588960361, 0.230909953207795], 1743.62827195995),
        "sleepstudy_uncorr" => (DenseLmmDeviance.Sleepstudy(true, false), [0.979896527914237, 0.234231225347045], 1743.66929358148),
        "dyestuff_reml" => (DenseLmmDeviance.Dyestuff(true), [0.848323783218823], 319.654276842257),
        "dyestuff2_singular" => (DenseLmmDeviance.Dyestuff(true, "dyestuff2.csv"), [0.0], 161.828277812288),
        "pastes_nested" => (DenseLmmDeviance.Pastes(true), [3.52690178773174, 1.56346140209686], 246.990745853487),
        "penicillin_crossed" => (DenseLmmDeviance.Penicillin(true), [1.53967555430648, 3.51251885988167], 330.860588999604),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(LmmProblems))]
    public void LmmDeviance_MatchesLme4(string name)
    {
        // Tolerances of fixtures/reference/README.md: objective 1e-6 relative (ours may be lower), θ 1e-4 absolute.
        var (dev, theta, objective) = LmmProblem(name);
        var r = bobyqa.Minimize(dev.Evaluate, dev.Start, dev.Lower, NoUpper(dev.ThetaLength), new OptimizerOptions());
        Log(name, r);
        Assert.True(r.Converged);
        Assert.True(r.FinalObjective <= objective * (1 + 1e-6), $"{r.FinalObjective} vs lme4's {objective}");
        Assert.True(r.FinalObjective >= objective * (1 - 1e-6), $"{r.FinalObjective} vs lme4's {objective}");
        for (int i = 0; i < theta.Length; i++) Assert.Equal(theta[i], r.Final[i], 1e-4);
        Assert.True(r.Evaluations <= 40 * dev.ThetaLength, $"{r.Evaluations} evaluations");
    }

    [Fact]
    public void LmmDeviance_PenicillinReachesALowerDevianceThanLme4()
    {
        // lme4 (NLopt BOBYQA with ftol_abs = 1e-8) stopped short on this problem: its θ is 1.0e-4 from the
        // minimiser along a flat direction. We require a deviance no higher than lme4's, θ within 2e-4 of lme4's,
        // and that the objective itself confirms our point is the lower one.
        var (dev, theta, objective) = LmmProblem("penicillin_crossed");
        var r = bobyqa.Minimize(dev.Evaluate, dev.Start, dev.Lower, NoUpper(2), new OptimizerOptions());
        Log("penicillin_crossed", r);
        Assert.True(r.Converged);
        Assert.True(r.FinalObjective <= objective * (1 + 1e-12));
        Assert.True(r.FinalObjective < dev.Evaluate(theta));
        for (int i = 0; i < 2; i++) Assert.Equal(theta[i], r.Final[i], 2e-4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void TenParameterLmm_MeetsLme4sConvergenceTestAndAgreesWithNelderMead(int zeroColumns)
    {
        // A 4 × 4 random-effects covariance (θ: 10, six of them unbounded); with zeroColumns = 3 the truth has
        // rank one and the fit is singular, with diagonal θ on the bound 0. Judged without our own output: lme4's check.conv.grad test
        // (|∂d/∂θ| < 0.002, differences one-sided at the bound), the sign of the gradient at active bounds, and
        // the same minimum from Nelder–Mead.
        var dev = DenseLmmDeviance.SimulatedVectorTerm(42, zeroColumns, reml: false);
        var upper = NoUpper(dev.ThetaLength);
        var r = bobyqa.Minimize(dev.Evaluate, dev.Start, dev.Lower, upper, new OptimizerOptions());
        Log($"10-θ simulated LMM, {zeroColumns} zero columns", r);
        output.WriteLine($"θ = [{string.Join(", ", r.Final.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}]");
        Assert.True(r.Converged);
        var d = Multilevel.Numerics.NumericalDerivatives.Gradient(dev.Evaluate, r.Final, default, dev.Lower, upper, r.FinalObjective);
        for (int i = 0; i < dev.ThetaLength; i++)
        {
            bool atBound = r.Final[i] == dev.Lower[i];
            if (atBound) Assert.True(d.Gradient[i] > -0.002, $"θ[{i}] on its bound with gradient {d.Gradient[i]}");
            else Assert.True(Math.Abs(d.Gradient[i]) < 0.002, $"θ[{i}] = {r.Final[i]} with gradient {d.Gradient[i]}");
        }
        if (zeroColumns > 0) Assert.Contains(r.Final.Select((v, i) => (v, i)), t => t.v == 0 && dev.Lower[t.i] == 0);
        var nm = new NelderMead().Minimize(dev.Evaluate, dev.Start, dev.Lower, upper, new OptimizerOptions());
        output.WriteLine($"Nelder-Mead: {nm.Evaluations} evaluations, f = {nm.FinalObjective:G12}");
        Assert.True(r.FinalObjective <= nm.FinalObjective + 1e-8 * Math.Abs(nm.FinalObjective));
        Assert.True(Math.Abs(r.FinalObjective - nm.FinalObjective) < 1e-6 * Math.Abs(nm.FinalObjective));
        Assert.True(r.Evaluations < nm.Evaluations);
    }

    // ---------------------------------------------------------------------------------------------
    // Contract: return codes, determinism, cancellation, progress, validation

    [Fact]
    public void MaxEvaluations_StopsExactlyAtTheLimit()
    {
        var r = bobyqa.Minimize(Rosenbrock, RosenbrockStart(4), NoLower(4), NoUpper(4), new OptimizerOptions(MaxEvaluations: 25));
        Assert.Equal(OptimizerReturnCode.MaxEvaluationsReached, r.ReturnCode);
        Assert.False(r.Converged);
        Assert.Equal(25, r.Evaluations);
        Assert.True(r.FinalObjective <= r.InitialObjective);
        Assert.Equal(Rosenbrock(r.Final), r.FinalObjective);
    }

    [Fact]
    public void NonFiniteObjectiveAtTheStart_IsReported()
    {
        var r = bobyqa.Minimize(_ => double.NaN, [1.0, 2.0], NoLower(2), NoUpper(2), new OptimizerOptions());
        Assert.Equal(OptimizerReturnCode.InvalidObjective, r.ReturnCode);
        Assert.Equal(1, r.Evaluations);
        Assert.Equal([1.0, 2.0], r.Final);
    }

    [Fact]
    public void NonFiniteValuesAwayFromTheStart_AreAvoided()
    {
        // NaN wherever x < 0.25; the minimum 0.3 lies just inside the valid region.
        static double F(double[] v) => v[0] < 0.25 ? double.NaN : Math.Pow(v[0] - 0.3, 2) + Math.Pow(v[1] - 1, 2);
        var r = bobyqa.Minimize(F, [1.0, 0.0], NoLower(2), NoUpper(2), new OptimizerOptions(InitialStep: 0.5));
        Assert.True(r.Converged);
        Assert.Equal(0.3, r.Final[0], 1e-6);
        Assert.Equal(1.0, r.Final[1], 1e-6);
    }

    [Fact]
    public void Deterministic_SameEvaluationsEveryRun()
    {
        var dev = DenseLmmDeviance.Sleepstudy(false);
        var first = new List<double[]>();
        var second = new List<double[]>();
        var r1 = bobyqa.Minimize(x => { first.Add(x); return dev.Evaluate(x); }, dev.Start, dev.Lower, NoUpper(3), new OptimizerOptions());
        var r2 = new Bobyqa().Minimize(x => { second.Add(x); return dev.Evaluate(x); }, dev.Start, dev.Lower, NoUpper(3), new OptimizerOptions());
        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++) Assert.Equal(first[i], second[i]);
        Assert.Equal(r1.Final, r2.Final);
        Assert.Equal(r1.FinalObjective, r2.FinalObjective);
    }

    [Fact]
    public void Cancellation_StopsBeforeTheNextEvaluation()
    {
        using var cts = new CancellationTokenSource();
        int count = 0;
        Assert.Throws<OperationCanceledException>(() => bobyqa.Minimize(x =>
        {
            if (++count == 10) cts.Cancel();
            return Rosenbrock(x);
        }, RosenbrockStart(3), NoLower(3), NoUpper(3), new OptimizerOptions(), null, cts.Token));
        Assert.Equal(10, count);
    }

    [Fact]
    public void Progress_ReportsEveryImprovementOfTheBestValue()
    {
        var reports = new List<OptimizerProgress>();
        var progress = new SynchronousProgress<OptimizerProgress>(reports.Add);
        var r = bobyqa.Minimize(Rosenbrock, RosenbrockStart(2), NoLower(2), NoUpper(2), new OptimizerOptions(), progress);
        Assert.NotEmpty(reports);
        Assert.Equal(1, reports[0].Evaluations);
        Assert.Equal(r.InitialObjective, reports[0].BestObjective);
        for (int i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Evaluations > reports[i - 1].Evaluations);
            Assert.True(reports[i].BestObjective < reports[i - 1].BestObjective);
        }
        Assert.Equal(r.FinalObjective, reports[^1].BestObjective);
        Assert.True(reports[^1].Evaluations <= r.Evaluations);
    }

    [Fact]
    public void InvalidArguments_AreRejectedWithAMessage()
    {
        var e1 = Assert.Throws<ArgumentException>(() => bobyqa.Minimize(Rosenbrock, [0.0, 0.0], [0.0], [1.0, 1.0], new OptimizerOptions()));
        Assert.Contains("same length", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => bobyqa.Minimize(Rosenbrock, [2.0, 0.0], [0.0, 0.0], [1.0, 1.0], new OptimizerOptions()));
        Assert.Contains("outside its bounds", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => bobyqa.Minimize(Rosenbrock, [0.5, 0.0], [1.0, 0.0], [0.0, 1.0], new OptimizerOptions()));
        Assert.Contains("exceeds its upper bound", e3.Message);
    }

    [Fact]
    public void DefaultOptions_AreTheDocumentedOnes()
    {
        var d = new OptimizerOptions();
        Assert.Equal(0.2, d.InitialStep);
        Assert.Equal(1e-6, d.FinalStep);
        Assert.Equal(10_000, d.MaxEvaluations);
        Assert.Equal(OptimizerOptions.Default, d);
        // An all-zero default(OptimizerOptions) means "use the defaults".
        Assert.Equal(d, default(OptimizerOptions).WithDefaults());
        var r1 = bobyqa.Minimize(Rosenbrock, RosenbrockStart(2), NoLower(2), NoUpper(2), default);
        var r2 = bobyqa.Minimize(Rosenbrock, RosenbrockStart(2), NoLower(2), NoUpper(2), d);
        Assert.Equal(r1.Evaluations, r2.Evaluations);
        Assert.Equal(r1.Final, r2.Final);
    }

    /// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
