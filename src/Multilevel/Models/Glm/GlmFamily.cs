using MathNet.Numerics;

namespace Multilevel.Models.Glm;

/// <summary>
/// An exponential family for <see cref="GeneralizedLinearModel"/>: variance function, deviance residuals,
/// AIC and starting values, as R's <c>family</c> objects (<c>binomial</c>, <c>poisson</c>, <c>gaussian</c>).
/// </summary>
public abstract class GlmFamily
{
    /// <summary>Name as R prints it.</summary>
    public abstract string Name { get; }

    /// <summary>The canonical (default) link.</summary>
    public abstract GlmLink DefaultLink { get; }

    /// <summary>True when the dispersion is fixed at 1 (binomial, Poisson).</summary>
    public abstract bool FixedDispersion { get; }

    /// <summary>V(μ).</summary>
    public abstract double Variance(double mu);

    /// <summary>Weighted unit deviance wt · d(y, μ) (R's <c>dev.resids</c>).</summary>
    public abstract double DevianceResidual(double y, double mu, double wt);

    /// <summary>R's <c>family$aic</c>: −2 log-likelihood (plus 2 for an estimated dispersion).</summary>
    /// <param name="y">Responses.</param>
    /// <param name="n">Binomial totals (1 when the response is 0/1).</param>
    /// <param name="mu">Fitted means.</param>
    /// <param name="wt">Prior weights (for cbind responses: prior weights × totals).</param>
    /// <param name="deviance">Residual deviance.</param>
    public abstract double Aic(ReadOnlySpan<double> y, ReadOnlySpan<double> n, ReadOnlySpan<double> mu, ReadOnlySpan<double> wt, double deviance);

    /// <summary>Starting value of μ for one observation (R's <c>initialize</c>).</summary>
    public abstract double StartingMu(double y, double wt);

    /// <summary>True when μ is admissible.</summary>
    public abstract bool ValidMu(double mu);

    /// <summary>Checks a response value; returns an error message or null.</summary>
    public abstract string? CheckResponse(double y);

    /// <summary>The binomial family (logit link by default).</summary>
    public static GlmFamily Binomial { get; } = new BinomialFamily();

    /// <summary>The Poisson family (log link by default).</summary>
    public static GlmFamily Poisson { get; } = new PoissonFamily();

    /// <summary>The Gaussian family (identity link by default).</summary>
    public static GlmFamily Gaussian { get; } = new GaussianFamily();

    /// <summary>The family of this name (<c>binomial</c>, <c>poisson</c>, <c>gaussian</c>), or null.</summary>
    public static GlmFamily? FromName(string name) => name.ToLowerInvariant() switch
    {
        "binomial" => Binomial,
        "poisson" => Poisson,
        "gaussian" => Gaussian,
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static double YLogY(double y, double mu) => y > 0 ? y * Math.Log(y / mu) : 0;

    private sealed class BinomialFamily : GlmFamily
    {
        public override string Name => "binomial";
        public override GlmLink DefaultLink => GlmLink.Logit;
        public override bool FixedDispersion => true;
        public override double Variance(double mu) => mu * (1 - mu);
        public override double DevianceResidual(double y, double mu, double wt) =>
            2 * wt * (YLogY(y, mu) + YLogY(1 - y, 1 - mu));
        public override double StartingMu(double y, double wt) => (wt * y + 0.5) / (wt + 1);
        public override bool ValidMu(double mu) => double.IsFinite(mu) && mu > 0 && mu < 1;
        public override string? CheckResponse(double y) =>
            y is >= 0 and <= 1 ? null : $"binomial responses must be 0 ≤ y ≤ 1 (or cbind(successes, failures)); found {y}";
        public override double Aic(ReadOnlySpan<double> y, ReadOnlySpan<double> n, ReadOnlySpan<double> mu, ReadOnlySpan<double> wt, double deviance)
        {
            bool anyN = false;
            foreach (double v in n) if (v > 1) { anyN = true; break; }
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double m = anyN ? n[i] : wt[i];
                if (!(m > 0)) continue;
                double size = Math.Round(m), k = Math.Round(m * y[i]);
                s += wt[i] / m * LogDensityBinomial(k, size, mu[i]);
            }
            return -2 * s;
        }
    }

    private sealed class PoissonFamily : GlmFamily
    {
        public override string Name => "poisson";
        public override GlmLink DefaultLink => GlmLink.Log;
        public override bool FixedDispersion => true;
        public override double Variance(double mu) => mu;
        public override double DevianceResidual(double y, double mu, double wt) =>
            2 * wt * (y > 0 ? y * Math.Log(y / mu) - (y - mu) : mu);
        public override double StartingMu(double y, double wt) => y + 0.1;
        public override bool ValidMu(double mu) => double.IsFinite(mu) && mu > 0;
        public override string? CheckResponse(double y) =>
            y >= 0 ? null : $"Poisson responses must be counts ≥ 0; found {y}";
        public override double Aic(ReadOnlySpan<double> y, ReadOnlySpan<double> n, ReadOnlySpan<double> mu, ReadOnlySpan<double> wt, double deviance)
        {
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                if (wt[i] == 0) continue;
                double ld = y[i] == 0 ? -mu[i] : y[i] * Math.Log(mu[i]) - mu[i] - SpecialFunctions.GammaLn(y[i] + 1);
                s += ld * wt[i];
            }
            return -2 * s;
        }
    }

    private sealed class GaussianFamily : GlmFamily
    {
        public override string Name => "gaussian";
        public override GlmLink DefaultLink => GlmLink.Identity;
        public override bool FixedDispersion => false;
        public override double Variance(double mu) => 1;
        public override double DevianceResidual(double y, double mu, double wt) => wt * (y - mu) * (y - mu);
        public override double StartingMu(double y, double wt) => y;
        public override bool ValidMu(double mu) => double.IsFinite(mu);
        public override string? CheckResponse(double y) => null;
        public override double Aic(ReadOnlySpan<double> y, ReadOnlySpan<double> n, ReadOnlySpan<double> mu, ReadOnlySpan<double> wt, double deviance)
        {
            int nobs = 0;
            double sumLogW = 0;
            for (int i = 0; i < y.Length; i++)
            {
                if (wt[i] == 0) continue;
                nobs++;
                sumLogW += Math.Log(wt[i]);
            }
            return nobs * (Math.Log(deviance / nobs * 2 * Math.PI) + 1) + 2 - sumLogW;
        }
    }

    /// <summary>log dbinom(k; size, p).</summary>
    internal static double LogDensityBinomial(double k, double size, double p)
    {
        if (k < 0 || k > size) return double.NegativeInfinity;
        double logChoose = SpecialFunctions.GammaLn(size + 1) - SpecialFunctions.GammaLn(k + 1) - SpecialFunctions.GammaLn(size - k + 1);
        double a = k == 0 ? 0 : k * Math.Log(p);
        double b = size - k == 0 ? 0 : (size - k) * Math.Log(1 - p);
        return logChoose + a + b;
    }
}
