namespace Multilevel.Models;

/// <summary>A grouping factor of a fit: its number of levels and the sizes of its groups (rows per level).</summary>
/// <param name="Group">The grouping factor as lme4 names it.</param>
/// <param name="Levels">Number of levels with rows.</param>
/// <param name="MinSize">Smallest group.</param>
/// <param name="MaxSize">Largest group.</param>
/// <param name="MeanSize">Mean group size (observations / levels).</param>
public sealed record GroupingSummary(string Group, int Levels, int MinSize, int MaxSize, double MeanSize);
