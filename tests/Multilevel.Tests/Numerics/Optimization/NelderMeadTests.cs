using System.Globalization;
using Multilevel.Numerics.Optimization;
using Xunit;
using Xunit.Abstractions;
using static Multilevel.Tests.Numerics.Optimization.TestProblems;

namespace Multilevel.Tests.Numerics.Optimization;

public class NelderMeadTests(ITestOutputHelper output)
{
    private readonly NelderMead nelderMead = new();

    private void Log(string problem, OptSummary r) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{problem}: {r.Evaluations} evaluations, f = {r.FinalObjective:G12}, {r.ReturnCode}"));

    [Theory]
    [InlineData(2, true)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    public void Rosenbrock_ReachesTheMinimumAtOnes(int n, bool classicStart)
    {
        var start = classicStart ? RosenbrockStart(n) : new double[n];
        var r = nelderMead.Minimize(Rosenbrock, start, NoLower(n), NoUpper(n), new OptimizerOptions(InitialStep: 0.5, FinalStep: 1e-9));
        Log($"Rosenbrock n={n}", r);
        Assert.True(r.Converged, r.Message);
        Assert.All(r.Final, x => Assert.Equal(1.0, x, 1e-5));
    }

    [Fact]
    public void BoundedQuadratic_MinimumOnTheBoundary()
    {
        // As for BOBYQA: minimum (0, 0.5), f = 0.09, with the first parameter on its bound.
        static double F(double[] v) => Math.Pow(v[0] + 0.3, 2) + 2 * Math.Pow(v[1] - 0.5, 2) + v[0] * v[1];
        var r = nelderMead.Minimize(F, [1.0, 1.0], [0.0, 0.0], NoUpper(2), new OptimizerOptions());
        Log("bounded quadratic", r);
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]);
        Assert.Equal(0.5, r.Final[1], 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BoxQuadratic_MatchesTheExactKktSolution(int seed)
    {
        int n = 4;
        var quadratic = RandomQuadratic.Create(seed, n);
        Func<double[], double> F = quadratic.Value;
        var exact = BoxQuadraticMinimum(quadratic.A, quadratic.B, Fill(n, -1), Fill(n, 1));
        var r = nelderMead.Minimize(F, new double[n], Fill(n, -1), Fill(n, 1), new OptimizerOptions(FinalStep: 1e-9));
        Log($"box quadratic seed {seed}", r);
        Assert.True(r.Converged);
        for (int i = 0; i < n; i++) Assert.Equal(exact[i], r.Final[i], 1e-5);
    }

    [Fact]
    public void OneParameter_DevianceLike()
    {
        double a = 3, b = 20, c = 5;
        int k = 10, bigN = 50;
        var ci = Fill(k, c);
        double t = b * (bigN - k) / (k * a);
        double thetaHat = Math.Sqrt((t - 1) / c);
        var r = nelderMead.Minimize(v => DevianceLike(v[0], ci, c, a, b, bigN), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Log("deviance-like 1-D", r);
        Assert.True(r.Converged);
        Assert.Equal(thetaHat, r.Final[0], 1e-5);
    }

    [Fact]
    public void OneParameter_MinimumOnTheBound()
    {
        var r = nelderMead.Minimize(v => Math.Pow(v[0] + 0.3, 2), [1.0], [0.0], [double.PositiveInfinity], new OptimizerOptions());
        Assert.True(r.Converged);
        Assert.Equal(0.0, r.Final[0]);
    }

    [Theory]
    [MemberData(nameof(BobyqaTests.LmmProblems), MemberType = typeof(BobyqaTests))]
    public void LmmDeviance_MatchesLme4(string name)
    {
        // Same tolerances as for BOBYQA (fixtures/reference/README.md): objective 1e-6 relative, θ 1e-4.
        var (dev, theta, objective) = LmmProblem(name);
        var r = nelderMead.Minimize(dev.Evaluate, dev.Start, dev.Lower, NoUpper(dev.ThetaLength), new OptimizerOptions());
        Log(name, r);
        Assert.True(r.Converged);
        Assert.True(Math.Abs(r.FinalObjective - objective) <= 1e-6 * objective, $"{r.FinalObjective} vs lme4's {objective}");
        for (int i = 0; i < theta.Length; i++) Assert.Equal(theta[i], r.Final[i], 1e-4);
    }

    [Fact]
    public void Bobyqa_NeedsFewerEvaluationsThanNelderMead_OnLmmDeviances()
    {
        // The reason BOBYQA is the default: on the profiled deviances of lme4's test models it reaches the same
        // minimum with far fewer evaluations. The exception is a minimum on the bound θ = 0 (dyestuff2), where
        // projecting the simplex onto the bound collapses it there at once; there both need about a dozen.
        int totalBobyqa = 0, totalNelderMead = 0;
        foreach (string name in BobyqaTests.LmmProblems)
        {
            var (dev, _, _) = LmmProblem(name);
            var rb = new Bobyqa().Minimize(dev.Evaluate, dev.Start, dev.Lower, NoUpper(dev.ThetaLength), new OptimizerOptions());
            var rn = nelderMead.Minimize(dev.Evaluate, dev.Start, dev.Lower, NoUpper(dev.ThetaLength), new OptimizerOptions());
            output.WriteLine($"{name}: BOBYQA {rb.Evaluations}, Nelder-Mead {rn.Evaluations} evaluations; deviance difference {rn.FinalObjective - rb.FinalObjective:E2}");
            if (name != "dyestuff2_singular") Assert.True(rb.Evaluations < rn.Evaluations, name);
            Assert.True(rb.FinalObjective <= rn.FinalObjective + 1e-8 * Math.Abs(rn.FinalObjective), name);
            totalBobyqa += rb.Evaluations;
            totalNelderMead += rn.Evaluations;
        }
        output.WriteLine($"total: BOBYQA {totalBobyqa}, Nelder-Mead {totalNelderMead}");
        Assert.True(2 * totalBobyqa < totalNelderMead);
    }

    private static (DenseLmmDeviance Deviance, double[] Theta, double Objective) LmmProblem(string name) => name switch
    {
        "sleepstudy_ml" => (DenseLmmDeviance.Sleepstudy(false), [0.929190605278248, 0.018165754720412, 0.222643205612618], 1751.93934448899),
        "sleepstudy_reml" => (DenseLmmDeviance.Sleepstudy(true), [0.966741773967412, 0.0151690588960361, 0.230909953207795], 1743.62827195995),
        "sleepstudy_uncorr" => (DenseLmmDeviance.Sleepstudy(true, false), [0.979896527914237, 0.234231225347045], 1743.66929358148),
        "dyestuff_reml" => (DenseLmmDeviance.Dyestuff(true), [0.848323783218823], 319.654276842257),
        "dyestuff2_singular" => (DenseLmmDeviance.Dyestuff(true, "dyestuff2.csv"), [0.0], 161.828277812288),
        "pastes_nested" => (DenseLmmDeviance.Pastes(true), [3.52690178773174, 1.56346140209686], 246.990745853487),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void MaxEvaluations_StopsExactlyAtTheLimit()
    {
        var r = nelderMead.Minimize(Rosenbrock, RosenbrockStart(4), NoLower(4), NoUpper(4), new OptimizerOptions(MaxEvaluations: 30));
        Assert.Equal(OptimizerReturnCode.MaxEvaluationsReached, r.ReturnCode);
        Assert.Equal(30, r.Evaluations);
        Assert.Equal(Rosenbrock(r.Final), r.FinalObjective);
    }

    [Fact]
    public void NonFiniteObjectiveAtTheStart_IsReported()
    {
        var r = nelderMead.Minimize(_ => double.PositiveInfinity, [1.0], [0.0], [2.0], new OptimizerOptions());
        Assert.Equal(OptimizerReturnCode.InvalidObjective, r.ReturnCode);
        Assert.Equal(1, r.Evaluations);
    }

    [Fact]
    public void ObjectiveIsOnlyEvaluatedInsideTheBox_AndFixedParametersStay()
    {
        var r = nelderMead.Minimize(v =>
        {
            Assert.InRange(v[0], 0, 2);
            Assert.Equal(7.0, v[1]);
            Assert.InRange(v[2], -1, 0.5);
            return Math.Pow(v[0] - 3, 2) + Math.Pow(v[2] - 1, 2) + v[0] * v[2];
        }, [1.0, 7.0, 0.0], [0.0, 7.0, -1.0], [2.0, 7.0, 0.5], new OptimizerOptions());
        Assert.True(r.Converged);
        Assert.Equal(2.0, r.Final[0]);
        Assert.Equal(7.0, r.Final[1]);
        Assert.Equal(0.0, r.Final[2], 1e-5);
    }

    [Fact]
    public void Deterministic_SameEvaluationsEveryRun()
    {
        var first = new List<double[]>();
        var second = new List<double[]>();
        nelderMead.Minimize(x => { first.Add(x); return Rosenbrock(x); }, RosenbrockStart(3), NoLower(3), NoUpper(3), new OptimizerOptions());
        new NelderMead().Minimize(x => { second.Add(x); return Rosenbrock(x); }, RosenbrockStart(3), NoLower(3), NoUpper(3), new OptimizerOptions());
        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void Cancellation_AndProgress()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<OptimizerProgress>();
        int count = 0;
        Assert.Throws<OperationCanceledException>(() => nelderMead.Minimize(x =>
        {
            if (++count == 50) cts.Cancel();
            return Rosenbrock(x);
        }, RosenbrockStart(2), NoLower(2), NoUpper(2), new OptimizerOptions(),
        new BobyqaTests.SynchronousProgress<OptimizerProgress>(reports.Add), cts.Token));
        Assert.Equal(50, count);
        Assert.NotEmpty(reports);
        for (int i = 1; i < reports.Count; i++) Assert.True(reports[i].BestObjective < reports[i - 1].BestObjective);
    }
}

public class BoundedOptimizersTests
{
    [Theory]
    [InlineData("bobyqa", "BOBYQA")]
    [InlineData("BOBYQA", "BOBYQA")]
    [InlineData("nloptwrap", "BOBYQA")]
    [InlineData("Nelder_Mead", "NelderMead")]
    [InlineData("nelder-mead", "NelderMead")]
    [InlineData("NelderMead", "NelderMead")]
    public void Create_FindsTheOptimiserByName(string name, string expected) =>
        Assert.Equal(expected, BoundedOptimizers.Create(name).Name);

    [Fact]
    public void Create_RejectsAnUnknownNameAndListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => BoundedOptimizers.Create("lbfgs"));
        Assert.Contains("bobyqa", e.Message);
        Assert.Contains("neldermead", e.Message);
        Assert.Equal("BOBYQA", BoundedOptimizers.Default.Name);
    }
}
