using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Multilevel.Design;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// An independent, deliberately naive Laplace approximation for tests: dense Z and Λ, Fisher scoring on all of u
/// with dense solves until the step is below 1e-13, and −2 log p(y|μ) from MathNet's binomial and Poisson
/// probability mass functions (so the constants are checked too):
/// −2 log L ≈ −2 Σ log p(yᵢ|μᵢ) + ‖ũ‖² + log det(ΛᵀZᵀWZΛ + I).
/// </summary>
internal static class DenseLaplace
{
    public enum Kind { Logit, Probit, Poisson }

    public static double Deviance(ModelDesign design, Kind kind, double[] theta, double[] beta)
    {
        int n = design.Observations;
        var terms = design.RandomEffects;
        int m = terms.Sum(t => t.LevelCount * t.Q);
        // the non-zeros of each row of ZΛ (Λ block diagonal with the lower-triangular λ of each term)
        var rowEntries = new List<(int Column, double Value)>[n];
        for (int i = 0; i < n; i++) rowEntries[i] = [];
        int offset = 0, th = 0;
        foreach (var term in terms)
        {
            int q = term.Q;
            var lam = new double[q, q];
            for (int c = 0; c < q; c++)
            {
                for (int r = c; r < q; r++) lam[r, c] = theta[th++];
            }
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < q; c++)
                {
                    double v = 0;
                    for (int r = 0; r < q; r++) v += term.Z[i * q + r] * lam[r, c];
                    if (v != 0) rowEntries[i].Add((offset + term.Codes[i] * q + c, v));
                }
            }
            offset += term.LevelCount * q;
        }
        var fixedPart = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = design.Offset?[i] ?? 0;
            for (int j = 0; j < beta.Length; j++) s += design.X[i, j] * beta[j];
            fixedPart[i] = s;
        }
        var trials = design.Response.Trials;
        var y = design.Response.Values;
        var u = Vector<double>.Build.Dense(m);
        double[] Eta()
        {
            var eta = (double[])fixedPart.Clone();
            for (int i = 0; i < n; i++)
            {
                foreach (var (c, v) in rowEntries[i]) eta[i] += v * u[c];
            }
            return eta;
        }
        Matrix<double> Precision(double[] eta, Vector<double>? gradient)
        {
            var h = Matrix<double>.Build.DenseIdentity(m);
            for (int i = 0; i < n; i++)
            {
                double t = trials?[i] ?? 1;
                var (mu, dmu) = Mean(kind, eta[i]);
                double v = kind == Kind.Poisson ? mu : mu * (1 - mu);
                double w = t * dmu * dmu / v;
                double r = (y[i] - mu) / dmu;
                foreach (var (a, va) in rowEntries[i])
                {
                    if (gradient is not null) gradient[a] += w * va * r;
                    foreach (var (b, vb) in rowEntries[i]) h[a, b] += w * va * vb;
                }
            }
            return h;
        }
        for (int it = 0; it < 200; it++)
        {
            var gradient = -u;
            var h = Precision(Eta(), gradient);
            var step = h.Cholesky().Solve(gradient);
            u += step;
            if (step.AbsoluteMaximum() < 1e-13) break;
        }
        var etaHat = Eta();
        var hHat = Precision(etaHat, null);
        double logLik = 0;
        for (int i = 0; i < n; i++)
        {
            var (mu, _) = Mean(kind, etaHat[i]);
            if (kind == Kind.Poisson)
            {
                logLik += Poisson.PMFLn(mu, (int)Math.Round(y[i]));
            }
            else
            {
                int size = (int)Math.Round(trials?[i] ?? 1);
                logLik += Binomial.PMFLn(mu, size, (int)Math.Round(y[i] * size));
            }
        }
        return -2 * logLik + u.DotProduct(u) + hHat.Cholesky().DeterminantLn;
    }

    private static (double Mu, double DMu) Mean(Kind kind, double eta) => kind switch
    {
        Kind.Logit => (1 / (1 + Math.Exp(-eta)), Math.Exp(-eta) / ((1 + Math.Exp(-eta)) * (1 + Math.Exp(-eta)))),
        Kind.Probit => (Normal.CDF(0, 1, eta), Normal.PDF(0, 1, eta)),
        _ => (Math.Exp(eta), Math.Exp(eta)),
    };
}
