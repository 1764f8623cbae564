using System.Globalization;

namespace Multilevel.Data;

/// <summary>
/// The order of inferred factor levels (CONTRACT.md, "Data arguments"): numeric when every level parses as a
/// number, else ordinal (byte order of the UTF-8 text).
/// </summary>
public static class LevelOrder
{
    /// <summary>The distinct levels in their inferred order.</summary>
    public static IReadOnlyList<string> Sort(IEnumerable<string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var distinct = levels.Distinct(StringComparer.Ordinal).ToArray();
        var numbers = new double[distinct.Length];
        bool numeric = true;
        for (int i = 0; i < distinct.Length && numeric; i++) numeric = TryParseNumber(distinct[i], out numbers[i]);
        if (numeric)
        {
            var order = Enumerable.Range(0, distinct.Length)
                .OrderBy(i => numbers[i])
                .ThenBy(i => distinct[i], Utf8Comparer.Instance);
            return [.. order.Select(i => distinct[i])];
        }
        Array.Sort(distinct, Utf8Comparer.Instance);
        return distinct;
    }

    /// <summary>Parses a number as the readers accept one: decimal or exponent notation (invariant culture,
    /// surrounding blanks allowed), <c>Inf</c>/<c>-Inf</c> as R writes them, and .NET's <c>Infinity</c>/<c>NaN</c>.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var t = text.Trim();
        if (t.Equals("Inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+Inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (t.Equals("-Inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        return false;
    }

    /// <summary>UTF-8 byte order, which is Unicode code-point order (UTF-16 ordinal order differs for
    /// characters above the surrogate range).</summary>
    public sealed class Utf8Comparer : IComparer<string>
    {
        /// <summary>The comparer.</summary>
        public static Utf8Comparer Instance { get; } = new();

        /// <inheritdoc />
        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var a = x.AsSpan().EnumerateRunes();
            var b = y.AsSpan().EnumerateRunes();
            while (true)
            {
                bool moreA = a.MoveNext(), moreB = b.MoveNext();
                if (!moreA || !moreB) return moreA ? 1 : moreB ? -1 : 0;
                int c = a.Current.Value.CompareTo(b.Current.Value);
                if (c != 0) return c;
            }
        }
    }
}
