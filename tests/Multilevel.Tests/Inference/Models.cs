using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Tests.Design;
using Multilevel.Tests.Models.Lmm;

namespace Multilevel.Tests.Inference;

/// <summary>Designs of the inference tests: formula and fixture data through the product's reader and design step.</summary>
internal static class Models
{
    /// <summary>A mixed-model design (sleepstudy with the LMM tests' extra columns w and fDays).</summary>
    public static ModelDesign Of(string file, string formula, string? weights = null) =>
        LinearMixedModel.BuildDesign(formula, file == "sleepstudy.csv" ? ReferenceModels.SleepStudy() : FixtureData.Load(file),
            new LinearMixedModelOptions { Design = weights is null ? null : new DesignOptions { Weights = weights } });

    /// <summary>A design without random effects (OLS) from the product's design step.</summary>
    public static ModelDesign Ols(string file, string formula) =>
        DesignBuilder.Build(formula, FixtureData.Load(file), new DesignOptions { Response = ResponseKind.Numeric });

    public static ModelDesign Hsb(string formula) => Of("hsb.csv", formula);

    public static ModelDesign Sleep(string formula = "Reaction ~ Days + (Days|Subject)") => Of("sleepstudy.csv", formula);

    public static ModelDesign Penicillin() => Of("penicillin.csv", "diameter ~ 1 + (1|plate) + (1|sample)");
}
