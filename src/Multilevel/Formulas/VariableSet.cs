using System.Numerics;

namespace Multilevel.Formulas;

/// <summary>A set of variable indices stored as bits (R's term encoding in <c>terms.formula</c>). Immutable.
/// A class, not a struct: collections and LINQ over it then run the runtime's shared, precompiled code for reference
/// types instead of some 150 instantiations compiled when a formula is first read (a command's start-up).</summary>
internal sealed class VariableSet : IEquatable<VariableSet>
{
    private readonly ulong[]? _words; // trimmed: no trailing zero word; null = empty

    private VariableSet(ulong[]? words) => _words = words;

    public static VariableSet Empty { get; } = new(null);

    public static VariableSet Single(int index)
    {
        var words = new ulong[(index >> 6) + 1];
        words[index >> 6] = 1UL << (index & 63);
        return new VariableSet(words);
    }

    public bool IsEmpty => _words is null;

    public int Count
    {
        get
        {
            if (_words is null) return 0;
            int n = 0;
            foreach (ulong w in _words) n += BitOperations.PopCount(w);
            return n;
        }
    }

    public bool Contains(int index)
    {
        int w = index >> 6;
        return _words is not null && w < _words.Length && (_words[w] & (1UL << (index & 63))) != 0;
    }

    /// <summary>True when every variable of <paramref name="other"/> is in this set.</summary>
    public bool IsSupersetOf(VariableSet other)
    {
        if (other._words is null) return true;
        for (int i = 0; i < other._words.Length; i++)
        {
            ulong mine = _words is not null && i < _words.Length ? _words[i] : 0;
            if ((other._words[i] & ~mine) != 0) return false;
        }
        return true;
    }

    public VariableSet Union(VariableSet other)
    {
        if (other._words is null) return this;
        if (_words is null) return other;
        var words = new ulong[Math.Max(_words.Length, other._words.Length)];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = (i < _words.Length ? _words[i] : 0) | (i < other._words.Length ? other._words[i] : 0);
        }
        return new VariableSet(words);
    }

    public VariableSet Without(int index)
    {
        if (!Contains(index)) return this;
        var words = (ulong[])_words!.Clone();
        words[index >> 6] &= ~(1UL << (index & 63));
        int length = words.Length;
        while (length > 0 && words[length - 1] == 0) length--;
        return length == 0 ? Empty : new VariableSet(words[..length]);
    }

    /// <summary>The indices in increasing order.</summary>
    public IEnumerable<int> Indices()
    {
        if (_words is null) yield break;
        for (int w = 0; w < _words.Length; w++)
        {
            ulong bits = _words[w];
            while (bits != 0)
            {
                int b = BitOperations.TrailingZeroCount(bits);
                yield return (w << 6) + b;
                bits &= bits - 1;
            }
        }
    }

    public bool Equals(VariableSet? other)
    {
        if (other is null) return false;
        if (_words is null || other._words is null) return _words is null && other._words is null;
        return _words.AsSpan().SequenceEqual(other._words);
    }

    public override bool Equals(object? obj) => obj is VariableSet v && Equals(v);

    public override int GetHashCode()
    {
        var h = new HashCode();
        if (_words is not null)
        {
            foreach (ulong w in _words) h.Add(w);
        }
        return h.ToHashCode();
    }

    public static bool operator ==(VariableSet? left, VariableSet? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(VariableSet? left, VariableSet? right) => !(left == right);
}
