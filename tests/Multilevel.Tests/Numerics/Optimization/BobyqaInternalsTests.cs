using Multilevel.Numerics.Optimization.Internals;
using Xunit;
using Xunit.Abstractions;
using static Multilevel.Tests.Numerics.Optimization.TestProblems;

namespace Multilevel.Tests.Numerics.Optimization;

/// <summary>
/// Invariants of BOBYQA's state after every iteration: the Lagrange functions kept through Powell's updating
/// formula satisfy ℓ_k(Y_j) = δ_kj at the interpolation points, and the quadratic model interpolates the
/// objective there. These fail if an update formula is wrong, or if rounding errors in the updates are left to
/// grow, even when the optimiser still happens to converge.
/// </summary>
public class BobyqaInternalsTests(ITestOutputHelper output)
{
    private (double Lagrange, double Residual, int Iterations, bool Converged) Observe(Func<double[], double> f, double[] start, double[] lower, double[] upper, int m, double rhoBeg, double rhoEnd)
    {
        var problem = BoundedProblem.Create(f, start, lower, upper, 20_000, null, default);
        double f0 = problem.Evaluate(problem.Start);
        double lagrange = 0, residual = 0;
        int iterations = 0;
        var solver = new BobyqaSolver(problem, m, rhoBeg, rhoEnd, s =>
        {
            lagrange = Math.Max(lagrange, s.LagrangeError(recomputed: false));
            residual = Math.Max(residual, s.InterpolationResidual());
            iterations++;
        });
        var (code, _) = solver.Run(f0);
        output.WriteLine($"{iterations} iterations, {problem.Evaluations} evaluations, {code}: max |ℓ_k(Y_j) − δ_kj| {lagrange:E2}, max interpolation residual {residual:E2}");
        return (lagrange, residual, iterations, code == Multilevel.Numerics.Optimization.OptimizerReturnCode.Converged);
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(4, 9)]
    [InlineData(4, 6)]
    [InlineData(10, 21)]
    public void Rosenbrock_LagrangeConditionsAndInterpolationHold(int n, int m)
    {
        // Without the probe-and-recompute safeguard the updated H drifted to errors of order 1 on these runs.
        var (lagrange, residual, iterations, converged) = Observe(Rosenbrock, new double[n], NoLower(n), NoUpper(n), m, 0.5, 1e-8);
        Assert.True(converged);
        Assert.True(iterations > 50);
        Assert.True(lagrange < 1e-3, $"Lagrange error {lagrange}");
        Assert.True(residual < 1e-6, $"interpolation residual {residual}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void FullQuadraticModel_StillConverges(int n)
    {
        // m = (n + 1)(n + 2)/2 leaves no freedom in the model; late in the run the points sit at several scales
        // and even H recomputed from them is inaccurate. The run must nevertheless converge (by rebuilding the set
        // if need be) rather than stop on rounding errors.
        var (_, residual, _, converged) = Observe(Rosenbrock, new double[n], NoLower(n), NoUpper(n), (n + 1) * (n + 2) / 2, 0.5, 1e-8);
        Assert.True(converged);
        Assert.True(residual < 1e-2, $"interpolation residual {residual}");
    }

    [Fact]
    public void BoundedLmmDeviance_LagrangeConditionsAndInterpolationHold()
    {
        var dev = DenseLmmDeviance.Sleepstudy(false);
        var (lagrange, residual, _, converged) = Observe(dev.Evaluate, dev.Start, dev.Lower, NoUpper(3), 7, 0.2, 1e-6);
        Assert.True(converged);
        Assert.True(lagrange < 1e-6, $"Lagrange error {lagrange}");
        Assert.True(residual < 1e-10, $"interpolation residual {residual}");
    }

    [Fact]
    public void OneParameter_LagrangeConditionsAndInterpolationHold()
    {
        var ci = Fill(10, 5.0);
        var (lagrange, residual, _, converged) = Observe(v => DevianceLike(v[0], ci, 5, 3, 20, 50), [1.0], [0.0], [double.PositiveInfinity], 3, 0.2, 1e-6);
        Assert.True(converged);
        Assert.True(lagrange < 1e-6, $"Lagrange error {lagrange}");
        Assert.True(residual < 1e-10, $"interpolation residual {residual}");
    }
}
