using System.Globalization;

namespace Multilevel.Reporting.Svg;

/// <summary>
/// A set of axis ticks: evenly spaced "nice" values and the number of decimals that prints all of them exactly.
/// </summary>
/// <param name="Values">Tick values in increasing order (rounded to <paramref name="Decimals"/>).</param>
/// <param name="Step">Distance between neighbouring ticks.</param>
/// <param name="Decimals">Decimals needed to print every tick without loss (0 for integers).</param>
public sealed record TickSet(double[] Values, double Step, int Decimals)
{
    /// <summary>The tick labels, formatted as by <see cref="NiceTicks.FormatLabel(double, int)"/>.</summary>
    public string[] Labels => [.. Values.Select(v => NiceTicks.FormatLabel(v, Decimals))];
}

/// <summary>
/// Axis tick selection by the extended Wilkinson algorithm of Talbot, Lin and Hanrahan (2010, "An extension of
/// Wilkinson's algorithm for positioning tick labels on axes"): among step sizes q·10^z (q from the "nice" list
/// 1, 5, 2, 2.5, 4, 3, optionally skipping j−1 of every j), choose the labelling that maximises a weighted sum of
/// simplicity, coverage of the data range, closeness to the wanted number of ticks, and legibility.
/// </summary>
public static class NiceTicks
{
    private static readonly double[] Q = [1, 5, 2, 2.5, 4, 3];
    private const double WSimplicity = 0.25, WCoverage = 0.2, WDensity = 0.5, WLegibility = 0.05;
    private const double Eps = 1e-10;

