namespace Multilevel.Data;

/// <summary>A data set built into the library.</summary>
/// <param name="Name">The name to load it by (and to give as DATA on the command line).</param>
/// <param name="Description">One line on what it is.</param>
/// <param name="Schema">Its factor columns and their levels, as R holds them (from lme4 and mlmRev).</param>
public sealed record DatasetInfo(string Name, string Description, FrameSchema Schema);
