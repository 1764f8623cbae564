using MathNet.Numerics.Distributions;

namespace Multilevel.Reporting;

/// <summary>The numbers behind one box of a box plot (Tukey's definition with type-7 quartiles, as matplotlib and pandas draw them).</summary>
/// <param name="Count">Number of finite values.</param>
/// <param name="LowerWhisker">Smallest value ≥ Q1 − 1.5·IQR.</param>
/// <param name="LowerQuartile">Q1 (R's <c>quantile(type = 7)</c>).</param>
/// <param name="Median">Median.</param>
/// <param name="UpperQuartile">Q3.</param>
/// <param name="UpperWhisker">Largest value ≤ Q3 + 1.5·IQR.</param>
/// <param name="Mean">Mean.</param>
/// <param name="Outliers">Values beyond the whiskers, in increasing order.</param>
public sealed record BoxStats(int Count, double LowerWhisker, double LowerQuartile, double Median, double UpperQuartile,
    double UpperWhisker, double Mean, double[] Outliers);

/// <summary>A density estimate on a grid.</summary>
/// <param name="X">Grid points, increasing.</param>
/// <param name="Density">Estimated density at each grid point.</param>
/// <param name="Bandwidth">Kernel standard deviation used.</param>
public sealed record DensityEstimate(double[] X, double[] Density, double Bandwidth);

