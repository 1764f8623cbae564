namespace Multilevel.Models;

/// <summary>Progress of a model fit, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Stage">What is being done: <c>design</c>, <c>gram</c>, <c>optimize</c>, <c>derivatives</c>, <c>result</c>.</param>
/// <param name="Evaluations">Objective evaluations so far.</param>
/// <param name="BestObjective">Lowest objective so far (NaN before the first evaluation).</param>
public readonly record struct FitProgress(string Stage, int Evaluations, double BestObjective);
