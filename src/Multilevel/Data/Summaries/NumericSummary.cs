namespace Multilevel.Data;

/// <summary>
/// pandas' <c>describe()</c> of a numeric column: the count of non-missing values, their mean, standard deviation
/// (n − 1 in the denominator), minimum, quartiles (linear interpolation between order statistics, numpy's and
/// pandas' default) and maximum. Statistics of an empty column are NaN, as is the standard deviation of one value.
/// A mean smaller than the rounding error of the sum it comes from is reported as 0 (where pandas would print a
/// residue such as 3.8e-17).
/// </summary>
public sealed record NumericSummary(string Column, int Count, double Mean, double Std, double Min,
    double Q25, double Median, double Q75, double Max)
{
    /// <summary>The unit roundoff of double precision, 2^−53.</summary>
    private const double Epsilon = 1.1102230246251565e-16;

    /// <summary>Summarises a numeric column (missing values left out).</summary>
    public static NumericSummary Of(NumericColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var values = new List<double>(column.Length);
        foreach (double x in column.Values)
        {
            if (!double.IsNaN(x)) values.Add(x);
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        double sum = 0, sumAbs = 0;
        foreach (double x in values)
        {
            sum += x;
            sumAbs += Math.Abs(x);
        }
        // A sum within the rounding-error bound of recursive summation (n ε Σ|x|) of zero is zero: a centred
        // variable then has mean 0, not a rounding residue such as 3.8e-17 that changes with the last digit of the data.
        bool zero = Math.Abs(sum) <= n * Epsilon * sumAbs;
        double mean = n == 0 ? double.NaN : zero ? 0 : sum / n;
        double squares = 0;
        foreach (double x in values) squares += (x - mean) * (x - mean);
        double std = n < 2 ? double.NaN : Math.Sqrt(squares / (n - 1));
        return new NumericSummary(column.Name, n, mean, std,
            n == 0 ? double.NaN : sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75),
            n == 0 ? double.NaN : sorted[^1]);
    }

    /// <summary>The <paramref name="q"/>-quantile of sorted values by linear interpolation between the order
    /// statistics at (n − 1)q (numpy's "linear" method, R's type 7), computed as numpy does it.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty) return double.NaN;
        double h = (sorted.Length - 1) * q;
        int below = (int)Math.Floor(h);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double t = h - below, a = sorted[below], b = sorted[above], diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
