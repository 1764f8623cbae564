using System.Globalization;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Xunit;
using Xunit.Abstractions;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// The slides' red-state/blue-state structure simulated with known truth: 50 states, state mean income sᵢ ~ N(0, 1)
/// as a level-2 predictor, voter income ~ N(s, 1), and vote ~ Bernoulli(logit⁻¹(η)) with
/// η = β₀ + β₁ income + β₂ s + β₃ income·s + u₀ + u₁ income, (u₀, u₁) ~ N(0, Σ) per state — varying intercepts and
/// income slopes with a cross-level interaction, the model vote ~ income * state_income + (1 + income | state).
/// <para>
/// Criterion (one data set, fixed seed, 300 voters per state): every fixed effect within 3 of its standard errors of
/// the truth and Σ zⱼ² below χ²₄'s 0.999 quantile (18.47); the random-effect SDs within 30 % of the truth (with 50
/// states their sampling SD is about 10–15 %); the correlation within 0.45 of the truth (about 2.5 of its sampling
/// SDs).
/// </para>
/// </summary>
public class SimulationTests(ITestOutputHelper output)
{
    private static readonly double[] TrueBeta = [-0.2, 0.5, 0.6, -0.4];
    private const double TrueSd0 = 0.6, TrueSd1 = 0.3, TrueCorrelation = 0.3;

    internal static ModelDesign RedStateBlueState(int states, int perState, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int n = states * perState;
        var x = new double[4 * n];
        var z = new double[2 * n];
        var codes = new int[n];
        var vote = new double[n];
        for (int s = 0; s < states; s++)
        {
            double si = Normal();
            double e0 = Normal(), e1 = Normal();
            double u0 = TrueSd0 * e0;
            double u1 = TrueSd1 * (TrueCorrelation * e0 + Math.Sqrt(1 - TrueCorrelation * TrueCorrelation) * e1);
            for (int j = 0; j < perState; j++)
            {
                int i = s * perState + j;
                double income = si + Normal();
                x[i] = 1;
                x[n + i] = income;
                x[2 * n + i] = si;
                x[3 * n + i] = income * si;
                z[2 * i] = 1;
                z[2 * i + 1] = income;
                codes[i] = s;
                double eta = TrueBeta[0] + TrueBeta[1] * income + TrueBeta[2] * si + TrueBeta[3] * income * si + u0 + u1 * income;
                vote[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            }
        }
        return new ModelDesign
        {
            FormulaText = "vote ~ income * state_income + (1 + income | state)",
            Response = new Response("vote", vote),
            X = new FixedEffectsMatrix(x, n, ["(Intercept)", "income", "state_income", "income:state_income"]),
            RandomEffects = [new ReTerm("state", [.. Enumerable.Range(1, states).Select(s => s.ToString(CultureInfo.InvariantCulture))], codes, ["(Intercept)", "income"], z)],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
    }

    [Fact]
    public void RedStateBlueStateParametersAreRecovered()
    {
        var fit = GeneralizedLinearMixedModel.Fit(RedStateBlueState(50, 300, 20240601), GlmFamily.Binomial);
        Assert.True(fit.Converged, string.Join("; ", fit.Warnings));
        double chi2 = 0;
        for (int j = 0; j < 4; j++)
        {
            double z = (fit.FixedEffects[j] - TrueBeta[j]) / fit.StandardErrors[j];
            output.WriteLine($"{fit.FixedEffectNames[j],-20} truth {TrueBeta[j],6:F2} estimate {fit.FixedEffects[j],8:F4} SE {fit.StandardErrors[j]:F4} z {z,6:F2}");
            Assert.True(Math.Abs(z) <= 3, $"{fit.FixedEffectNames[j]}: z = {z:F2}");
            chi2 += z * z;
        }
        Assert.True(chi2 < 18.47, $"Σ z² = {chi2:F2}");
        double sd0 = fit.VarCorr[0].StandardDeviationOrCorrelation, sd1 = fit.VarCorr[1].StandardDeviationOrCorrelation;
        double rho = fit.VarCorr[2].StandardDeviationOrCorrelation;
        output.WriteLine($"SD(intercept) truth {TrueSd0} estimate {sd0:F4}; SD(income) truth {TrueSd1} estimate {sd1:F4}; correlation truth {TrueCorrelation} estimate {rho:F4}");
        Assert.True(Math.Abs(sd0 - TrueSd0) <= 0.3 * TrueSd0);
        Assert.True(Math.Abs(sd1 - TrueSd1) <= 0.3 * TrueSd1);
        Assert.True(Math.Abs(rho - TrueCorrelation) <= 0.45);
    }
}