    /// <summary>
    /// Chooses about <paramref name="wanted"/> ticks for the data range [<paramref name="min"/>, <paramref name="max"/>].
    /// With <paramref name="onlyInside"/> every tick lies inside the range (for an axis whose limits are fixed
    /// first, as in plots that pad the data range); otherwise ticks may extend a little beyond it, as in R's
    /// <c>labeling::extended</c>.
    /// </summary>
    public static TickSet Extended(double min, double max, int wanted = 5, bool onlyInside = false)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentOutOfRangeException(nameof(min), $"tick range must be finite, got [{min}, {max}]");
        if (min > max) (min, max) = (max, min);
        if (wanted < 2) wanted = 2;
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            // A single value: one tick at a rounded version of it.
            int d = DecimalsFor(Math.Abs(min) > 0 ? Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(min))) - 1) : 1);
            double v = Math.Round(min, d);
            return new TickSet([v], 0, Math.Max(0, d));
        }

        double bestScore = double.NegativeInfinity;
        double bestMin = 0, bestStep = 0;
        int bestK = 0;
        int bestJ = 1;
        double range = max - min;

        for (int j = 1; j <= 100; j++)
        {
            bool stop = false;
            for (int qi = 0; qi < Q.Length; qi++)
            {
                double q = Q[qi];
                double sm = SimplicityMax(qi, j);
                if (WSimplicity * sm + WCoverage + WDensity + WLegibility < bestScore) { stop = true; break; }
                for (int k = 2; k <= 100; k++)
                {
                    double dm = DensityMax(k, wanted);
                    if (WSimplicity * sm + WCoverage + WDensity * dm + WLegibility < bestScore) break;
                    double delta = range / (k + 1) / j / q;
                    int z = (int)Math.Ceiling(Math.Log10(delta));
                    for (int zi = 0; zi < 40; zi++, z++)
                    {
                        double step = j * q * Math.Pow(10, z);
                        double cm = CoverageMax(min, max, step * (k - 1));
                        if (WSimplicity * sm + WCoverage * cm + WDensity * dm + WLegibility < bestScore) break;
                        double minStart = Math.Floor(max / step) * j - (k - 1) * j;
                        double maxStart = Math.Ceiling(min / step) * j;
                        if (minStart > maxStart) continue;
                        for (double start = minStart; start <= maxStart; start++)
                        {
                            double lmin = start * (step / j);
                            double lmax = lmin + step * (k - 1);
                            if (onlyInside && (lmin < min - Eps * range || lmax > max + Eps * range)) continue;
                            double s = Simplicity(qi, j, lmin, lmax, step);
                            double c = Coverage(min, max, lmin, lmax);
                            double g = Density(k, wanted, min, max, lmin, lmax);
                            double score = WSimplicity * s + WCoverage * c + WDensity * g + WLegibility;
                            if (score > bestScore + 1e-12)
                            {
                                bestScore = score;
                                bestMin = lmin;
                                bestStep = step;
                                bestK = k;
                                bestJ = j;
                            }
                        }
                    }
                }
            }
            if (stop) break;
        }

        if (bestK == 0)
        {
            // Nothing fits inside (a tiny range with onlyInside): label the two ends.
            int d = DecimalsFor(range / 10);
            return new TickSet([Math.Round(min, d), Math.Round(max, d)], max - min, d);
        }
        // Every tick is a multiple of step/j: rounding to that many decimals removes representation noise.
        int grain = Math.Min(15, DecimalsFor(bestStep / bestJ));
        var values = new double[bestK];
        for (int i = 0; i < bestK; i++) values[i] = Math.Round(bestMin + i * bestStep, grain);
        int decimals = values.Max(v => v == 0 ? 0 : DecimalsFor(Math.Abs(v)));
        return new TickSet(values, bestStep, decimals);
    }

    /// <summary>Decimals needed to print multiples of <paramref name="step"/> exactly (2.5 → 1, 0.25 → 2, 20 → 0).</summary>
    public static int DecimalsFor(double step)
    {
        if (!(step > 0) || !double.IsFinite(step)) return 0;
        for (int d = 0; d <= 12; d++)
        {
            // a whole number of units of 10^−d (at least one: a step far below 1 is not "0 decimals")
            double scaled = step * Math.Pow(10, d);
            double whole = Math.Round(scaled);
            if (whole >= 1 && Math.Abs(scaled - whole) < 1e-9 * scaled) return d;
        }
        return 12;
    }

    /// <summary>
    /// A tick label: fixed <paramref name="decimals"/>, invariant culture, a true minus sign (U+2212) for negative
    /// values, no "−0"; values of magnitude 10^6 and above (or below 10^−4, when not zero) in exponent form ("2e+06").
    /// </summary>
    public static string FormatLabel(double value, int decimals)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "Inf" : "\u2212Inf";
        decimals = Math.Clamp(decimals, 0, 12);
        double a = Math.Abs(value);
        string body;
        if (a != 0 && (a >= 1e6 || a < 1e-4))
        {
            // as many mantissa digits as the decimals ask for (at least 3 places, trailing zeros dropped)
            int places = Math.Clamp(decimals + (int)Math.Floor(Math.Log10(a)), 3, 15);
            body = a.ToString("0." + new string('#', places) + "e+00", CultureInfo.InvariantCulture);
        }
        else
        {
            body = a.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        bool zero = body.All(ch => ch == '0' || ch == '.');
        return value < 0 && !zero ? "\u2212" + body : body;
    }

    private static double Simplicity(int qi, int j, double lmin, double lmax, double step)
    {
        int n = Q.Length;
        double rem = ((lmin % step) + step) % step;
        bool hasZero = lmin <= 0 && lmax >= 0 && (rem < Eps * step || step - rem < Eps * step);
        return 1 - (double)qi / (n - 1) - j + (hasZero ? 1 : 0);
    }

    private static double SimplicityMax(int qi, int j) => 1 - (double)qi / (Q.Length - 1) - j + 1;

    private static double Coverage(double dmin, double dmax, double lmin, double lmax)
    {
        double r = 0.1 * (dmax - dmin);
        return 1 - 0.5 * ((dmax - lmax) * (dmax - lmax) + (dmin - lmin) * (dmin - lmin)) / (r * r);
    }

    private static double CoverageMax(double dmin, double dmax, double span)
    {
        double range = dmax - dmin;
        if (span <= range) return 1;
        double half = (span - range) / 2;
        double r = 0.1 * range;
        return 1 - half * half / (r * r);
    }

    private static double Density(int k, int m, double dmin, double dmax, double lmin, double lmax)
    {
        double r = (k - 1) / (lmax - lmin);
        double rt = (m - 1) / (Math.Max(lmax, dmax) - Math.Min(dmin, lmin));
        return 2 - Math.Max(r / rt, rt / r);
    }

    private static double DensityMax(int k, int m) => k >= m ? 2 - (k - 1.0) / (m - 1.0) : 1;
}
