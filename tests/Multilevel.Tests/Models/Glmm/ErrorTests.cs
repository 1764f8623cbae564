using Multilevel.Data;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Xunit;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>Clear errors: separation, PIRLS failure, quadrature with several terms, models that are not GLMMs.</summary>
public class ErrorTests
{
    /// <summary>20 groups × 10 rows; x a factor with three levels, and every response at level "c" is 0.</summary>
    private static Frame SeparatedData()
    {
        var rng = new Random(3);
        int n = 200;
        var g = new int[n];
        var x = new int[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            g[i] = i / 10;
            x[i] = i % 3;
            y[i] = x[i] == 2 ? 0 : rng.NextDouble() < 0.5 ? 1 : 0;
        }
        return new Frame([
            new NumericColumn("y", y),
            new CategoricalColumn("x", x, ["a", "b", "c"]),
            new CategoricalColumn("g", g, [.. Enumerable.Range(1, 20).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        ]);
    }

    [Fact]
    public void SeparationIsAnErrorThatNamesTheCoefficient()
    {
        var e = Assert.Throws<SeparationException>(() => GeneralizedLinearMixedModel.Fit("y ~ x + (1|g)", SeparatedData(), GlmFamily.Binomial));
        Assert.Contains("separation", e.Message, StringComparison.Ordinal);
        Assert.Contains("xc", e.Message, StringComparison.Ordinal);
        Assert.Contains("infinite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeparationCanBeAWarning()
    {
        var fit = GeneralizedLinearMixedModel.Fit("y ~ x + (1|g)", SeparatedData(), GlmFamily.Binomial,
            new GeneralizedLinearMixedModelOptions { Separation = SeparationAction.Warn, SkipHessian = true });
        Assert.Contains(fit.Warnings, w => w.Contains("separation", StringComparison.Ordinal));
        Assert.True(fit.FixedEffects[fit.FixedEffectNames.ToList().IndexOf("xc")] < -5);
    }

    [Fact]
    public void PirlsFailureSaysWhereAndWhatToDo()
    {
        var e = Assert.Throws<PirlsException>(() => GeneralizedLinearMixedModel.Fit(GlmmDesigns.Cbpp(), GlmFamily.Binomial,
            new GeneralizedLinearMixedModelOptions { PirlsMaxIterations = 1 }));
        Assert.Contains("PIRLS", e.Message, StringComparison.Ordinal);
        Assert.Contains("did not converge in 1 iteration", e.Message, StringComparison.Ordinal);
        Assert.Contains("θ = (1)", e.Message, StringComparison.Ordinal);
        Assert.Single(e.Theta);
    }

    [Fact]
    public void QuadratureNeedsOneTerm()
    {
        var e = Assert.Throws<ModelSpecificationException>(() => GeneralizedLinearMixedModel.Fit(GlmmDesigns.Grouseticks(), GlmFamily.Poisson,
            new GeneralizedLinearMixedModelOptions { Nagq = 5 }));
        Assert.Contains("single random-effects term", e.Message, StringComparison.Ordinal);
        Assert.Contains("(1 | BROOD)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAGlmm()
    {
        var noRandom = GlmmDesigns.Build("cbind(incidence, size - incidence) ~ period", GlmmDesigns.CbppData(), GlmFamily.Binomial);
        var e = Assert.Throws<ModelSpecificationException>(() => GeneralizedLinearMixedModel.Fit(noRandom, GlmFamily.Binomial));
        Assert.Contains("GLM", e.Message, StringComparison.Ordinal);
        var counts = Assert.Throws<ModelSpecificationException>(() => GeneralizedLinearMixedModel.Fit(GlmmDesigns.Cbpp(), GlmFamily.Poisson));
        Assert.Contains("--family binomial", counts.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneralizedLinearMixedModel.Fit(GlmmDesigns.Cbpp(), GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { Nagq = -1 }));
    }

    [Fact]
    public void BinomialResponseOutsideZeroOneIsAnError()
    {
        var frame = GlmmDesigns.GrouseticksData();
        Assert.ThrowsAny<MultilevelException>(() => GeneralizedLinearMixedModel.Fit("TICKS ~ YEAR + (1|BROOD)", frame, GlmFamily.Binomial));
    }
}

/// <summary>A boundary fit: groups without any effect give θ̂ = 0, flagged as lme4 does, with finite standard errors.</summary>
public class SingularFitTests
{
    [Fact]
    public void BoundaryFitIsFlagged()
    {
        var rng = new Random(11);
        int n = 600;
        var y = new double[n];
        var g = new int[n];
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            g[i] = i % 20;
            x[i] = rng.NextDouble() - 0.5;
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-(0.3 + x[i]))) ? 1 : 0;
        }
        var frame = new Frame([
            new NumericColumn("y", y),
            new NumericColumn("x", x),
            new CategoricalColumn("g", g, [.. Enumerable.Range(1, 20).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        ]);
        var fit = GeneralizedLinearMixedModel.Fit("y ~ x + (1|g)", frame, GlmFamily.Binomial);
        Assert.True(fit.IsSingular);
        Assert.Equal(0.0, fit.Theta[0], 4);
        Assert.Contains(fit.Warnings, w => w.StartsWith("boundary (singular) fit", StringComparison.Ordinal));
        Assert.All(fit.StandardErrors, se => Assert.True(double.IsFinite(se) && se > 0));
        // at θ = 0 the GLMM is the GLM: −2 logLik equals the GLM's (binomial 0/1: its deviance)
        var glm = GeneralizedLinearModel.Fit(GlmmDesigns.Build("y ~ x", frame, GlmFamily.Binomial), GlmFamily.Binomial);
        Assert.Equal(glm.Deviance, fit.Deviance, 6);
    }
}
