using System.Text.Json;
using Multilevel.Data;
using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// What a GLMM fit gives besides the estimates, against lme4 run to its optimum (reference-extra/glmm/*_tight.json):
/// conditional variances (1e-4 relative), predictions on new data on the link and response scales and at the
/// population level, with a new level (1e-5 absolute); the step-by-step route against the one call (1e-12); the
/// statistics' definitions.
/// </summary>
public class PostFitTests
{
    private static GeneralizedLinearMixedModelFit CbppFit() =>
        GeneralizedLinearMixedModel.Fit(GlmmDesigns.CbppFormula, GlmmDesigns.CbppData(), GlmFamily.Binomial);

    private static GeneralizedLinearMixedModelFit VotersFit() =>
        GeneralizedLinearMixedModel.Fit(GlmmDesigns.VotersFormula, GlmmDesigns.VotersData(), GlmFamily.Binomial);

    [Theory]
    [InlineData("cbpp_laplace_tight.json")]
    [InlineData("voters_slopes_laplace_tight.json")]
    public void ConditionalVariancesMatchLme4(string file)
    {
        var reference = GlmmReference.Load($"../reference-extra/glmm/{file}");
        var fit = file.StartsWith("cbpp", StringComparison.Ordinal) ? CbppFit() : VotersFit();
        foreach (var g in reference.GetProperty("condvar_first").EnumerateObject())
        {
            var modes = fit.ConditionalModes.Single(m => m.Group == g.Name);
            int level = 0;
            foreach (var block in g.Value.EnumerateArray())
            {
                var expected = block.Doubles();
                int q = modes.Q;
                for (int c = 0; c < q; c++)
                {
                    for (int r = 0; r < q; r++)
                    {
                        double e = expected[c * q + r], a = modes.ConditionalCovariance(level, r, c);
                        Assert.True(Math.Abs(a - e) <= 1e-4 * Math.Max(Math.Abs(e), Math.Abs(expected[c * q + c])), $"{g.Name} level {level} ({r},{c}): {a:R} vs {e:R}");
                    }
                }
                level++;
            }
        }
    }

