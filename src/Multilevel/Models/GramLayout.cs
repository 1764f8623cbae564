namespace Multilevel.Models;

/// <summary>
/// The shape of the Gram matrix A = [Z₁ … Z_K X y]ᵀ W [Z₁ … Z_K X y] of a linear mixed model: for each
/// random-effects term (in lme4's order, most levels first) its number of levels and of columns per level,
/// and the number of fixed-effects columns p. The response is the last column.
/// </summary>
public sealed record GramLayout
{
    /// <summary>Creates a layout.</summary>
    /// <param name="terms">Random-effects terms in θ order.</param>
    /// <param name="fixedEffectCount">Number of columns of X (p ≥ 0).</param>
    public GramLayout(IReadOnlyList<GramTermShape> terms, int fixedEffectCount)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentOutOfRangeException.ThrowIfNegative(fixedEffectCount);
        foreach (var t in terms)
        {
            if (t.Levels < 1) throw new ArgumentException($"a random-effects term has {t.Levels} levels; it needs at least one", nameof(terms));
            if (t.Q < 1) throw new ArgumentException($"a random-effects term has {t.Q} columns; it needs at least one", nameof(terms));
        }
        Terms = [.. terms];
        FixedEffectCount = fixedEffectCount;
    }

    /// <summary>Random-effects terms in θ order.</summary>
    public IReadOnlyList<GramTermShape> Terms { get; }

    /// <summary>Number of fixed-effects columns p.</summary>
    public int FixedEffectCount { get; }

    /// <summary>Number of random-effects terms K.</summary>
    public int TermCount => Terms.Count;

    /// <summary>Total number of random effects Σ ℓₖ qₖ.</summary>
    public int RandomEffectCount => Terms.Sum(t => t.Levels * t.Q);

    /// <summary>Total number of columns per row of the random-effects values Σ qₖ.</summary>
    public int TotalQ => Terms.Sum(t => t.Q);
}

/// <summary>The shape of one random-effects term: ℓ levels, q columns per level.</summary>
/// <param name="Levels">Number of levels ℓ of the grouping factor.</param>
/// <param name="Q">Number of columns q of the term's model matrix.</param>
public sealed record GramTermShape(int Levels, int Q);
