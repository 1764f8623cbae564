namespace Multilevel.Design;

/// <summary>
/// The evaluated response. For <c>cbind(successes, failures)</c> (binomial counts), as R's <c>glm</c>:
/// <see cref="Values"/> holds the proportion successes/(successes+failures) and <see cref="Trials"/> the
/// totals (which act as prior weights). For a two-level factor, 1 = not the first level.
/// </summary>
/// <param name="Name">The response expression as written, e.g. <c>mathach</c> or <c>cbind(incidence, size - incidence)</c>.</param>
/// <param name="Values">One value per used row.</param>
/// <param name="Trials">Binomial totals per row, when the response is <c>cbind(...)</c>; otherwise null.</param>
/// <param name="Levels">For a factor response: its levels; the first is 0, the others 1 (R's <c>glm</c>). Otherwise null.</param>
public sealed record Response(string Name, double[] Values, double[]? Trials = null, IReadOnlyList<string>? Levels = null);
