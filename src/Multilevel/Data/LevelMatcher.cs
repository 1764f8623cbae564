namespace Multilevel.Data;

/// <summary>Finds the code of a value among given levels: by its text, else (when both are numbers) by numeric
/// equality, so that "1.0" in a file matches the level "1".</summary>
internal sealed class LevelMatcher
{
    private readonly Dictionary<string, int> _byText;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly Dictionary<double, int> _byNumber = [];

    public LevelMatcher(IReadOnlyList<string> levels)
    {
        _byText = new Dictionary<string, int>(levels.Count, StringComparer.Ordinal);
        for (int i = 0; i < levels.Count; i++)
        {
            _byText.TryAdd(levels[i], i);
            if (LevelOrder.TryParseNumber(levels[i], out double x) && !double.IsNaN(x)) _byNumber.TryAdd(x, i);
        }
        _byChars = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The code of a text value, or −1.</summary>
    public int Match(ReadOnlySpan<char> text)
    {
        if (_byChars.TryGetValue(text, out int code)) return code;
        return _byNumber.Count > 0 && LevelOrder.TryParseNumber(text, out double x) ? Match(x) : -1;
    }

    /// <summary>The code of a numeric value whose text is <paramref name="text"/>, or −1.</summary>
    public int Match(ReadOnlySpan<char> text, double value) =>
        _byChars.TryGetValue(text, out int code) ? code : Match(value);

    private int Match(double value) => _byNumber.TryGetValue(value, out int code) ? code : -1;
}
