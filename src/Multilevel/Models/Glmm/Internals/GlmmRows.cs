using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics.Tensors;
using Multilevel.Design;
using Multilevel.Models.Glm;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// The response side of a GLMM, set up as R's <c>family$initialize</c> does for <c>glm</c>: y (a proportion
/// for binomial counts), the weights of the deviance (prior weights × binomial totals; 0 leaves a row out),
/// the binomial totals, the offset, and the family and link. Holds the per-row work of PIRLS: means, working
/// weights and residuals, deviance residuals.
/// <para>
/// −2 log p(y | μ) = Σᵢ devᵢ(μᵢ) + <see cref="Constant"/>, where devᵢ are the family's deviance residuals and
/// the constant (binomial coefficients, log y! …) does not depend on μ; it is R's <c>family$aic</c> minus the
/// deviance, computed once. Every −2 log-likelihood we report includes it, for every nAGQ.
/// </para>
/// </summary>
internal sealed class GlmmRows
{
    public GlmmRows(ModelDesign design, GlmFamily family, GlmLink link, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(design);
        Family = family;
        Link = link;
        int n = design.Observations;
        Count = n;
        var response = design.Response;
        bool binomial = family.Name == "binomial";
        if (response.Trials is not null && !binomial)
        {
            throw new ModelSpecificationException(
                $"the response '{response.Name}' is binomial counts (cbind(successes, failures)) but the family is {family.Name}: use --family binomial");
        }
        Y = new double[n];
        Weights = new double[n];
        Trials = new double[n];
        Offset = design.Offset is { } off ? (double[])off.Clone() : new double[n];
        HasOffset = design.Offset is not null;
        var prior = design.Weights;
        bool nonIntegerSuccesses = false, nonIntegerCounts = false;
        for (int i = 0; i < n; i++)
        {
            int row = design.RowIndex.Length == n ? design.RowIndex[i] + 1 : i + 1;
            double pw = prior is null ? 1 : prior[i];
            if (!(pw >= 0) || double.IsInfinity(pw))
            {
                throw new ModelSpecificationException($"prior weight {pw} in data row {row} is not a finite non-negative number");
            }
            double t = response.Trials is null ? 1 : response.Trials[i];
            if (!(t >= 0) || double.IsInfinity(t))
            {
                throw new ModelSpecificationException($"the binomial total (successes + failures) is {t} in data row {row}; it must be a finite count ≥ 0");
            }
            double y = response.Values[i];
            if (response.Trials is not null && t == 0) y = 0;
            if (!double.IsFinite(y))
            {
                throw new ModelSpecificationException($"the response '{response.Name}' is not finite ({y}) in data row {row}");
            }
            if (family.CheckResponse(y) is { } problem)
            {
                throw new ModelSpecificationException($"{problem} (data row {row})");
            }
            Y[i] = y;
            Trials[i] = t;
            Weights[i] = pw * t;
            if (binomial)
            {
                double m = Weights[i] * y;
                if (Math.Abs(m - Math.Round(m)) > 1e-3) nonIntegerSuccesses = true;
            }
            else if (family.Name == "poisson" && Math.Abs(y - Math.Round(y)) > 1e-8 * Math.Max(1, y))
            {
                nonIntegerCounts = true;
            }
        }
        if (nonIntegerSuccesses) warnings.Add("non-integer #successes in a binomial glmm: the log-likelihood rounds them (as R's dbinom)");
        if (nonIntegerCounts) warnings.Add("non-integer counts in a Poisson glmm: the log-likelihood uses log Γ(y + 1) for log y!");

        // The constant −2 log p(y|μ) − Σ dev(y, μ), at R's starting means (any admissible μ gives the same value).
        var mu = new double[n];
        double dev = 0;
        for (int i = 0; i < n; i++)
        {
            mu[i] = family.StartingMu(Y[i], response.Trials is null ? Weights[i] : Trials[i]);
            if (Weights[i] > 0) dev += family.DevianceResidual(Y[i], mu[i], Weights[i]);
        }
        Constant = family.Aic(Y, Trials, mu, Weights, dev) - dev;
        if (family.Name == "binomial" && link.Name == "logit") _kind = Kind.Logit;
        else if (family.Name == "poisson" && link.Name == "log") _kind = Kind.PoissonLog;
        if (_kind != Kind.Generic)
        {
            // the saturated part sᵢ of devᵢ/(2wᵢ): y log y + (1 − y) log(1 − y) (binomial), y log y − y (Poisson)
            _saturated = new double[n];
            for (int i = 0; i < n; i++)
            {
                double v = Y[i];
                _saturated[i] = _kind == Kind.Logit
                    ? (v > 0 ? v * Math.Log(v) : 0) + (v < 1 ? (1 - v) * Math.Log(1 - v) : 0)
                    : (v > 0 ? v * Math.Log(v) : 0) - v;
            }
        }
        if (!family.FixedDispersion)
        {
            throw new ModelSpecificationException(
                $"the {family.Name} family has a dispersion parameter; GLMMs are available for the binomial and Poisson families (use a linear mixed model for Gaussian responses)");
        }
    }

    public int Count { get; }

    public GlmFamily Family { get; }

    public GlmLink Link { get; }

