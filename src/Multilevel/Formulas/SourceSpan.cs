namespace Multilevel.Formulas;

/// <summary>A range of characters in a formula's text, <c>[Start, Start + Length)</c>, 0-based.
/// Every node of a parsed formula carries one, so that errors can point at the problem.</summary>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters (0 for a position between characters, e.g. the end).</param>
public readonly record struct SourceSpan(int Start, int Length)
{
    /// <summary>Index one past the last character.</summary>
    public int End => Start + Length;

    /// <summary>The smallest span covering both spans.</summary>
    public static SourceSpan Cover(SourceSpan first, SourceSpan last)
    {
        int start = Math.Min(first.Start, last.Start);
        int end = Math.Max(first.End, last.End);
        return new SourceSpan(start, end - start);
    }

    /// <summary>An empty span at <paramref name="position"/>.</summary>
    public static SourceSpan At(int position) => new(position, 0);
}
