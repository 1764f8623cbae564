using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Models.Linear;
using Multilevel.Reporting.Figures;
using Xunit;

namespace Multilevel.Tests.Reporting;

/// <summary>
/// The no-pooling estimates of the shrinkage plot against their definitions: a group's own mean, a group's own
/// regression, a group's own proportion — computed independently of the mixed model.
/// </summary>
public class FitFiguresTests
{
    [Fact]
    public void NoPoolingInterceptsOfTheNullModelAreTheGroupMeans()
    {
        var hsb = Datasets.Load("hsb");
        var fit = LinearMixedModel.Fit("mathach ~ 1 + (1 | schoolid)", hsb);
        var est = ShrinkageEstimates.Compute(fit.Design, fit.FixedEffectNames, fit.FixedEffects, fit.ConditionalModes[0], 0, fit.Fitted, null, null);
        var y = ((NumericColumn)hsb["mathach"]).Values.ToArray();
        var school = ((NumericColumn)hsb["schoolid"]).Values.ToArray();
        for (int l = 0; l < est.Levels.Count; l++)
        {
            double id = double.Parse(est.Levels[l], System.Globalization.CultureInfo.InvariantCulture);
            var rows = Enumerable.Range(0, y.Length).Where(i => school[i] == id).ToList();
            Assert.Equal(rows.Count, est.Sizes[l]);
            Assert.Equal(rows.Average(i => y[i]), est.NoPooling[l], 1e-10);
            Assert.Equal(fit.FixedEffects[0] + fit.ConditionalModes[0][l, 0], est.PartialPooling[l], 1e-12);
            // partial pooling lies between the group's own mean and the pooled estimate
            double lo = Math.Min(est.NoPooling[l], est.Pooled[0]) - 1e-9, hi = Math.Max(est.NoPooling[l], est.Pooled[0]) + 1e-9;
            Assert.InRange(est.PartialPooling[l], lo, hi);
        }
    }

    [Fact]
    public void NoPoolingOfRandomSlopesIsEachSubjectsOwnRegression()
    {
        var data = Datasets.Load("sleepstudy");
        var fit = LinearMixedModel.Fit("Reaction ~ Days + (Days | Subject)", data);
        var est = ShrinkageEstimates.Compute(fit.Design, fit.FixedEffectNames, fit.FixedEffects, fit.ConditionalModes[0], 0, fit.Fitted, null, null);
        var design = DesignBuilder.Build("Reaction ~ Days", data, new DesignOptions { Response = ResponseKind.Numeric });
        var g = GroupingVariable.FromColumn(data, "Subject", design.RowIndex);
        var own = NoPooling.Fit(design, "Subject", g.Codes, g.Levels);
        foreach (var group in own.Groups)
        {
            int l = est.Levels.ToList().IndexOf(group.Level);
            Assert.True(l >= 0);
            Assert.Equal(group.Estimates[0], est.NoPooling[l * 2], 1e-8);
            Assert.Equal(group.Estimates[1], est.NoPooling[l * 2 + 1], 1e-8);
        }
    }

    [Fact]
    public void NoPoolingOfABinomialInterceptIsTheGroupsLogOdds()
    {
        var data = Datasets.Load("cbpp");
        var fit = GeneralizedLinearMixedModel.Fit("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", data, GlmFamily.Binomial);
        var est = ShrinkageEstimates.Compute(fit.Design, fit.FixedEffectNames, fit.FixedEffects, fit.ConditionalModes[0], 0, fit.LinearPredictor, fit.Family, fit.Link);
        var incidence = ((NumericColumn)data["incidence"]).Values.ToArray();
        var size = ((NumericColumn)data["size"]).Values.ToArray();
        var herd = (CategoricalColumn)data["herd"];
        int finite = 0;
        for (int l = 0; l < est.Levels.Count; l++)
        {
            var rows = Enumerable.Range(0, incidence.Length).Where(i => herd.Levels[herd[i]] == est.Levels[l]).ToList();
            double p = rows.Sum(i => incidence[i]) / rows.Sum(i => size[i]);
            if (p > 0 && p < 1)
            {
                Assert.Equal(Math.Log(p / (1 - p)), est.NoPooling[l], 1e-6);
                finite++;
            }
            else Assert.True(double.IsNaN(est.NoPooling[l]), $"herd {est.Levels[l]} has p = {p}: no finite estimate of its own");
        }
        Assert.True(finite > 5);
    }

    [Fact]
    public void KindsThatDoNotApplyAreLeftOut()
    {
        var data = Datasets.Load("cbpp");
        var fit = GeneralizedLinearMixedModel.Fit("cbind(incidence, size - incidence) ~ period + (1 | herd)", data, GlmFamily.Binomial);
        var kinds = FitFigures.For(fit, data).Select(f => f.Kind).ToList();
        Assert.DoesNotContain(FigureKinds.Boxplot, kinds);
        Assert.DoesNotContain(FigureKinds.Scatter, kinds);
        Assert.Contains(FigureKinds.Caterpillar, kinds);
        var only = FitFigures.For(fit, data, new FitFigureOptions { Kinds = [FigureKinds.Density] });
        Assert.Equal(FigureKinds.Density, Assert.Single(only).Kind);
    }

    [Fact]
    public void ModelComparisonOfABalancedPredictorHasNoBetweenLine()
    {
        // sleepstudy: Days has the mean 4.5 for every Subject, so the between regression is not defined
        var data = Datasets.Load("sleepstudy");
        var fit = LinearMixedModel.Fit("Reaction ~ Days + (1 | Subject)", data);
        var fig = Assert.Single(FitFigures.For(fit, data, new FitFigureOptions { Kinds = [FigureKinds.ModelComparison] }));
        string svg = fig.Figure.ToSvg();
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("(between)", svg, StringComparison.Ordinal);
        Assert.Contains("no between slope", fig.Caption, StringComparison.Ordinal);
        // hsb: the between line is there, and the random-effects slope lies between within and between (as the tutorial shows)
        var hsb = Datasets.Load("hsb");
        var ri = LinearMixedModel.Fit("mathach ~ ses + (1 | schoolid)", hsb);
        var hsbFig = Assert.Single(FitFigures.For(ri, hsb, new FitFigureOptions { Kinds = [FigureKinds.ModelComparison] }));
        Assert.Contains("schoolid means (between): slope", hsbFig.Figure.ToSvg(), StringComparison.Ordinal);
        Assert.Contains("lies between the within", hsbFig.Caption, StringComparison.Ordinal);
    }
}
