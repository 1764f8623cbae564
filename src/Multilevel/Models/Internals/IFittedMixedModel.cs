using Multilevel.Design;

namespace Multilevel.Models.Internals;

/// <summary>What prediction on new data reads from a fitted mixed model (linear or generalized): the formula and
/// design it was fitted with, the fixed effects by name and the conditional modes by level.</summary>
internal interface IFittedMixedModel
{
    ModelDesign Design { get; }

    string Formula { get; }

    IReadOnlyList<string> FixedEffectNames { get; }

    double[] FixedEffects { get; }

    IReadOnlyList<string> AliasedColumns { get; }

    IReadOnlyList<TermConditionalModes> ConditionalModes { get; }
}
