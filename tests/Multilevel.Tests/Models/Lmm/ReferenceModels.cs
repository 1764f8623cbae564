using Multilevel.Design;
using Multilevel.Models;
using static Multilevel.Tests.Models.Lmm.HandDesign;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>The reference LMMs of fixtures/reference as hand-built designs.</summary>
internal static class ReferenceModels
{
    public sealed record Case(string Name, string ReferenceFile, LmmCriterion Criterion, Func<ModelDesign> Design);

    public static readonly Case[] All =
    [
        new("sleepstudy_reml", "sleepstudy_reml.json", LmmCriterion.Reml, SleepStudy),
        new("sleepstudy_ml", "sleepstudy_ml.json", LmmCriterion.MaximumLikelihood, SleepStudy),
        new("sleepstudy_uncorr", "sleepstudy_uncorr.json", LmmCriterion.Reml, SleepStudyUncorrelated),
        new("sleepstudy_weighted_reml", "../reference-extra/lmm/sleepstudy_weighted_reml.json", LmmCriterion.Reml, SleepStudyWeighted),
        new("sleepstudy_weighted_ml", "../reference-extra/lmm/sleepstudy_weighted_ml.json", LmmCriterion.MaximumLikelihood, SleepStudyWeighted),
        new("sleepstudy_crossed_days", "../reference-extra/lmm/sleepstudy_crossed_days.json", LmmCriterion.Reml, SleepStudyCrossedDays),
        new("dyestuff_reml", "dyestuff_reml.json", LmmCriterion.Reml, () => Dyestuff("dyestuff.csv")),
        new("dyestuff2_singular", "dyestuff2_singular.json", LmmCriterion.Reml, () => Dyestuff("dyestuff2.csv")),
        new("penicillin_crossed", "penicillin_crossed.json", LmmCriterion.Reml, Penicillin),
        new("pastes_nested", "pastes_nested.json", LmmCriterion.Reml, Pastes),
        new("hsb_null_reml", "hsb_null_reml.json", LmmCriterion.Reml, () => Hsb("hsb.csv", "mathach ~ 1 + (1|schoolid)", [])),
        new("hsb_ses_reml", "hsb_ses_reml.json", LmmCriterion.Reml, () => Hsb("hsb.csv", "mathach ~ ses + (1|schoolid)", ["ses"])),
        new("hsb_ses_ml", "hsb_ses_ml.json", LmmCriterion.MaximumLikelihood, () => Hsb("hsb.csv", "mathach ~ ses + (1|schoolid)", ["ses"])),
        new("hsb_ses_sector_reml", "hsb_ses_sector_reml.json", LmmCriterion.Reml, () => Hsb("hsb.csv", "mathach ~ ses + sector + (1|schoolid)", ["ses", "sector"])),
        new("hsb_interaction_reml", "hsb_interaction_reml.json", LmmCriterion.Reml, () => Hsb("hsb.csv", "mathach ~ ses * sector + (1|schoolid)", ["ses", "sector", "ses:sector"])),
        new("hsb_missing_reml", "hsb_missing_reml.json", LmmCriterion.Reml, () => Hsb("hsb_missing.csv", "mathach ~ ses * sector + (1|schoolid)", ["ses", "sector", "ses:sector"])),
        new("hsb_slopes_reml", "hsb_slopes_reml.json", LmmCriterion.Reml, () => HsbSlopes(correlated: true)),
        new("hsb_slopes_uncorr_ml", "hsb_slopes_uncorr_ml.json", LmmCriterion.MaximumLikelihood, () => HsbSlopes(correlated: false)),
        new("hsb_nested_sector", "../reference-extra/lmm/hsb_nested_sector.json", LmmCriterion.Reml, HsbNestedSector),
    ];

    public static Case Get(string name) => All.Single(c => c.Name == name);

    public static ModelDesign SleepStudy() =>
        Load("sleepstudy.csv").Response("Reaction").Intercept().Fixed("Days")
            .Random("Subject", One, Col("Days"))
            .Build("Reaction ~ Days + (Days|Subject)");

    public static ModelDesign SleepStudyUncorrelated() =>
        Load("sleepstudy.csv").Response("Reaction").Intercept().Fixed("Days")
            .Random("Subject", One).Random("Subject", Col("Days"))
            .Build("Reaction ~ Days + (Days||Subject)");

    public static ModelDesign SleepStudyWeighted() =>
        Load("sleepstudy.csv").Response("Reaction").Intercept().Fixed("Days")
            .Random("Subject", One, Col("Days"))
            .Weights(r => 0.5 + (r.Num("Days") % 4) * 0.5)
            .Build("Reaction ~ Days + (Days|Subject)");

    public static ModelDesign SleepStudyCrossedDays()
    {
        var d = Load("sleepstudy.csv");
        return d.Response("Reaction").Intercept().Fixed("Days")
            .Random("Subject", One, Col("Days"))
            .Random("fDays", r => r.Str("Days"), d.FactorLevels("Days"), One)
            .Build("Reaction ~ Days + (Days|Subject) + (1|fDays)");
    }

    public static ModelDesign Dyestuff(string file) =>
        Load(file).Response("Yield").Intercept().Random("Batch", One).Build("Yield ~ 1 + (1|Batch)");

    public static ModelDesign Penicillin() =>
        Load("penicillin.csv").Response("diameter").Intercept().Random("plate", One).Random("sample", One)
            .Build("diameter ~ 1 + (1|plate) + (1|sample)");

    public static ModelDesign Pastes()
    {
        var d = Load("pastes.csv");
        var casks = d.FactorLevels("cask");
        var batches = d.FactorLevels("batch");
        var inner = casks.SelectMany(c => batches.Select(b => $"{c}:{b}")).ToList();
        return d.Response("strength").Intercept()
            .Random("cask:batch", r => $"{r.Str("cask")}:{r.Str("batch")}", inner, One)
            .Random("batch", One)
            .Build("strength ~ 1 + (1|batch/cask)");
    }

    public static ModelDesign Hsb(string file, string formula, string[] fixedColumns)
    {
        var d = Load(file).Response("mathach").Intercept();
        foreach (var c in fixedColumns)
        {
            if (c == "ses:sector") d.Fixed(c, r => r.Num("ses") * r.Num("sector"));
            else d.Fixed(c);
        }
        return d.Random("schoolid", One).Build(formula);
    }

    public static ModelDesign HsbSlopes(bool correlated)
    {
        var d = Load("hsb.csv").Response("mathach").Intercept().Fixed("ses").Fixed("sector")
            .Fixed("ses:sector", r => r.Num("ses") * r.Num("sector"));
        return correlated
            ? d.Random("schoolid", One, Col("ses")).Build("mathach ~ ses * sector + (1 + ses|schoolid)")
            : d.Random("schoolid", One).Random("schoolid", Col("ses")).Build("mathach ~ ses * sector + (1 + ses||schoolid)");
    }

    public static ModelDesign HsbNestedSector() =>
        Load("hsb.csv").Response("mathach").Intercept().Fixed("ses")
            .Random("schoolid", One, Col("ses")).Random("sector", One)
            .Build("mathach ~ ses + (1 + ses|schoolid) + (1|sector)");
}
