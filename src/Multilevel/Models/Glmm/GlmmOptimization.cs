using Multilevel.Numerics.Optimization;

namespace Multilevel.Models.Glmm;

/// <summary>
/// What <see cref="GeneralizedLinearMixedModel.Optimize"/> found: the estimates, the deviance there and the record
/// of each stage (the first stage optimises θ with β inside PIRLS, nAGQ = 0; the second, for nAGQ ≥ 1, optimises θ
/// and β together on the Laplace or quadrature deviance). Both summaries give parameters as (θ) and (θ, β).
/// </summary>
/// <param name="Theta">θ̂.</param>
/// <param name="FixedEffects">β̂.</param>
/// <param name="Deviance">−2 log-likelihood at the estimates (constants included).</param>
/// <param name="Nagq">The nAGQ of the fit.</param>
/// <param name="FirstStage">The nAGQ = 0 stage over θ.</param>
/// <param name="SecondStage">The stage over (θ, β), or null for nAGQ = 0.</param>
/// <param name="PirlsFailures">Evaluations where PIRLS failed (treated as +∞ by the optimiser).</param>
public sealed record GlmmOptimization(
    double[] Theta,
    double[] FixedEffects,
    double Deviance,
    int Nagq,
    OptSummary FirstStage,
    OptSummary? SecondStage,
    int PirlsFailures)
{
    /// <summary>The summary of the stage that gave the estimates.</summary>
    public OptSummary Final => SecondStage ?? FirstStage;

    /// <summary>Evaluations of both stages.</summary>
    public int Evaluations => FirstStage.Evaluations + (SecondStage?.Evaluations ?? 0);
}
