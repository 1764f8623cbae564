using MathNet.Numerics.LinearAlgebra;
using Multilevel.Inference.Internals;
using Multilevel.Models;
using Multilevel.Numerics;

namespace Multilevel.Inference;

/// <summary>A t-test of one coefficient or contrast with Satterthwaite's degrees of freedom (lmerTest's <c>summary()</c> columns).</summary>
/// <param name="Term">The fixed effect (or a label of the contrast).</param>
/// <param name="Estimate">Lᵀβ̂.</param>
/// <param name="StandardError">√(Lᵀ C L), C = vcov(β̂).</param>
/// <param name="DegreesOfFreedom">Satterthwaite's ν = 2 (LᵀCL)² / (gᵀ A g).</param>
/// <param name="T">Estimate / standard error.</param>
/// <param name="P">Two-sided p-value from t with ν degrees of freedom.</param>
public sealed record SatterthwaiteTest(string Term, double Estimate, double StandardError, double DegreesOfFreedom, double T, double P);

/// <summary>
/// Satterthwaite's degrees of freedom for the fixed effects of a linear mixed model, as R's lmerTest: with the
/// variance parameters φ = (θ, σ), A = 2 H⁻¹ is their asymptotic covariance, H the Hessian of the fit's criterion
/// (REML or ML deviance as a function of θ and σ, β profiled out: lmerTest's <c>devfun_vp</c>); C(φ) = σ² (R_XᵀR_X)⁻¹(θ)
/// the covariance of β̂; for a contrast L, g = ∂(LᵀCL)/∂φ and ν = 2 (LᵀCL)² / (gᵀAg). H and g are Richardson-extrapolated
/// finite differences (numDeriv's scheme, as lmerTest) of functions that each cost one update of the blocked factor:
/// no work per row, so models with thousands of groups take as long as their factor does. The covariance matrices
/// at the difference points are computed once and shared by every contrast.
/// </summary>
public sealed class Satterthwaite
{
    private readonly LinearMixedModelFit _fit;
    private readonly LmmEvaluator _evaluator;
    private readonly double[] _phi;
    private readonly Matrix<double> _varianceParameterCovariance;
    private readonly Dictionary<PointKey, double[]> _covariances = [];
    private readonly CancellationToken _cancellationToken;

    private Satterthwaite(LinearMixedModelFit fit, LmmEvaluator evaluator, double[] phi, Matrix<double> a, IReadOnlyList<string> warnings, CancellationToken ct)
    {
        _fit = fit;
        _evaluator = evaluator;
        _phi = phi;
        _varianceParameterCovariance = a;
        Warnings = warnings;
        _cancellationToken = ct;
    }

    /// <summary>Problems met: a Hessian that is not positive definite at the optimum (as lmerTest warns).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>A = 2H⁻¹, the asymptotic covariance of (θ, σ) (Moore–Penrose inverse over the eigenvalues above 1e-6, as lmerTest).</summary>
    public double[,] VarianceParameterCovariance => _varianceParameterCovariance.ToArray();

