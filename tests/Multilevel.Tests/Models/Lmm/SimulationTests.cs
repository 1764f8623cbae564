using Multilevel.Data;
using Multilevel.Models;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// Recovery of known parameters (the slides' student-aptitude example): 100 students × 5 exams,
/// score = 0 + 0.75·hours + α_i + ε, α ~ N(0, 0.7²), ε ~ N(0, 0.2²), hours ~ U(0, 3) independent of α.
/// </summary>
public class SimulationTests
{
    private const double Beta0 = 0, Beta1 = 0.75, SigmaAlpha = 0.7, Sigma = 0.2;
    private const int Students = 100, Exams = 5;

    private static Frame Simulate(int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int n = Students * Exams;
        var score = new double[n];
        var hours = new double[n];
        var student = new int[n];
        for (int i = 0; i < Students; i++)
        {
            double alpha = SigmaAlpha * Normal();
            for (int t = 0; t < Exams; t++)
            {
                int r = i * Exams + t;
                student[r] = i;
                hours[r] = 3 * rng.NextDouble();
                score[r] = Beta0 + Beta1 * hours[r] + alpha + Sigma * Normal();
            }
        }
        var levels = Enumerable.Range(1, Students).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new Frame([new NumericColumn("score", score), new NumericColumn("hours", hours), new CategoricalColumn("student", student, levels)]);
    }

    /// <summary>
    /// One data set (seed 2024): β̂₀ and β̂₁ within 3 of their standard errors of the truth; σ̂ and σ̂_α within 3
    /// approximate standard errors (σ/√(2·df) with df = n − N − 1 for σ̂, σ_α/√(2(N − 1)) for σ̂_α, which ignores the
    /// small share of ε in the group means). A 3-SE band holds with probability ≈ 0.997 per quantity.
    /// </summary>
    [Fact]
    public void RecoversTheSlidesParameters()
    {
        var fit = LinearMixedModel.Fit("score ~ hours + (1|student)", Simulate(2024));
        Assert.True(fit.Converged);
        Assert.True(Math.Abs(fit.FixedEffects[0] - Beta0) <= 3 * fit.StandardErrors[0], $"β0 {fit.FixedEffects[0]} ± {fit.StandardErrors[0]}");
        Assert.True(Math.Abs(fit.FixedEffects[1] - Beta1) <= 3 * fit.StandardErrors[1], $"β1 {fit.FixedEffects[1]} ± {fit.StandardErrors[1]}");
        double seSigma = Sigma / Math.Sqrt(2.0 * (Students * Exams - Students - 1));
        Assert.True(Math.Abs(fit.Sigma - Sigma) <= 3 * seSigma, $"σ {fit.Sigma}");
        double sdAlpha = fit.VarCorr[0].StandardDeviationOrCorrelation;
        double seAlpha = SigmaAlpha / Math.Sqrt(2.0 * (Students - 1));
        Assert.True(Math.Abs(sdAlpha - SigmaAlpha) <= 3 * seAlpha, $"σ_α {sdAlpha}");
        // the slides' variance share 0.7²/(0.7² + 0.2²) = 0.925
        double share = fit.VarCorr[0].VarianceOrCovariance / (fit.VarCorr[0].VarianceOrCovariance + fit.Sigma * fit.Sigma);
        Assert.True(Math.Abs(share - 0.925) < 0.03, $"share {share}");
    }

    /// <summary>
    /// Over 40 data sets: the mean of β̂₁ lies within 3 Monte-Carlo standard errors of 0.75, and the 95% Wald
    /// intervals β̂₁ ± 1.96·SE cover 0.75 in at least 33 of 40 (binomial(40, 0.95) gives fewer than 33 with
    /// probability below 0.002).
    /// </summary>
    [Fact]
    public void SlopeIsUnbiasedAndIntervalsCover()
    {
        const int reps = 40;
        var slopes = new double[reps];
        int covered = 0;
        for (int s = 0; s < reps; s++)
        {
            var fit = LinearMixedModel.Fit("score ~ hours + (1|student)", Simulate(1000 + s));
            slopes[s] = fit.FixedEffects[1];
            if (Math.Abs(fit.FixedEffects[1] - Beta1) <= 1.96 * fit.StandardErrors[1]) covered++;
        }
        double mean = slopes.Average();
        double sd = Math.Sqrt(slopes.Sum(x => (x - mean) * (x - mean)) / (reps - 1));
        Assert.True(Math.Abs(mean - Beta1) <= 3 * sd / Math.Sqrt(reps), $"mean slope {mean}, MC se {sd / Math.Sqrt(reps)}");
        Assert.True(covered >= 33, $"coverage {covered}/{reps}");
    }
}
