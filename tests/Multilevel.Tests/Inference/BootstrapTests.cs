using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models;
using Multilevel.Simulation;
using Multilevel.Tests.Models.Lmm;
using Xunit;

namespace Multilevel.Tests.Inference;

/// <summary>Refits with a new response, the parametric bootstrap's reproducibility, and its distribution against the model's.</summary>
public class BootstrapTests
{
    [Fact]
    public void GramWithNewResponseEqualsTheGramOfTheNewDesign()
    {
        var design = Models.Of("sleepstudy.csv", "Reaction ~ Days + (Days|Subject)", weights: "w");
        var fit = LinearMixedModel.Fit(design);
        var y = LinearMixedModelSimulator.FromFit(fit).Simulate(11);
        var original = LinearMixedModel.CreateDeviance(design).Gram;
        var updated = original.WithResponse(design, y);
        var rebuilt = LinearMixedModel.CreateDeviance(design with { Response = new Response(design.Response.Name, y) }).Gram;
        for (int i = 0; i < rebuilt.Order; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double e = rebuilt.Element(i, j);
                Assert.True(Math.Abs(updated.Element(i, j) - e) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"A[{i},{j}]");
            }
        }
        // the original is untouched
        Assert.Equal(LinearMixedModel.CreateDeviance(design).Gram.WeightedResponseSumOfSquares, original.WeightedResponseSumOfSquares);
    }

    [Fact]
    public void RefitFromTheGramEqualsAFullFit()
    {
        var design = Models.Sleep();
        var fit = LinearMixedModel.Fit(design);
        var y = LinearMixedModelSimulator.FromFit(fit).Simulate(3);
        var newDesign = design with { Response = new Response(design.Response.Name, y) };
        var full = LinearMixedModel.Fit(newDesign);
        var dev = ProfiledDeviance.Create(LinearMixedModel.CreateDeviance(design).Gram.WithResponse(design, y), LmmCriterion.Reml);
        var opt = LinearMixedModel.Optimize(dev);
        var refit = LinearMixedModel.CreateFit(newDesign, dev, opt);
        Assert.Equal(full.Objective, refit.Objective, 9);
        for (int j = 0; j < full.FixedEffects.Length; j++) Assert.Equal(full.FixedEffects[j], refit.FixedEffects[j], 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InPlaceResponseUpdatesReachTheFactor(bool supernodal)
    {
        // crossed terms (penicillin), with the blocked and the supernodal factor: two responses in turn through
        // one ResponseGram give the fits of the two designs (a factor built after each update)
        var design = Models.Penicillin();
        var fit = LinearMixedModel.Fit(design);
        var sim = LinearMixedModelSimulator.FromFit(fit);
        var gram = new Multilevel.Models.ResponseGram(LinearMixedModel.CreateDeviance(design).Gram, design);
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            var y = sim.Simulate(seed);
            gram.SetResponse(y);
            var dev = ProfiledDeviance.Create(gram.Gram, LmmCriterion.Reml, supernodal);
            var opt = LinearMixedModel.Optimize(dev);
            var full = LinearMixedModel.Fit(design with { Response = new Response(design.Response.Name, y) });
            Assert.Equal(full.Objective, opt.FinalObjective, 7);
        }
    }

    [Fact]
    public void SameSeedSameReplicatesWhateverTheThreadCount()
    {
        var fit = InferenceReferences.Fit("sleepstudy");
        var one = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 17, MaxDegreeOfParallelism = 1 });
        var many = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 17, MaxDegreeOfParallelism = 4 });
        var other = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 40, Seed = 18 });
        foreach (var name in one.Names)
        {
            Assert.Equal(one.Values(name), many.Values(name));
            Assert.NotEqual(one.Values(name), other.Values(name));
        }
        Assert.Equal(0, one.Failures);
    }

    [Fact]
    public void BootstrapDistributionMatchesTheModel()
    {
        // hsb random-intercept model: the bootstrap standard errors of β̂ approach the model's (lme4's) standard
        // errors, and the replicates centre on the estimates (400 replicates: the SE of an SD estimate is ~3.5 %).
        var fit = InferenceReferences.Fit("hsb_ses");
        var boot = ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 400, Seed = 20240601 });
        Assert.Equal(0, boot.Failures);
        for (int j = 0; j < fit.FixedEffects.Length; j++)
        {
            string name = fit.FixedEffectNames[j];
            Assert.InRange(boot.StandardError(name) / fit.StandardErrors[j], 0.88, 1.12);
            Assert.InRange((boot.Values(name).Average() - fit.FixedEffects[j]) / fit.StandardErrors[j], -0.2, 0.2);
        }
        var sd = boot.Values("sd_(Intercept)|schoolid");
        Assert.InRange(sd.Average() / fit.VarCorr[0].StandardDeviationOrCorrelation, 0.97, 1.03);
        var ci = boot.PercentileIntervals(0.95, ["sigma", "icc_adjusted"]);
        Assert.InRange(fit.Sigma, ci[0].Lower, ci[0].Upper);
        var icc = VarianceDecomposition.Compute(fit).IccAdjusted;
        Assert.InRange(icc, ci[1].Lower, ci[1].Upper);
        Assert.Equal(icc, ci[1].Estimate, 12);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        var fit = InferenceReferences.Fit("hsb_ses");
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Done >= 5) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ParametricBootstrap.Run(fit, new BootstrapOptions { Replicates = 10_000, Progress = progress, CancellationToken = cts.Token }));
    }

    private sealed class SyncProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
