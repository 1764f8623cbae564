using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Tests.Design;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>The reference LMMs of fixtures/reference (and reference-extra/lmm): formula, data (the repo's fixtures
/// read with the product's reader and datasets.json's factor schema) and options.</summary>
internal static class ReferenceModels
{
    public sealed record Case(string Name, string ReferenceFile, LmmCriterion Criterion, string Formula, Func<Frame> Data, DesignOptions? DesignOptions = null)
    {
        public LinearMixedModelOptions Options => new() { Criterion = Criterion, Design = DesignOptions };

        public ModelDesign Design() => LinearMixedModel.BuildDesign(Formula, Data(), Options);

        public LinearMixedModelFit Fit() => LinearMixedModel.Fit(Formula, Data(), Options);
    }

    private const string Sleep = "Reaction ~ Days + (Days|Subject)";
    private const string HsbInteraction = "mathach ~ ses * sector + (1|schoolid)";
    private static readonly DesignOptions Weighted = new() { Weights = "w" };

    public static readonly Case[] All =
    [
        new("sleepstudy_reml", "sleepstudy_reml.json", LmmCriterion.Reml, Sleep, SleepStudy),
        new("sleepstudy_ml", "sleepstudy_ml.json", LmmCriterion.MaximumLikelihood, Sleep, SleepStudy),
        new("sleepstudy_uncorr", "sleepstudy_uncorr.json", LmmCriterion.Reml, "Reaction ~ Days + (Days||Subject)", SleepStudy),
        new("sleepstudy_weighted_reml", "../reference-extra/lmm/sleepstudy_weighted_reml.json", LmmCriterion.Reml, Sleep, SleepStudy, Weighted),
        new("sleepstudy_weighted_ml", "../reference-extra/lmm/sleepstudy_weighted_ml.json", LmmCriterion.MaximumLikelihood, Sleep, SleepStudy, Weighted),
        new("sleepstudy_crossed_days", "../reference-extra/lmm/sleepstudy_crossed_days.json", LmmCriterion.Reml, "Reaction ~ Days + (Days|Subject) + (1|fDays)", SleepStudy),
        new("dyestuff_reml", "dyestuff_reml.json", LmmCriterion.Reml, "Yield ~ 1 + (1|Batch)", () => FixtureData.Load("dyestuff.csv")),
        new("dyestuff2_singular", "dyestuff2_singular.json", LmmCriterion.Reml, "Yield ~ 1 + (1|Batch)", () => FixtureData.Load("dyestuff2.csv")),
        new("penicillin_crossed", "penicillin_crossed.json", LmmCriterion.Reml, "diameter ~ 1 + (1|plate) + (1|sample)", () => FixtureData.Load("penicillin.csv")),
        new("pastes_nested", "pastes_nested.json", LmmCriterion.Reml, "strength ~ 1 + (1|batch/cask)", () => FixtureData.Load("pastes.csv")),
        new("hsb_null_reml", "hsb_null_reml.json", LmmCriterion.Reml, "mathach ~ 1 + (1|schoolid)", Hsb),
        new("hsb_ses_reml", "hsb_ses_reml.json", LmmCriterion.Reml, "mathach ~ ses + (1|schoolid)", Hsb),
        new("hsb_ses_ml", "hsb_ses_ml.json", LmmCriterion.MaximumLikelihood, "mathach ~ ses + (1|schoolid)", Hsb),
        new("hsb_ses_sector_reml", "hsb_ses_sector_reml.json", LmmCriterion.Reml, "mathach ~ ses + sector + (1|schoolid)", Hsb),
        new("hsb_interaction_reml", "hsb_interaction_reml.json", LmmCriterion.Reml, HsbInteraction, Hsb),
        new("hsb_missing_reml", "hsb_missing_reml.json", LmmCriterion.Reml, HsbInteraction, () => FixtureData.Load("hsb_missing.csv")),
        new("hsb_slopes_reml", "hsb_slopes_reml.json", LmmCriterion.Reml, "mathach ~ ses * sector + (1 + ses|schoolid)", Hsb),
        new("hsb_slopes_uncorr_ml", "hsb_slopes_uncorr_ml.json", LmmCriterion.MaximumLikelihood, "mathach ~ ses * sector + (1 + ses||schoolid)", Hsb),
        new("hsb_nested_sector", "../reference-extra/lmm/hsb_nested_sector.json", LmmCriterion.Reml, "mathach ~ ses + (1 + ses|schoolid) + (1|sector)", Hsb),
    ];

    public static Case Get(string name) => All.Single(c => c.Name == name);

    private static Frame Hsb() => FixtureData.Load("hsb.csv");

    /// <summary>sleepstudy with the extra columns of make-lmm-references.R: w = 0.5 + (Days mod 4)·0.5 and fDays = factor(Days).</summary>
    public static Frame SleepStudy()
    {
        var frame = FixtureData.Load("sleepstudy.csv");
        var days = ((NumericColumn)frame["Days"]).Values.ToArray();
        var w = days.Select(d => 0.5 + (d % 4) * 0.5).ToArray();
        var levels = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var codes = days.Select(d => (int)d).ToArray();
        return frame.With(new NumericColumn("w", w)).With(new CategoricalColumn("fDays", codes, levels));
    }
}
