using Multilevel.Design;
using Multilevel.Models;

namespace Multilevel.Simulation;

/// <summary>
/// Draws responses from a linear mixed model on a fixed design (lme4's <c>simulate()</c> with new random effects):
/// y = Xβ + offset + Z b + ε with b = σ Λ(θ) u, u ~ N(0, I), ε ~ N(0, σ²/w). The draws are made in a fixed order
/// — for each term, level after level, its q values of u; then ε row after row — from a <see cref="RandomStream"/>,
/// so a seed gives the same responses everywhere. Thread-safe: the state is only the caller's stream and buffer.
/// </summary>
public sealed class LinearMixedModelSimulator
{
    private readonly ModelDesign _design;
    private readonly double[] _fixedPart;
    private readonly double[][] _lambda;
    private readonly double _sigma;

    /// <summary>A simulator for parameters (β, θ, σ) on a design.</summary>
    public LinearMixedModelSimulator(ModelDesign design, IReadOnlyList<double> fixedEffects, IReadOnlyList<double> theta, double sigma)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(fixedEffects);
        ArgumentNullException.ThrowIfNull(theta);
        if (fixedEffects.Count != design.X.Columns) throw new ArgumentException($"{fixedEffects.Count} fixed effects for {design.X.Columns} columns of X", nameof(fixedEffects));
        int expected = design.RandomEffects.Sum(t => t.Q * (t.Q + 1) / 2);
        if (theta.Count != expected) throw new ArgumentException($"θ has {theta.Count} elements; the design's terms need {expected}", nameof(theta));
        if (!(sigma >= 0) || double.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), $"σ must be finite and non-negative; it is {sigma}");
        _design = design;
        _sigma = sigma;
        int n = design.Observations;
        _fixedPart = new double[n];
        for (int j = 0; j < fixedEffects.Count; j++)
        {
            var col = design.X.Column(j);
            double b = fixedEffects[j];
            for (int i = 0; i < n; i++) _fixedPart[i] += col[i] * b;
        }
        if (design.Offset is { } off)
        {
            for (int i = 0; i < n; i++) _fixedPart[i] += off[i];
        }
        _lambda = new double[design.RandomEffects.Count][];
        int t = 0;
        for (int k = 0; k < _lambda.Length; k++)
        {
            int q = design.RandomEffects[k].Q;
            var lam = new double[q * q];
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++) lam[c * q + r] = theta[t++];
            }
            _lambda[k] = lam;
        }
    }

    /// <summary>A simulator at a fit's estimates (β̂, θ̂, σ̂).</summary>
    public static LinearMixedModelSimulator FromFit(LinearMixedModelFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new LinearMixedModelSimulator(fit.Design, fit.FixedEffects, fit.Theta, fit.Sigma);
    }

    /// <summary>The design responses are drawn on.</summary>
    public ModelDesign Design => _design;

    /// <summary>Number of observations (length of a simulated response).</summary>
    public int Observations => _fixedPart.Length;

    /// <summary>Fills <paramref name="response"/> with one draw.</summary>
    public void Simulate(RandomStream random, Span<double> response)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = _fixedPart.Length;
        if (response.Length != n) throw new ArgumentException($"the buffer has {response.Length} elements; the design has {n} observations", nameof(response));
        _fixedPart.CopyTo(response);
        var terms = _design.RandomEffects;
        Span<double> ubuffer = stackalloc double[terms.Count == 0 ? 1 : terms.Max(t => t.Q)];
        for (int k = 0; k < terms.Count; k++)
        {
            var term = terms[k];
            int q = term.Q;
            var lam = _lambda[k];
            var b = new double[term.LevelCount * q];
            var u = ubuffer[..q];
            for (int g = 0; g < term.LevelCount; g++)
            {
                for (int c = 0; c < q; c++) u[c] = random.NextNormal();
                for (int r = 0; r < q; r++)
                {
                    double s = 0;
                    for (int c = 0; c <= r; c++) s += lam[c * q + r] * u[c];
                    b[g * q + r] = _sigma * s;
                }
            }
            var codes = term.Codes;
            var z = term.Z;
            for (int i = 0; i < n; i++)
            {
                int g = codes[i];
                double s = 0;
                for (int c = 0; c < q; c++) s += z[i * q + c] * b[g * q + c];
                response[i] += s;
            }
        }
        var w = _design.Weights;
        for (int i = 0; i < n; i++)
        {
            double e = random.NextNormal();
            response[i] += w is null ? _sigma * e : _sigma * e / Math.Sqrt(w[i]);
        }
    }

    /// <summary>One draw with a seed.</summary>
    public double[] Simulate(ulong seed)
    {
        var y = new double[Observations];
        Simulate(new RandomStream(seed), y);
        return y;
    }
}
