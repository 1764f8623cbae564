namespace Multilevel.Reporting.Svg;

/// <summary>
/// Colours for plots. The qualitative colours are Okabe and Ito's colour-blind-safe set (2008), ordered so that
/// the first ones are the most distinct on white and pure yellow (weak on white) comes last.
/// </summary>
public static class Palette
{
    /// <summary>Blue (Okabe–Ito).</summary>
    public const string Blue = "#0072B2";
    /// <summary>Vermillion (Okabe–Ito).</summary>
    public const string Vermillion = "#D55E00";
    /// <summary>Bluish green (Okabe–Ito).</summary>
    public const string BluishGreen = "#009E73";
    /// <summary>Reddish purple (Okabe–Ito).</summary>
    public const string ReddishPurple = "#CC79A7";
    /// <summary>Orange (Okabe–Ito).</summary>
    public const string Orange = "#E69F00";
    /// <summary>Sky blue (Okabe–Ito).</summary>
    public const string SkyBlue = "#56B4E9";
    /// <summary>Yellow (Okabe–Ito).</summary>
    public const string Yellow = "#F0E442";
    /// <summary>Near-black, for text and axes.</summary>
    public const string Ink = "#222222";
    /// <summary>Grey for de-emphasised data (the many groups that are not highlighted).</summary>
    public const string Muted = "#B8B8B8";
    /// <summary>Darker grey for secondary lines (reference lines, rugs).</summary>
    public const string Secondary = "#707070";
    /// <summary>Very light grey for grid lines.</summary>
    public const string Grid = "#E6E6E6";

    /// <summary>The qualitative colours in order of use.</summary>
    public static IReadOnlyList<string> Qualitative { get; } =
        [Blue, Vermillion, BluishGreen, ReddishPurple, Orange, SkyBlue, Ink, Yellow];

    /// <summary>The <paramref name="index"/>-th qualitative colour; colours repeat after <see cref="Qualitative"/> runs out.</summary>
    public static string At(int index) => Qualitative[((index % Qualitative.Count) + Qualitative.Count) % Qualitative.Count];
}
