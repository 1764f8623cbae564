using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Models.Glm;
using Multilevel.Models.Glmm;
using Multilevel.Tests.Design;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// The GLMM reference models: formula and data (the repo's fixtures read with the product's reader and
/// datasets.json's factor schema), through the product's design step.
/// </summary>
internal static class GlmmDesigns
{
    public const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
    public const string GrouseFormula = "TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION)";
    public const string VotersFormula = "vote ~ income * state_income + (1 + income | state)";

    public static Frame CbppData() => FixtureData.Load("cbpp.csv");

    /// <summary>cbpp with the prior weights of make-glmm-references.R: w = 1 + (herd mod 3).</summary>
    public static Frame CbppWeightedData()
    {
        var frame = CbppData();
        var herd = (CategoricalColumn)frame["herd"];
        var w = new double[frame.RowCount];
        for (int i = 0; i < w.Length; i++) w[i] = 1 + int.Parse(herd.Levels[herd.Codes[i]], System.Globalization.CultureInfo.InvariantCulture) % 3;
        return frame.With(new NumericColumn("w", w));
    }

    public static Frame GrouseticksData() => FixtureData.Load("grouseticks.csv");

    public static Frame VotersData() => FixtureData.Load("voters.csv");

    public static ModelDesign Build(string formula, Frame data, GlmFamily family, DesignOptions? design = null) =>
        GeneralizedLinearMixedModel.BuildDesign(formula, data, family, new GeneralizedLinearMixedModelOptions { Design = design });

    /// <summary>cbpp: cbind(incidence, size − incidence) ~ period + (1 | herd).</summary>
    public static ModelDesign Cbpp() => Build(CbppFormula, CbppData(), GlmFamily.Binomial);

    /// <summary>cbpp with prior weights 1 + (herd mod 3) (as R's glmer(..., weights = w)).</summary>
    public static ModelDesign CbppWeighted() => Build(CbppFormula, CbppWeightedData(), GlmFamily.Binomial, new DesignOptions { Weights = "w" });

    /// <summary>grouseticks: TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION), Poisson.</summary>
    public static ModelDesign Grouseticks() => Build(GrouseFormula, GrouseticksData(), GlmFamily.Poisson);

    /// <summary>TICKS ~ YEAR + (1|BROOD) + (1|LOCATION) + offset(0.5 * cHEIGHT), Poisson.</summary>
    public static ModelDesign GrouseticksOffset() =>
        Build("TICKS ~ YEAR + (1|BROOD) + (1|LOCATION) + offset(0.5 * cHEIGHT)", GrouseticksData(), GlmFamily.Poisson);

    /// <summary>TICKS ~ YEAR + cHEIGHT + (1|BROOD), Poisson (one grouping factor, for quadrature).</summary>
    public static ModelDesign GrouseticksBrood() => Build("TICKS ~ YEAR + cHEIGHT + (1|BROOD)", GrouseticksData(), GlmFamily.Poisson);

    /// <summary>The slides' voters: vote ~ income * state_income + (1 + income | state), binomial 0/1.</summary>
    public static ModelDesign Voters() => Build(VotersFormula, VotersData(), GlmFamily.Binomial);
}
