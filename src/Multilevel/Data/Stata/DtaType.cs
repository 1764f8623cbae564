using System.Buffers.Binary;

namespace Multilevel.Data.Stata;

/// <summary>How a .dta variable is stored.</summary>
internal enum DtaStorage { Byte, Int, Long, Float, Double, Str, StrL }

/// <summary>
/// The storage type of a .dta variable and how its values are read, with Stata's missing values: from format 113 on,
/// <c>.</c> and <c>.a</c>–<c>.z</c> are the 27 largest codes of each integer type (byte &gt; 100, int &gt; 32,740,
/// long &gt; 2,147,483,620); before, only the largest code is missing. Float and double values from 2^127 and
/// 2^1023 up are missing in every format.
/// </summary>
internal readonly record struct DtaType(DtaStorage Storage, int Width)
{
    private static readonly float FloatMissing = MathF.ScaleB(1f, 127);
    private static readonly double DoubleMissing = Math.ScaleB(1d, 1023);

    /// <summary>The type of a type code, or null when the code is not one of the format's.</summary>
    /// <param name="code">The code in the file.</param>
    /// <param name="release">The format (110–119).</param>
    public static DtaType? FromCode(int code, int release)
    {
        if (release >= 117)
        {
            return code switch
            {
                >= 1 and <= 2045 => new DtaType(DtaStorage.Str, code),
                32768 => new DtaType(DtaStorage.StrL, 8),
                65526 => new DtaType(DtaStorage.Double, 8),
                65527 => new DtaType(DtaStorage.Float, 4),
                65528 => new DtaType(DtaStorage.Long, 4),
                65529 => new DtaType(DtaStorage.Int, 2),
                65530 => new DtaType(DtaStorage.Byte, 1),
                _ => null,
            };
        }
        if (release >= 111)
        {
            return code switch
            {
                >= 1 and <= 244 => new DtaType(DtaStorage.Str, code),
                251 => new DtaType(DtaStorage.Byte, 1),
                252 => new DtaType(DtaStorage.Int, 2),
                253 => new DtaType(DtaStorage.Long, 4),
                254 => new DtaType(DtaStorage.Float, 4),
                255 => new DtaType(DtaStorage.Double, 8),
                _ => null,
            };
        }
        return code switch
        {
            'b' => new DtaType(DtaStorage.Byte, 1),
            'i' => new DtaType(DtaStorage.Int, 2),
            'l' => new DtaType(DtaStorage.Long, 4),
            'f' => new DtaType(DtaStorage.Float, 4),
            'd' => new DtaType(DtaStorage.Double, 8),
            >= 128 and <= 255 => new DtaType(DtaStorage.Str, code - 127),
            _ => null,
        };
    }

    /// <summary>True for byte, int, long, float and double.</summary>
    public bool IsNumeric => Storage is not (DtaStorage.Str or DtaStorage.StrL);

    /// <summary>The type as Stata names it.</summary>
    public override string ToString() => Storage switch
    {
        DtaStorage.Str => $"str{Width}",
        DtaStorage.StrL => "strL",
        _ => Storage.ToString().ToLowerInvariant(),
    };

    /// <summary>The value of a numeric field; NaN when it is one of Stata's missing values.</summary>
    /// <param name="field">The field's bytes.</param>
    /// <param name="bigEndian">The file's byte order.</param>
    /// <param name="extendedMissing">True from format 113 on (27 missing codes per integer type).</param>
    public double Number(ReadOnlySpan<byte> field, bool bigEndian, bool extendedMissing)
    {
        switch (Storage)
        {
            case DtaStorage.Byte:
                sbyte b = unchecked((sbyte)field[0]);
                return (extendedMissing ? b > 100 : b == sbyte.MaxValue) ? double.NaN : b;
            case DtaStorage.Int:
                short s = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(field) : BinaryPrimitives.ReadInt16LittleEndian(field);
                return (extendedMissing ? s > 32740 : s == short.MaxValue) ? double.NaN : s;
            case DtaStorage.Long:
                int l = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(field) : BinaryPrimitives.ReadInt32LittleEndian(field);
                return (extendedMissing ? l > 2147483620 : l == int.MaxValue) ? double.NaN : l;
            case DtaStorage.Float:
                float f = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(field) : BinaryPrimitives.ReadSingleLittleEndian(field);
                return f < FloatMissing ? f : double.NaN;
            case DtaStorage.Double:
                double d = bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(field) : BinaryPrimitives.ReadDoubleLittleEndian(field);
                return d < DoubleMissing ? d : double.NaN;
            default:
                throw new InvalidOperationException($"{this} is not a numeric type");
        }
    }

    /// <summary>True when an integer value-label code stands for a missing value (labels of <c>.a</c> … are not levels).</summary>
    public static bool IsMissingLabelCode(int code, bool extendedMissing) => extendedMissing ? code > 2147483620 : code == int.MaxValue;
}