    /// <summary>Response: proportion of successes (binomial) or the value.</summary>
    public double[] Y { get; }

    /// <summary>Weights of the deviance: prior weights × binomial totals (0: the row is left out).</summary>
    public double[] Weights { get; }

    /// <summary>Binomial totals (1 for 0/1 responses and other families).</summary>
    public double[] Trials { get; }

    /// <summary>The offset (zeros when there is none).</summary>
    public double[] Offset { get; }

    public bool HasOffset { get; }

    /// <summary>−2 log p(y | μ) − Σ devᵢ(μ): the part of −2 log-likelihood that does not depend on μ.</summary>
    public double Constant { get; }

    /// <summary>The deviance residual of row i at linear predictor η (0 for a row left out).</summary>
    public double UnitDeviance(int i, double eta)
    {
        double w = Weights[i];
        return w > 0 ? Family.DevianceResidual(Y[i], Link.LinkInverse(eta), w) : 0;
    }

    /// <summary>
    /// Σᵢ devᵢ at η, leaving μ = g⁻¹(η) and dμ/dη per row in <paramref name="mu"/> and <paramref name="muEta"/> for
    /// <see cref="WorkingWeights"/> at the same η. The canonical binomial–logit and Poisson–log pairs take a
    /// vectorised path with one exponential (and for the binomial one logarithm) per row, using the identities
    /// devᵢ = 2wᵢ (sᵢ + log(1 + e^η) − yᵢη) (logit) and devᵢ = 2wᵢ (sᵢ + μᵢ − yᵢη) (log), sᵢ the saturated part;
    /// rows with |η| beyond the links' clamping thresholds go through the family and link as R computes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Deviance(ReadOnlySpan<double> eta, Span<double> mu, Span<double> muEta)
    {
        int n = eta.Length;
        var y = Y;
        var wt = Weights;
        switch (_kind)
        {
            case Kind.Logit:
            {
                // mu holds e^η, muEta holds 1 + e^η, then log(1 + e^η) in muEta temporarily
                TensorPrimitives.Exp(eta, mu);
                TensorPrimitives.Add(mu, 1.0, muEta);
                // scratch from the pool: copies of a deviance function evaluate on several threads at once
                var rented = ArrayPool<double>.Shared.Rent(n);
                var log1p = rented.AsSpan(0, n);
                TensorPrimitives.Log(muEta, log1p);
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double e = eta[i];
                    double w = wt[i];
                    if (!(Math.Abs(e) <= 30))
                    {
                        double m = Link.LinkInverse(e);
                        mu[i] = m;
                        muEta[i] = Link.MuEta(e);
                        if (w > 0) s += Family.DevianceResidual(y[i], m, w);
                        continue;
                    }
                    double t = mu[i];
                    double opt = muEta[i];
                    mu[i] = t / opt;
                    muEta[i] = t / (opt * opt);
                    if (w > 0) s += 2 * w * (_saturated[i] + log1p[i] - y[i] * e);
                }
                ArrayPool<double>.Shared.Return(rented);
                return s;
            }
            case Kind.PoissonLog:
            {
                TensorPrimitives.Exp(eta, mu);
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double e = eta[i];
                    double w = wt[i];
                    double m = mu[i];
                    if (!(m >= Epsilon) || double.IsInfinity(m))
                    {
                        m = Link.LinkInverse(e);
                        mu[i] = m;
                        muEta[i] = Link.MuEta(e);
                        if (w > 0) s += Family.DevianceResidual(y[i], m, w);
                        continue;
                    }
                    muEta[i] = m;
                    if (w > 0) s += 2 * w * (_saturated[i] + m - y[i] * e);
                }
                return s;
            }
            default:
            {
                var fam = Family;
                var link = Link;
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double e = eta[i];
                    double m = link.LinkInverse(e);
                    mu[i] = m;
                    muEta[i] = link.MuEta(e);
                    double w = wt[i];
                    if (w > 0) s += fam.DevianceResidual(y[i], m, w);
                }
                return s;
            }
        }
    }

    /// <summary>
    /// Working weights W = w (dμ/dη)² / V(μ) and working residuals (y − μ)/(dμ/dη) from μ and dμ/dη of one η
    /// (both 0 for rows left out).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WorkingWeights(ReadOnlySpan<double> mu, ReadOnlySpan<double> muEta, Span<double> weight, Span<double> residual)
    {
        var y = Y;
        var wt = Weights;
        var fam = Family;
        bool canonical = _kind != Kind.Generic;
        for (int i = 0; i < mu.Length; i++)
        {
            double w = wt[i];
            if (!(w > 0))
            {
                weight[i] = 0;
                residual[i] = 0;
                continue;
            }
            double m = mu[i];
            double d = muEta[i];
            // canonical links: V(μ) = dμ/dη away from the clamps, so W = w dμ/dη
            double v = canonical ? (_kind == Kind.Logit ? m * (1 - m) : m) : fam.Variance(m);
            weight[i] = w * d * d / v;
            residual[i] = (y[i] - m) / d;
        }
    }

    private const double Epsilon = 2.220446049250313e-16;

    private enum Kind { Generic, Logit, PoissonLog }

    private readonly Kind _kind;
    private readonly double[] _saturated = [];
}
