using MathNet.Numerics;

namespace Multilevel.Models.Glm;

/// <summary>
/// A link function g with μ = g⁻¹(η). The numerical guards (clamping of η and of dμ/dη) are those of R's
/// <c>make.link</c>, so that IRLS takes the same steps as R's <c>glm</c>.
/// </summary>
public abstract class GlmLink
{
    private const double Eps = 2.220446049250313e-16;   // .Machine$double.eps

    /// <summary>Name as R prints it: <c>logit</c>, <c>probit</c>, <c>cloglog</c>, <c>log</c>, <c>identity</c>.</summary>
    public abstract string Name { get; }

    /// <summary>η = g(μ).</summary>
    public abstract double LinkFun(double mu);

    /// <summary>μ = g⁻¹(η).</summary>
    public abstract double LinkInverse(double eta);

    /// <summary>dμ/dη at η.</summary>
    public abstract double MuEta(double eta);

    /// <summary>True when η is admissible for the link.</summary>
    public virtual bool ValidEta(double eta) => double.IsFinite(eta);

    /// <summary>The logit link log(μ / (1 − μ)).</summary>
    public static GlmLink Logit { get; } = new LogitLink();

    /// <summary>The probit link Φ⁻¹(μ).</summary>
    public static GlmLink Probit { get; } = new ProbitLink();

    /// <summary>The complementary log-log link log(−log(1 − μ)).</summary>
    public static GlmLink CLogLog { get; } = new CLogLogLink();

    /// <summary>The log link.</summary>
    public static GlmLink Log { get; } = new LogLink();

    /// <summary>The identity link.</summary>
    public static GlmLink Identity { get; } = new IdentityLink();

    /// <summary>The link of this name (<c>logit</c>, <c>probit</c>, <c>cloglog</c>, <c>log</c>, <c>identity</c>), or null.</summary>
    public static GlmLink? FromName(string name) => name.ToLowerInvariant() switch
    {
        "logit" => Logit,
        "probit" => Probit,
        "cloglog" => CLogLog,
        "log" => Log,
        "identity" => Identity,
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed class LogitLink : GlmLink
    {
        private const double Thresh = 30, MThresh = -30, InvEps = 1 / Eps;
        public override string Name => "logit";
        public override double LinkFun(double mu) => Math.Log(mu / (1 - mu));
        public override double LinkInverse(double eta)
        {
            double t = eta < MThresh ? Eps : eta > Thresh ? InvEps : Math.Exp(eta);
            return t / (1 + t);
        }
        public override double MuEta(double eta)
        {
            double opexp = 1 + Math.Exp(eta);
            return eta > Thresh || eta < MThresh ? Eps : Math.Exp(eta) / (opexp * opexp);
        }
    }

    private sealed class ProbitLink : GlmLink
    {
        private static readonly double Thresh = -Inference.Probability.NormalQuantile(Eps);
        public override string Name => "probit";
        public override double LinkFun(double mu) => Inference.Probability.NormalQuantile(mu);
        public override double LinkInverse(double eta)
        {
            eta = Math.Min(Math.Max(eta, -Thresh), Thresh);
            return 0.5 * SpecialFunctions.Erfc(-eta / Math.Sqrt(2));
        }
        public override double MuEta(double eta) =>
            Math.Max(Math.Exp(-0.5 * eta * eta) / Math.Sqrt(2 * Math.PI), Eps);
    }

    private sealed class CLogLogLink : GlmLink
    {
        public override string Name => "cloglog";
        public override double LinkFun(double mu) => Math.Log(-Math.Log(1 - mu));
        public override double LinkInverse(double eta) =>
            Math.Max(Math.Min(-SpecialFunctions.Expm1(-Math.Exp(eta)), 1 - Eps), Eps);
        public override double MuEta(double eta)
        {
            eta = Math.Min(eta, 700);
            return Math.Max(Math.Exp(eta) * Math.Exp(-Math.Exp(eta)), Eps);
        }
    }

    private sealed class LogLink : GlmLink
    {
        public override string Name => "log";
        public override double LinkFun(double mu) => Math.Log(mu);
        public override double LinkInverse(double eta) => Math.Max(Math.Exp(eta), Eps);
        public override double MuEta(double eta) => Math.Max(Math.Exp(eta), Eps);
    }

    private sealed class IdentityLink : GlmLink
    {
        public override string Name => "identity";
        public override double LinkFun(double mu) => mu;
        public override double LinkInverse(double eta) => eta;
        public override double MuEta(double eta) => 1;
    }
}