    [Theory]
    [InlineData("cbpp_laplace_tight.json")]
    [InlineData("voters_slopes_laplace_tight.json")]
    public void PredictionsMatchLme4(string file)
    {
        var reference = GlmmReference.Load($"../reference-extra/glmm/{file}");
        bool cbpp = file.StartsWith("cbpp", StringComparison.Ordinal);
        var fit = cbpp ? CbppFit() : VotersFit();
        var rows = reference.GetProperty("newdata").EnumerateArray().ToList();
        var columns = new List<Column>();
        foreach (var name in rows[0].EnumerateObject().Select(p => p.Name))
        {
            if (rows[0].GetProperty(name).ValueKind == JsonValueKind.String)
            {
                var labels = rows.Select(r => r.GetProperty(name).GetString()!).ToArray();
                var levels = labels.Distinct().ToList();
                columns.Add(new CategoricalColumn(name, [.. labels.Select(l => levels.IndexOf(l))], levels));
            }
            else
            {
                columns.Add(new NumericColumn(name, [.. rows.Select(r => r.GetProperty(name).GetDouble())]));
            }
        }
        var newData = new Frame(columns);
        Check(fit.Predict(newData, PredictionScale.Link), reference.GetProperty("predict_link").Doubles());
        Check(fit.Predict(newData, PredictionScale.Response), reference.GetProperty("predict_response").Doubles());
        Check(fit.Predict(newData, PredictionScale.Response, includeRandomEffects: false), reference.GetProperty("predict_population").Doubles());
        Assert.Throws<ModelSpecificationException>(() => fit.Predict(newData, PredictionScale.Link, true, NewLevels.Error));

        static void Check(double[] actual, double[] expected)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"row {i + 1}: {actual[i]:R} vs {expected[i]:R}");
        }
    }

    [Fact]
    public void StepByStepEqualsOneCall()
    {
        var design = GlmmDesigns.Cbpp();
        var options = new GeneralizedLinearMixedModelOptions { Nagq = 5 };
        var one = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, options);
        var deviance = GeneralizedLinearMixedModel.CreateDeviance(design, GlmFamily.Binomial, options);
        var optimum = GeneralizedLinearMixedModel.Optimize(deviance, options);
        var steps = GeneralizedLinearMixedModel.CreateFit(deviance, optimum, options);
        Assert.Equal(one.Deviance, steps.Deviance, 12);
        for (int j = 0; j < one.FixedEffects.Length; j++)
        {
            Assert.True(Math.Abs(one.FixedEffects[j] - steps.FixedEffects[j]) <= 1e-12 * Math.Abs(one.FixedEffects[j]));
            Assert.True(Math.Abs(one.StandardErrors[j] - steps.StandardErrors[j]) <= 1e-12 * one.StandardErrors[j]);
        }
        Assert.Equal(one.Theta[0], steps.Theta[0], 12);
        // the deviance function at the estimates is the fit's −2 log-likelihood
        Assert.True(Math.Abs(deviance.Evaluate(steps.Theta, steps.FixedEffects, 5) - steps.Deviance) <= 1e-9 * steps.Deviance);
    }

    [Fact]
    public void StatisticsFollowTheirDefinitions()
    {
        var fit = CbppFit();
        int df = fit.FixedEffects.Length + fit.Theta.Length;
        Assert.Equal(5, fit.DegreesOfFreedom);
        Assert.Equal(51, fit.ResidualDegreesOfFreedom);
        Assert.Equal(fit.Deviance + 2 * df, fit.Aic, 10);
        Assert.Equal(fit.Deviance + df * Math.Log(56), fit.Bic, 10);
        Assert.Equal(-fit.Deviance / 2, fit.LogLikelihood, 12);
        // lme4's deviance() is the sum of squared deviance residuals at the modes
        Assert.Equal(fit.ConditionalDeviance, fit.Residuals.Sum(r => r * r), 9);
        // the constant is −2 Σ log C(size, incidence) for cbind responses
        var size = ((NumericColumn)GlmmDesigns.CbppData()["size"]).Values.ToArray();
        var incidence = ((NumericColumn)GlmmDesigns.CbppData()["incidence"]).Values.ToArray();
        double logChoose = 0;
        for (int i = 0; i < size.Length; i++)
        {
            logChoose += MathNet.Numerics.SpecialFunctions.FactorialLn((int)size[i]) - MathNet.Numerics.SpecialFunctions.FactorialLn((int)incidence[i])
                - MathNet.Numerics.SpecialFunctions.FactorialLn((int)(size[i] - incidence[i]));
        }
        // C = −2 Σ [log C(m, k) + m (y log y + (1 − y) log(1 − y))], y = k/m
        double saturated = 0;
        for (int i = 0; i < size.Length; i++)
        {
            double y = incidence[i] / size[i];
            saturated += size[i] * ((y > 0 ? y * Math.Log(y) : 0) + (y < 1 ? (1 - y) * Math.Log(1 - y) : 0));
        }
        Assert.Equal(-2 * (logChoose + saturated), fit.LogLikelihoodConstant, 9);
        Assert.Equal("Laplace", fit.Method);
        Assert.Equal("binomial", fit.Family.Name);
        Assert.Equal("logit", fit.Link.Name);
        Assert.True(fit.VcovFromHessian);
        Assert.NotNull(fit.Hessian);
        // fitted values on the response scale are the inverse link of the linear predictor
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(1 / (1 + Math.Exp(-fit.LinearPredictor[i])), fit.Fitted[i], 12);
        Assert.Equal(fit.LinearPredictor, fit.Predict(PredictionScale.Link));
    }

    [Fact]
    public void ReportsTheSameLogLikelihoodScaleForEveryNagq()
    {
        // lme4 reports −2 logLik 184.05 (Laplace) and 100.01 (nAGQ = 9) for cbpp: the latter drops the binomial
        // coefficients. Ours are all on one scale: the quadrature fits sit just below the Laplace one, as the
        // exact integral does (183.9667).
        var design = GlmmDesigns.Cbpp();
        double laplace = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial).Deviance;
        foreach (int k in new[] { 3, 9, 25 })
        {
            double agq = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { Nagq = k }).Deviance;
            Assert.True(agq < laplace && laplace - agq < 0.1, $"nAGQ {k}: {agq:R} vs Laplace {laplace:R}");
            Assert.True(Math.Abs(agq - 183.966738) < 0.07);
        }
    }

    [Fact]
    public void HessianDoesNotDependOnTheNumberOfThreads()
    {
        // the Hessian's points run in parallel in a fixed number of chunks: one thread and all cores give the same bits
        var design = GlmmDesigns.Cbpp();
        var one = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { MaxDegreeOfParallelism = 1 });
        var all = GeneralizedLinearMixedModel.Fit(design, GlmFamily.Binomial, new GeneralizedLinearMixedModelOptions { MaxDegreeOfParallelism = 4 });
        Assert.NotNull(one.Hessian);
        Assert.Equal(one.StandardErrors, all.StandardErrors);
        Assert.Equal(one.Evaluations, all.Evaluations);
        for (int i = 0; i < one.Hessian!.GetLength(0); i++)
        {
            for (int j = 0; j < one.Hessian.GetLength(1); j++) Assert.Equal(one.Hessian[i, j], all.Hessian![i, j]);
        }
    }
}