/// <summary>
/// The small statistics that plots need: quantiles, box-plot numbers, kernel densities, normal quantiles for QQ
/// plots, group means, a local-linear smoother. Each follows the R function named in its documentation, and the
/// tests compare them with R.
/// </summary>
public static class PlotStatistics
{
    /// <summary>Sample quantile of sorted finite values by linear interpolation (R's <c>quantile(type = 7)</c>).</summary>
    public static double QuantileSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0) throw new PlotDataException("a quantile needs at least one value");
        if (p < 0 || p > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must lie in [0, 1]");
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Sample quantile (R's <c>quantile(x, p, type = 7)</c>), ignoring non-finite values.</summary>
    public static double Quantile(IReadOnlyList<double> values, double p) => QuantileSorted(SortedFinite(values), p);

    /// <summary>Box-plot numbers of the finite values (type-7 quartiles, whiskers at the most extreme values within 1.5·IQR).</summary>
    public static BoxStats Box(IReadOnlyList<double> values)
    {
        double[] s = SortedFinite(values);
        if (s.Length == 0) throw new PlotDataException("a box plot needs at least one finite value");
        double q1 = QuantileSorted(s, 0.25), med = QuantileSorted(s, 0.5), q3 = QuantileSorted(s, 0.75);
        double iqr = q3 - q1;
        double lowFence = q1 - 1.5 * iqr, highFence = q3 + 1.5 * iqr;
        double lw = s.First(v => v >= lowFence);
        double uw = s.Last(v => v <= highFence);
        double[] outliers = [.. s.Where(v => v < lw || v > uw)];
        return new BoxStats(s.Length, lw, q1, med, q3, uw, Mean(s), outliers);
    }

    /// <summary>
    /// Silverman's rule-of-thumb bandwidth, R's <c>bw.nrd0</c>: 0.9·min(sd, IQR/1.34)·n^(−1/5), falling back to
    /// the sd, then |x₁|, then 1 when the spread is zero.
    /// </summary>
    public static double SilvermanBandwidth(IReadOnlyList<double> values)
    {
        double[] s = SortedFinite(values);
        if (s.Length < 2) throw new PlotDataException($"a bandwidth needs at least two finite values, got {s.Length}");
        double sd = StandardDeviation(s);
        double iqr = QuantileSorted(s, 0.75) - QuantileSorted(s, 0.25);
        double lo = Math.Min(sd, iqr / 1.34);
        if (!(lo > 0)) lo = sd;
        if (!(lo > 0)) lo = Math.Abs(s[0]);
        if (!(lo > 0)) lo = 1;
        return 0.9 * lo * Math.Pow(s.Length, -0.2);
    }

    /// <summary>
    /// Gaussian kernel density estimate of the finite values, evaluated exactly (no binning) at
    /// <paramref name="points"/> grid points from min − cut·h to max + cut·h, as R's <c>density(x, bw, cut = 3)</c> lays out its grid.
    /// </summary>
    public static DensityEstimate KernelDensity(IReadOnlyList<double> values, double? bandwidth = null, int points = 256, double cut = 3)
    {
        double[] s = SortedFinite(values);
        if (s.Length == 0) throw new PlotDataException("a density needs at least one finite value");
        double h = bandwidth ?? (s.Length >= 2 ? SilvermanBandwidth(s) : 1);
        if (!(h > 0) || !double.IsFinite(h)) throw new ArgumentOutOfRangeException(nameof(bandwidth), h, "the bandwidth must be positive and finite");
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "a density needs at least 2 grid points");
        double from = s[0] - cut * h, to = s[^1] + cut * h;
        var x = new double[points];
        var d = new double[points];
        double norm = 1 / (s.Length * h * Math.Sqrt(2 * Math.PI));
        for (int g = 0; g < points; g++)
        {
            double x0 = from + (to - from) * g / (points - 1);
            x[g] = x0;
            // Only values within 8.5 bandwidths contribute (exp(-36) is below double precision relative to the peak).
            int lo = LowerBound(s, x0 - 8.5 * h), hi = LowerBound(s, x0 + 8.5 * h);
            double sum = 0;
            for (int i = lo; i < hi; i++)
            {
                double z = (x0 - s[i]) / h;
                sum += Math.Exp(-0.5 * z * z);
            }
            d[g] = sum * norm;
        }
        return new DensityEstimate(x, d, h);
    }

    /// <summary>Probability points for a QQ plot, R's <c>ppoints(n)</c>: (i − a)/(n + 1 − 2a) with a = 3/8 for n ≤ 10, else 1/2.</summary>
    public static double[] ProbabilityPoints(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative");
        double a = n <= 10 ? 3.0 / 8 : 0.5;
        var p = new double[n];
        for (int i = 0; i < n; i++) p[i] = (i + 1 - a) / (n + 1 - 2 * a);
        return p;
    }

    /// <summary>Standard normal quantile Φ⁻¹(p).</summary>
    public static double NormalQuantile(double p) => Normal.InvCDF(0, 1, p);

    /// <summary>
    /// Normal QQ-plot coordinates of the finite values: theoretical quantiles Φ⁻¹(ppoints(n)) against the sorted
    /// sample, and the reference line through the first and third quartiles (R's <c>qqnorm</c> and <c>qqline</c>).
    /// </summary>
    public static (double[] Theoretical, double[] Sample, double Intercept, double Slope) NormalQq(IReadOnlyList<double> values)
    {
        double[] s = SortedFinite(values);
        if (s.Length < 2) throw new PlotDataException($"a QQ plot needs at least two finite values, got {s.Length}");
        double[] t = [.. ProbabilityPoints(s.Length).Select(NormalQuantile)];
        double y1 = QuantileSorted(s, 0.25), y2 = QuantileSorted(s, 0.75);
        double x1 = NormalQuantile(0.25), x2 = NormalQuantile(0.75);
        double slope = (y2 - y1) / (x2 - x1);
        return (t, s, y1 - slope * x1, slope);
    }

    /// <summary>Mean of the finite values of each group (codes 0..levels−1; negative codes are missing). NaN for a group without values.</summary>
    public static double[] GroupMeans(IReadOnlyList<double> values, IReadOnlyList<int> codes, int levels)
    {
        if (values.Count != codes.Count) throw new PlotDataException($"values has {values.Count} entries but the group codes have {codes.Count}");
        var sum = new double[levels];
        var count = new int[levels];
        for (int i = 0; i < values.Count; i++)
        {
            int g = codes[i];
            if (g < 0) continue;
            if (g >= levels) throw new PlotDataException($"group code {g} at row {i + 1} is outside the {levels} levels");
            if (!double.IsFinite(values[i])) continue;
            sum[g] += values[i];
            count[g]++;
        }
        var mean = new double[levels];
        for (int g = 0; g < levels; g++) mean[g] = count[g] > 0 ? sum[g] / count[g] : double.NaN;
        return mean;
    }

    /// <summary>Each value minus its group's mean (the within-group deviation); NaN where the value or the group is missing.</summary>
    public static double[] Demean(IReadOnlyList<double> values, IReadOnlyList<int> codes, int levels)
    {
        double[] means = GroupMeans(values, codes, levels);
        var r = new double[values.Count];
        for (int i = 0; i < r.Length; i++) r[i] = codes[i] >= 0 ? values[i] - means[codes[i]] : double.NaN;
        return r;
    }

    /// <summary>
    /// Local linear smoother with tricube weights over the nearest ⌈span·n⌉ points (Cleveland's loess of degree 1,
    /// without robustness iterations), evaluated on <paramref name="points"/> grid points across the range of x.
    /// </summary>
    public static (double[] X, double[] Y) LocalLinearSmooth(IReadOnlyList<double> x, IReadOnlyList<double> y, double span = 2.0 / 3, int points = 80)
    {
        if (x.Count != y.Count) throw new PlotDataException($"x has {x.Count} values but y has {y.Count}");
        var pairs = new List<(double X, double Y)>(x.Count);
        for (int i = 0; i < x.Count; i++) if (double.IsFinite(x[i]) && double.IsFinite(y[i])) pairs.Add((x[i], y[i]));
        if (pairs.Count < 3) return ([], []);
        pairs.Sort((a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        int n = pairs.Count;
        int k = Math.Clamp((int)Math.Ceiling(span * n), 3, n);
        double xmin = pairs[0].X, xmax = pairs[^1].X;
        if (xmax == xmin) return ([], []);
        var gx = new double[points];
        var gy = new double[points];
        int lo = 0;
        for (int g = 0; g < points; g++)
        {
            double x0 = xmin + (xmax - xmin) * g / (points - 1);
            // Slide the window of k nearest neighbours to the right while that brings it closer to x0.
            while (lo + k < n && x0 - pairs[lo].X > pairs[lo + k].X - x0) lo++;
            double h = Math.Max(x0 - pairs[lo].X, pairs[lo + k - 1].X - x0);
            if (h <= 0) h = 1e-12;
            double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0;
            for (int i = lo; i < lo + k; i++)
            {
                double u = Math.Abs(pairs[i].X - x0) / (h * 1.000001);
                double w = u >= 1 ? 0 : Math.Pow(1 - u * u * u, 3);
                double dx = pairs[i].X - x0;
                sw += w; swx += w * dx; swy += w * pairs[i].Y; swxx += w * dx * dx; swxy += w * dx * pairs[i].Y;
            }
            double det = sw * swxx - swx * swx;
            gx[g] = x0;
            gy[g] = Math.Abs(det) > 1e-12 * Math.Max(1, sw * swxx) ? (swxx * swy - swx * swxy) / det : swy / sw;
        }
        return (gx, gy);
    }

    internal static double[] SortedFinite(IReadOnlyList<double> values)
    {
        var list = new List<double>(values.Count);
        foreach (double v in values) if (double.IsFinite(v)) list.Add(v);
        double[] s = [.. list];
        Array.Sort(s);
        return s;
    }

    internal static double Mean(ReadOnlySpan<double> s)
    {
        double sum = 0;
        foreach (double v in s) sum += v;
        return sum / s.Length;
    }

    internal static double StandardDeviation(ReadOnlySpan<double> s)
    {
        double m = Mean(s), ss = 0;
        foreach (double v in s) ss += (v - m) * (v - m);
        return Math.Sqrt(ss / (s.Length - 1));
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