    /// <summary>Prepares the tests of a fit: the Hessian of its criterion in (θ, σ) at the optimum.</summary>
    public static Satterthwaite For(LinearMixedModelFit fit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var context = FitContext.Create(fit);
        var evaluator = context.NewEvaluator(fit.Criterion);
        var phi = fit.Theta.Append(fit.Sigma).ToArray();
        var criterion = fit.Criterion;
        double Deviance(double[] x)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return evaluator.DevianceAt(criterion, x.AsSpan(0, x.Length - 1), x[^1]);
        }
        var scale = StepScale(phi);
        var h = NumericalDerivatives.GradientAndHessian(Scaled(Deviance, scale), Unscale(phi, scale), DifferenceOptions.Accurate, cancellationToken: cancellationToken);
        int m = phi.Length;
        var hm = Matrix<double>.Build.Dense(m, m, (i, j) => 0.5 * (h.HessianAt(i, j) + h.HessianAt(j, i)) / (scale[i] * scale[j]));
        var eig = hm.Evd(Symmetricity.Symmetric);
        const double tol = 1e-6;
        var warnings = new List<string>();
        var values = eig.EigenValues.Select(v => v.Real).ToArray();
        if (values.Any(v => v < -tol))
        {
            warnings.Add($"the Hessian of the {fit.Method} criterion in (θ, σ) has negative eigenvalues ({string.Join(", ", values.Where(v => v < -tol).Select(v => v.ToString("G2", System.Globalization.CultureInfo.InvariantCulture)))}): the fit may not be at its optimum; degrees of freedom are unreliable");
        }
        if (values.Any(v => Math.Abs(v) <= tol))
        {
            warnings.Add($"the Hessian of the {fit.Method} criterion in (θ, σ) is singular (an eigenvalue within ±{tol:G}): a variance parameter is on its boundary; its direction is left out of the degrees of freedom (as lmerTest)");
        }
        var vectors = eig.EigenVectors;
        var a = Matrix<double>.Build.Dense(m, m);
        for (int e = 0; e < m; e++)
        {
            if (values[e] <= tol) continue;
            var v = vectors.Column(e);
            a += v.OuterProduct(v) * (2.0 / values[e]);
        }
        return new Satterthwaite(fit, evaluator, phi, a, warnings, cancellationToken);
    }

    /// <summary>The t-tests of every fixed effect (lmerTest's <c>coef(summary(fit))</c>).</summary>
    public static IReadOnlyList<SatterthwaiteTest> Coefficients(LinearMixedModelFit fit, CancellationToken cancellationToken = default)
    {
        var s = For(fit, cancellationToken);
        return [.. Enumerable.Range(0, fit.FixedEffects.Length).Select(j => s.Coefficient(j))];
    }

    /// <summary>The t-test of fixed effect <paramref name="index"/>.</summary>
    public SatterthwaiteTest Coefficient(int index)
    {
        var l = new double[_fit.FixedEffects.Length];
        l[index] = 1;
        return Contrast(l, _fit.FixedEffectNames[index]);
    }

    /// <summary>The t-test of Lᵀβ = 0 for a contrast vector L (one weight per fixed effect).</summary>
    public SatterthwaiteTest Contrast(IReadOnlyList<double> contrast, string label = "contrast")
    {
        ArgumentNullException.ThrowIfNull(contrast);
        int p = _fit.FixedEffects.Length;
        if (contrast.Count != p) throw new ArgumentException($"the contrast has {contrast.Count} weights; the fit has {p} fixed effects", nameof(contrast));
        var l = contrast.ToArray();
        double estimate = 0;
        for (int j = 0; j < p; j++) estimate += l[j] * _fit.FixedEffects[j];
        double variance = QuadraticForm(l, _fit.Vcov);
        double Var(double[] x) => QuadraticForm(l, CovarianceAt(x), p);
        var scale = StepScale(_phi);
        var g = NumericalDerivatives.Gradient(Scaled(Var, scale), Unscale(_phi, scale), DifferenceOptions.Accurate, cancellationToken: _cancellationToken).Gradient;
        for (int i = 0; i < g.Length; i++) g[i] /= scale[i];
        var gv = Vector<double>.Build.DenseOfArray(g);
        double denominator = gv.DotProduct(_varianceParameterCovariance * gv);
        double df = 2 * variance * variance / denominator;
        double se = Math.Sqrt(variance);
        double t = estimate / se;
        return new SatterthwaiteTest(label, estimate, se, df, t, TwoSidedP(t, df));
    }

    /// <summary>
    /// Differences are taken in y = φ / s with s = |φ| (1e-3 below numDeriv's zero tolerance 1.8e-5): the
    /// Richardson steps 0.1·max(|y|, 0.1) then become 0.1·|φ|, numDeriv's steps, also for a parameter near 0 (a
    /// nearly singular fit), where a step of 0.01 in φ would reach past the boundary's mirror image.
    /// </summary>
    private static double[] StepScale(double[] phi) => [.. phi.Select(v => Math.Abs(v) >= 1.8e-5 ? Math.Abs(v) : 1e-3)];

    private static double[] Unscale(double[] phi, double[] scale) => [.. phi.Select((v, i) => v / scale[i])];

    private static Func<double[], double> Scaled(Func<double[], double> f, double[] scale) => y =>
    {
        var x = new double[y.Length];
        for (int i = 0; i < y.Length; i++) x[i] = y[i] * scale[i];
        return f(x);
    };

    /// <summary>Two-sided p-value of t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2), accurate in the far tail.</summary>
    public static double TwoSidedP(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df) || df <= 0) return double.NaN;
        if (double.IsPositiveInfinity(df)) return 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(t));
        double x = df / (df + t * t);
        return MathNet.Numerics.SpecialFunctions.BetaRegularized(df / 2, 0.5, x);
    }

    /// <summary>C(φ) = σ² (R_XᵀR_X)⁻¹(θ), p × p column-major, cached per difference point.</summary>
    private double[] CovarianceAt(double[] x)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var key = new PointKey(x);
        if (_covariances.TryGetValue(key, out var c)) return c;
        _evaluator.Update(x.AsSpan(0, x.Length - 1));
        var v = _evaluator.UnscaledCovariance();
        double s2 = x[^1] * x[^1];
        for (int i = 0; i < v.Length; i++) v[i] *= s2;
        _covariances[key] = v;
        return v;
    }

    private static double QuadraticForm(double[] l, double[] c, int p)
    {
        double s = 0;
        for (int j = 0; j < p; j++)
        {
            if (l[j] == 0) continue;
            for (int i = 0; i < p; i++) s += l[i] * c[j * p + i] * l[j];
        }
        return s;
    }

    private static double QuadraticForm(double[] l, double[,] c)
    {
        double s = 0;
        for (int i = 0; i < l.Length; i++)
        {
            for (int j = 0; j < l.Length; j++) s += l[i] * c[i, j] * l[j];
        }
        return s;
    }

    private readonly struct PointKey : IEquatable<PointKey>
    {
        private readonly double[] _x;
        private readonly int _hash;

        public PointKey(double[] x)
        {
            _x = (double[])x.Clone();
            var h = new HashCode();
            foreach (double v in x) h.Add(v);
            _hash = h.ToHashCode();
        }

        public bool Equals(PointKey other) => _x.AsSpan().SequenceEqual(other._x);

        public override bool Equals(object? obj) => obj is PointKey k && Equals(k);

        public override int GetHashCode() => _hash;
    }
}
