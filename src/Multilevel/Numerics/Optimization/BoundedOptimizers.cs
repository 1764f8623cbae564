namespace Multilevel.Numerics.Optimization;

/// <summary>The library's bounded optimisers by name, for options such as <c>--optimizer</c>.</summary>
public static class BoundedOptimizers
{
    /// <summary>The optimiser used when none is named: <see cref="Bobyqa"/>.</summary>
    public static IBoundedOptimizer Default => new Bobyqa();

    /// <summary>Canonical names, as accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bobyqa", "neldermead"];

    /// <summary>
    /// The optimiser called <paramref name="name"/> (case and the characters <c>_</c>, <c>-</c> and space are
    /// ignored): <c>bobyqa</c> (also lme4's <c>nloptwrap</c>, which runs BOBYQA) or <c>neldermead</c> (also
    /// lme4's <c>Nelder_Mead</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of these; the message lists the valid names.</exception>
    public static IBoundedOptimizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = new string(name.Where(c => c is not ('_' or '-' or ' ')).ToArray()).ToLowerInvariant();
        return key switch
        {
            "bobyqa" or "nloptwrap" => new Bobyqa(),
            "neldermead" => new NelderMead(),
            _ => throw new ArgumentException(
                $"unknown optimizer '{name}'; use one of: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
