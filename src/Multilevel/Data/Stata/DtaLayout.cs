using System.Text;

namespace Multilevel.Data.Stata;

/// <summary>How a variable's values become a column in a chunked read.</summary>
internal enum DtaColumnKind
{
    /// <summary>Numbers.</summary>
    Numeric,

    /// <summary>A numeric variable with a value-label set: categorical, levels in code order.</summary>
    Labelled,

    /// <summary>str# or strL: categorical, levels in <see cref="LevelOrder"/>.</summary>
    Text,
}

/// <summary>A variable of a scanned .dta file, with the levels a chunked read gives it.</summary>
internal sealed class DtaLayoutVariable
{
    private DtaLayoutVariable(string name, DtaType type, DtaColumnKind kind, IReadOnlyList<string>? levels,
        Dictionary<double, int>? codeOfNumber, HashSet<double>? distinctNumbers)
    {
        Name = name;
        Type = type;
        Kind = kind;
        Levels = levels;
        CodeOfNumber = codeOfNumber;
        DistinctNumbers = distinctNumbers;
        if (levels is not null && kind == DtaColumnKind.Text)
        {
            CodeOfText = new Dictionary<string, int>(levels.Count, StringComparer.Ordinal);
            for (int i = 0; i < levels.Count; i++) CodeOfText[levels[i]] = i;
        }
    }

    public static DtaLayoutVariable Text(string name, DtaType type, IReadOnlyList<string> levels) =>
        new(name, type, DtaColumnKind.Text, levels, null, null);

    public static DtaLayoutVariable Labelled(string name, DtaType type, IReadOnlyList<string> levels, Dictionary<double, int> codeOf) =>
        new(name, type, DtaColumnKind.Labelled, levels, codeOf, null);

    public static DtaLayoutVariable Numeric(string name, DtaType type, HashSet<double>? distinct) =>
        new(name, type, DtaColumnKind.Numeric, null, null, distinct);

    public string Name { get; }

    public DtaType Type { get; }

    public DtaColumnKind Kind { get; }

    /// <summary>Levels of a categorical variable.</summary>
    public IReadOnlyList<string>? Levels { get; }

    /// <summary>Level of each labelled value.</summary>
    public Dictionary<double, int>? CodeOfNumber { get; }

    /// <summary>Level of each text.</summary>
    public Dictionary<string, int>? CodeOfText { get; }

    /// <summary>The distinct numbers of a numeric variable, when the scan was asked for them.</summary>
    public HashSet<double>? DistinctNumbers { get; }
}

/// <summary>What a scan of a .dta file found: where its records are, how they are laid out, every variable's levels.</summary>
internal sealed record DtaLayout(
    string Source,
    IReadOnlyList<DtaLayoutVariable> Variables,
    long DataStart,
    long RecordLength,
    int Rows,
    bool BigEndian,
    bool ExtendedMissing,
    int Release,
    Encoding Encoding,
    IReadOnlyDictionary<(ulong V, ulong O), string> LongStrings);
