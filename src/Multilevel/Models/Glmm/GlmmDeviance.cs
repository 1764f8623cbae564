using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm.Internals;
using Multilevel.Models.Internals;

namespace Multilevel.Models.Glmm;

/// <summary>
/// The deviance (−2 log-likelihood, constants included) of a generalized linear mixed model as a function of its
/// parameters — lme4's <c>devfun</c> of <c>glmer</c>, a value that optimisers, profiling and tests can call:
/// <list type="bullet">
/// <item><see cref="EvaluateFast"/>(θ): nAGQ = 0 — β and the conditional modes u by PIRLS, then the Laplace
/// approximation C + Σ devᵢ + ‖ũ‖² + log|L_Z|² there (lme4's first stage).</item>
/// <item><see cref="Evaluate(ReadOnlySpan{double}, ReadOnlySpan{double})"/>(θ, β): the modes by PIRLS at fixed β,
/// then the Laplace approximation (nAGQ = 1) or adaptive Gauss–Hermite quadrature (nAGQ &gt; 1).</item>
/// </list>
/// C, the part of −2 log p(y|μ) that does not depend on μ (binomial coefficients, log y!), is included for every
/// nAGQ, so all values are on one scale. PIRLS starts from the modes of the previous evaluation. An instance is
/// not safe for concurrent evaluation; use <see cref="Clone"/> for one per thread.
/// </summary>
public sealed class GlmmDeviance
{
    private readonly GlmmRows _rows;
    private readonly ThetaMap _map;
    private readonly double _pirlsTolerance;
    private readonly int _pirlsMaxIterations;
    private Pirls? _fast;
    private Pirls? _modes;
    private AdaptiveQuadrature? _quadrature;

    internal GlmmDeviance(ModelDesign design, GlmmRows rows, int nagq, double[] startingFixedEffects, double pirlsTolerance, int pirlsMaxIterations, IReadOnlyList<string> notes)
    {
        Design = design;
        _rows = rows;
        Nagq = nagq;
        _map = new ThetaMap([.. design.RandomEffects.Select(t => t.Q)]);
        StartingFixedEffects = startingFixedEffects;
        _pirlsTolerance = pirlsTolerance;
        _pirlsMaxIterations = pirlsMaxIterations;
        Notes = notes;
    }

    /// <summary>The design.</summary>
    public ModelDesign Design { get; }

    /// <summary>The family.</summary>
    public GlmFamily Family => _rows.Family;

    /// <summary>The link.</summary>
    public GlmLink Link => _rows.Link;

    /// <summary>The nAGQ this function was made for (<see cref="Evaluate(ReadOnlySpan{double}, ReadOnlySpan{double})"/> uses it; 0 there means Laplace).</summary>
    public int Nagq { get; }

    /// <summary>Number of elements of θ.</summary>
    public int ThetaCount => _map.Count;

    /// <summary>Number of fixed effects p.</summary>
    public int FixedEffectCount => Design.X.Columns;

    /// <summary>Lower bounds of θ: 0 for diagonal elements of each λ, −∞ otherwise.</summary>
    public double[] LowerBounds => (double[])_map.Lower.Clone();

    /// <summary>lme4's starting θ: 1 on the diagonal of each λ, 0 off it.</summary>
    public double[] InitialTheta => (double[])_map.Start.Clone();

    /// <summary>Whether each element of θ lies on the diagonal of its λ.</summary>
    public bool[] DiagonalElements => (bool[])_map.IsDiagonal.Clone();

    /// <summary>β of the GLM without random effects: where PIRLS starts.</summary>
    public double[] StartingFixedEffects { get; }

    /// <summary>−2 log p(y|μ) − Σ devᵢ(μ): the part of every deviance here that does not depend on the parameters.</summary>
    public double Constant => _rows.Constant;

    /// <summary>Notes from setting up (starting values, separation warnings).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Number of evaluations so far (including those of copies whose work was added, as the Hessian's).</summary>
    public int Evaluations { get; private set; }

