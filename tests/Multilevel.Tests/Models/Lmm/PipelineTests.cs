using Multilevel.Data;
using Multilevel.Models;
using Multilevel.Tests.Design;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>The public steps of the pipeline, prediction, and lme4's checks on the design.</summary>
public class PipelineTests
{
    [Theory]
    [InlineData("sleepstudy_reml")]
    [InlineData("penicillin_crossed")]
    [InlineData("pastes_nested")]
    [InlineData("hsb_slopes_uncorr_ml")]
    public void StepByStepEqualsOneCall(string name)
    {
        var model = ReferenceModels.Get(name);
        var options = model.Options;
        var oneCall = model.Fit();

        var design = LinearMixedModel.BuildDesign(model.Formula, model.Data(), options);
        var deviance = LinearMixedModel.CreateDeviance(design, options);
        var optimum = LinearMixedModel.Optimize(deviance, options);
        var stepwise = LinearMixedModel.CreateFit(design, deviance, optimum, options);

        Close(oneCall.Objective, stepwise.Objective);
        Assert.Equal(oneCall.OptSummary.Evaluations, stepwise.OptSummary.Evaluations);
        for (int i = 0; i < oneCall.Theta.Length; i++) Close(oneCall.Theta[i], stepwise.Theta[i]);
        for (int i = 0; i < oneCall.FixedEffects.Length; i++)
        {
            Close(oneCall.FixedEffects[i], stepwise.FixedEffects[i]);
            Close(oneCall.StandardErrors[i], stepwise.StandardErrors[i]);
        }
        Close(oneCall.Sigma, stepwise.Sigma);
        for (int k = 0; k < oneCall.ConditionalModes.Count; k++)
        {
            for (int x = 0; x < oneCall.ConditionalModes[k].Values.Length; x++) Close(oneCall.ConditionalModes[k].Values[x], stepwise.ConditionalModes[k].Values[x]);
        }
        for (int i = 0; i < oneCall.Fitted.Length; i++) Close(oneCall.Fitted[i], stepwise.Fitted[i]);
        Assert.Equal(oneCall.Warnings, stepwise.Warnings);

        static void Close(double a, double b) => Assert.True(Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(a)), $"{a:R} vs {b:R}");
    }

    [Fact]
    public void DevianceFunctionIsAValueOthersCanCall()
    {
        var model = ReferenceModels.Get("sleepstudy_reml");
        var deviance = LinearMixedModel.CreateDeviance(model.Design(), model.Options);
        var f = deviance.AsFunction();
        var clone = deviance.Clone();
        var theta = new[] { 0.9667, 0.0152, 0.2309 };
        Assert.Equal(f(theta), clone.Evaluate(theta));
        Assert.Equal([0.0, double.NegativeInfinity, 0.0], deviance.LowerBounds);
        Assert.Equal([1.0, 0.0, 1.0], deviance.InitialTheta);
    }

    [Fact]
    public void NelderMeadReachesTheSameOptimum()
    {
        var model = ReferenceModels.Get("sleepstudy_reml");
        var tight = Fixtures.Reference("../reference-extra/lmm/sleepstudy_reml_tight.json");
        var fit = LinearMixedModel.Fit(model.Formula, model.Data(), model.Options with { Optimizer = LmmOptimizer.NelderMead });
        Assert.Equal("NelderMead", fit.OptSummary.Optimizer);
        // objective within the README's 1e-6 relative of lme4 at its optimum
        Assert.True(Math.Abs(fit.Objective - tight.GetProperty("deviance").GetDouble()) <= 1e-6 * fit.Objective);
    }

    [Fact]
    public void PredictionsMatchLme4WithANewLevel()
    {
        var reference = Fixtures.Reference("../reference-extra/sleepstudy_predict.json");
        var fit = ReferenceModels.Get("sleepstudy_reml").Fit();
        var rows = reference.GetProperty("newdata").EnumerateArray().ToList();
        var days = rows.Select(r => r.GetProperty("Days").GetDouble()).ToArray();
        var subjects = rows.Select(r => r.GetProperty("Subject").GetString()!).ToArray();
        var newData = new Frame([
            new NumericColumn("Days", days),
            new CategoricalColumn("Subject", [.. Enumerable.Range(0, subjects.Length)], subjects),
        ]);
        var conditional = fit.Predict(newData);
        var population = fit.Predict(newData, includeRandomEffects: false);
        var expectedConditional = reference.GetProperty("predict_conditional").Doubles();
        var expectedPopulation = reference.GetProperty("predict_population").Doubles();
        // tolerance composed from the README's: 1e-5 relative for the fixed part, 1e-4 absolute for each conditional
        // mode it adds (intercept + Days × slope)
        for (int i = 0; i < days.Length; i++)
        {
            double tol = 1e-5 * Math.Abs(expectedConditional[i]) + 1e-4 * (1 + days[i]);
            Assert.True(Math.Abs(conditional[i] - expectedConditional[i]) <= tol, $"conditional {i}: {conditional[i]:R} vs {expectedConditional[i]:R}");
            Assert.True(Math.Abs(population[i] - expectedPopulation[i]) <= 1e-5 * Math.Abs(expectedPopulation[i]), $"population {i}: {population[i]:R} vs {expectedPopulation[i]:R}");
        }
        var error = Assert.Throws<ModelSpecificationException>(() => fit.Predict(newData, newLevels: NewLevels.Error));
        Assert.Contains("'999'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Subject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FittedValuesAreThePredictionsOnTheFittedData()
    {
        var model = ReferenceModels.Get("hsb_slopes_reml");
        var data = model.Data();
        var fit = model.Fit();
        var predicted = fit.Predict(data);
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(fit.Fitted[i], predicted[i], 1e-9);
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(fit.Design.Response.Values[i] - fit.Fitted[i], fit.Residuals[i], 1e-12);
    }

    [Fact]
    public void WeightedFitPredictsWithoutWeightsInTheNewData()
    {
        var model = ReferenceModels.Get("sleepstudy_weighted_reml");
        var fit = model.Fit();
        var data = Multilevel.Tests.Design.FixtureData.Load("sleepstudy.csv"); // no weight column
        var predicted = fit.Predict(data);
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(fit.Fitted[i], predicted[i], 1e-9);
    }

    [Fact]
    public void NoRandomEffectsTermSaysUseOls()
    {
        var e = Assert.Throws<ModelSpecificationException>(() => LinearMixedModel.Fit("mathach ~ ses", FixtureData.Load("hsb.csv")));
        Assert.Contains("OLS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupingFactorWithOneLevelIsNamed()
    {
        var data = FixtureData.Load("sleepstudy.csv").With(new CategoricalColumn("one", new int[180], ["a"]));
        var e = Assert.Throws<ModelSpecificationException>(() => LinearMixedModel.Fit("Reaction ~ Days + (1|one)", data));
        Assert.Contains("'one'", e.Message, StringComparison.Ordinal);
        Assert.Contains("one sampled level", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreRandomEffectsThanObservationsIsNamed()
    {
        // 18 subjects × 10 columns of factor(Days) = 180 random effects for 180 observations
        var data = ReferenceModels.SleepStudy();
        var e = Assert.Throws<ModelSpecificationException>(() => LinearMixedModel.Fit("Reaction ~ 1 + (0 + fDays|Subject)", data));
        Assert.Contains("number of observations (180) <= number of random effects (180)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Subject", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsManyLevelsAsObservationsIsNamed()
    {
        var data = FixtureData.Load("sleepstudy.csv");
        data = data.With(new CategoricalColumn("row", [.. Enumerable.Range(0, 180)], [.. Enumerable.Range(0, 180).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        var e = Assert.Throws<ModelSpecificationException>(() => LinearMixedModel.Fit("Reaction ~ Days + (1|row)", data));
        Assert.Contains("'row'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasedColumnIsReported()
    {
        var data = FixtureData.Load("hsb.csv");
        var ses = ((NumericColumn)data["ses"]).Values.ToArray();
        data = data.With(new NumericColumn("ses2", [.. ses.Select(v => 2 * v)]));
        var fit = LinearMixedModel.Fit("mathach ~ ses + ses2 + (1|schoolid)", data);
        Assert.Equal(["ses2"], fit.AliasedColumns);
        Assert.Contains(fit.Warnings, w => w.Contains("dropping 1 column", StringComparison.Ordinal) && w.Contains("ses2", StringComparison.Ordinal));
        var reference = Fixtures.Reference("hsb_ses_reml.json");
        Assert.Equal(reference.GetProperty("deviance").GetDouble(), fit.Objective, 1e-6 * fit.Objective);
    }

    [Fact]
    public void ReportsProgressAndHonoursCancellation()
    {
        var model = ReferenceModels.Get("sleepstudy_reml");
        var stages = new List<FitProgress>();
        var progress = new SyncProgress(stages.Add);
        var fit = LinearMixedModel.Fit(model.Formula, model.Data(), model.Options with { Progress = progress });
        Assert.Contains(stages, p => p.Stage == "optimize" && p.Evaluations > 0);
        Assert.Contains(stages, p => p.Stage == "result");
        Assert.True(stages.Where(p => p.Stage == "optimize").Min(p => p.BestObjective) >= fit.Objective - 1e-9);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LinearMixedModel.Fit(model.Formula, model.Data(), model.Options with { CancellationToken = cts.Token }));
    }

    private sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }
}
