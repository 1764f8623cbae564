namespace Multilevel.Sources.Internals;

/// <summary>
/// Numbers the distinct combinations of the level codes of k ≥ 2 factors (an interaction grouping factor such as
/// <c>cask:batch</c>) as a chain of pairs: the combination of the first j + 1 codes is the pair (combination of the
/// first j, code j + 1). Memory grows with the combinations present, not with the rows.
/// </summary>
internal sealed class ComboIndex
{
    private readonly Dictionary<long, int>[] _links;
    private readonly List<int>[] _parents;
    private readonly List<int>[] _codes;

    public ComboIndex(int components)
    {
        if (components < 2) throw new ArgumentOutOfRangeException(nameof(components), components, "an interaction has at least two factors");
        Components = components;
        _links = new Dictionary<long, int>[components - 1];
        _parents = new List<int>[components - 1];
        _codes = new List<int>[components - 1];
        for (int j = 0; j < components - 1; j++)
        {
            _links[j] = [];
            _parents[j] = [];
            _codes[j] = [];
        }
    }

    /// <summary>Number of factors.</summary>
    public int Components { get; }

    /// <summary>Number of distinct combinations added.</summary>
    public int Count => _parents[^1].Count;

    private static long Key(int parent, int code) => ((long)parent << 32) | (uint)code;

    /// <summary>The number of a combination, added when new.</summary>
    public int Add(ReadOnlySpan<int> codes)
    {
        int id = codes[0];
        for (int j = 0; j < Components - 1; j++)
        {
            long key = Key(id, codes[j + 1]);
            if (!_links[j].TryGetValue(key, out int next))
            {
                next = _parents[j].Count;
                _links[j].Add(key, next);
                _parents[j].Add(id);
                _codes[j].Add(codes[j + 1]);
            }
            id = next;
        }
        return id;
    }

    /// <summary>The number of a combination, or −1 when it was never added.</summary>
    public int Find(ReadOnlySpan<int> codes)
    {
        int id = codes[0];
        for (int j = 0; j < Components - 1; j++)
        {
            if (!_links[j].TryGetValue(Key(id, codes[j + 1]), out id)) return -1;
        }
        return id;
    }

    /// <summary>The codes of combination <paramref name="id"/>.</summary>
    public int[] Codes(int id)
    {
        var result = new int[Components];
        for (int j = Components - 2; j >= 0; j--)
        {
            result[j + 1] = _codes[j][id];
            id = _parents[j][id];
        }
        result[0] = id;
        return result;
    }
}