    /// <summary>PIRLS iterations so far (over all evaluations).</summary>
    public int PirlsIterations => (_fast?.TotalIterations ?? 0) + (_modes?.TotalIterations ?? 0) + _otherIterations;

    /// <summary>PIRLS step halvings so far.</summary>
    public int PirlsHalvings => (_fast?.TotalHalvings ?? 0) + (_modes?.TotalHalvings ?? 0) + _otherHalvings;

    private int _otherIterations;
    private int _otherHalvings;

    /// <summary>Counts the evaluations and PIRLS work of <paramref name="copy"/> (a <see cref="Clone"/> used on another thread) as this one's.</summary>
    internal void AddWorkOf(GlmmDeviance copy)
    {
        Evaluations += copy.Evaluations;
        _otherIterations += copy.PirlsIterations;
        _otherHalvings += copy.PirlsHalvings;
    }

    internal GlmmRows Rows => _rows;

    internal ThetaMap Map => _map;

    internal Pirls FastPirls => _fast ??= NewPirls(joint: true);

    internal Pirls ModePirls => _modes ??= NewPirls(joint: false);

    /// <summary>nAGQ = 0: β and u by PIRLS at θ; returns the Laplace approximation at those values.</summary>
    /// <exception cref="PirlsException">PIRLS failed at θ.</exception>
    public double EvaluateFast(ReadOnlySpan<double> theta)
    {
        CheckTheta(theta);
        Evaluations++;
        var pirls = FastPirls;
        pirls.Run(theta, default);
        return pirls.Laplace;
    }

    /// <summary>The modes by PIRLS at (θ, β), then the Laplace approximation or, when <see cref="Nagq"/> &gt; 1, adaptive quadrature.</summary>
    /// <exception cref="PirlsException">PIRLS failed at (θ, β).</exception>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> fixedEffects) => Evaluate(theta, fixedEffects, Math.Max(Nagq, 1));

    /// <summary>The deviance at (θ, β) with <paramref name="nagq"/> quadrature nodes per random effect (1: Laplace).</summary>
    /// <exception cref="PirlsException">PIRLS failed at (θ, β).</exception>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> fixedEffects, int nagq)
    {
        CheckTheta(theta);
        if (fixedEffects.Length != FixedEffectCount) throw new ArgumentException($"β has {fixedEffects.Length} elements, expected {FixedEffectCount}", nameof(fixedEffects));
        ArgumentOutOfRangeException.ThrowIfLessThan(nagq, 1);
        if (nagq > 1) GlmmChecks.ValidateQuadrature(Design, nagq);
        Evaluations++;
        var pirls = ModePirls;
        pirls.Run(theta, fixedEffects);
        if (nagq == 1) return pirls.Laplace;
        _quadrature ??= new AdaptiveQuadrature(_rows, Design.RandomEffects[0]);
        return _quadrature.Deviance(pirls, nagq);
    }

    /// <summary>A fresh copy (modes reset) sharing the design.</summary>
    public GlmmDeviance Clone() => new(Design, _rows, Nagq, StartingFixedEffects, _pirlsTolerance, _pirlsMaxIterations, Notes);

    /// <summary>Puts both PIRLS states back at u = 0 and β = the GLM's.</summary>
    internal void ResetModes()
    {
        _fast?.Reset(StartingFixedEffects);
        _modes?.Reset(StartingFixedEffects);
    }

    private Pirls NewPirls(bool joint)
    {
        var p = new Pirls(_rows, Design.RandomEffects, Design.X, _map, joint, _pirlsTolerance, _pirlsMaxIterations);
        p.Reset(StartingFixedEffects);
        return p;
    }

    private void CheckTheta(ReadOnlySpan<double> theta)
    {
        if (theta.Length != _map.Count) throw new ArgumentException($"θ has {theta.Length} elements, expected {_map.Count}", nameof(theta));
    }
}
