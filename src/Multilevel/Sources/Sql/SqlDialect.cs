using System.Globalization;
using System.Text;

namespace Multilevel.Sources.Sql;

/// <summary>
/// How one database writes what the fit needs: quoted identifiers, escaped text literals, doubles, the arithmetic of
/// formula expressions with IEEE semantics (NaN for an undefined value, ±Inf for an overflow or a division by zero,
/// as in memory), conditional counts, sums as one array per row and distinct values.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>A quoted identifier.</summary>
    public abstract string Identifier(string name);

    /// <summary>A table name, optionally qualified (<c>schema.table</c>, <c>database.table</c>): each part quoted.</summary>
    public string Table(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < name.Length - 1 ? Identifier(name[..dot]) + "." + Identifier(name[(dot + 1)..]) : Identifier(name);
    }

    /// <summary>A text literal, escaped.</summary>
    public abstract string Text(string value);

    /// <summary>A double literal.</summary>
    public abstract string Number(double value);

    /// <summary>A numeric column's value as a double (never NULL where the rows used are concerned).</summary>
    public abstract string NumberOf(SqlColumn column);

    /// <summary>A categorical column's value as text.</summary>
    public abstract string TextOf(SqlColumn column);

    /// <summary>True where the column is missing: NULL, or NaN in a floating-point column.</summary>
    public abstract string IsMissing(SqlColumn column);

    /// <summary>True where a double expression is NaN.</summary>
    public abstract string IsNaN(string expression);

    /// <summary>True where a double expression is ±Inf.</summary>
    public abstract string IsInfinite(string expression);

    /// <summary>True where a text expression does not read as a number (as the CSV reader would decide).</summary>
    public abstract string IsNotNumber(string text);

    public abstract string Log(string x);

    public abstract string Log2(string x);

    public abstract string Log10(string x);

    public abstract string Exp(string x);

    public abstract string Sqrt(string x);

    public abstract string Power(string x, string y);

    public abstract string Divide(string a, string b);

    public virtual string Abs(string x) => $"abs({x})";

    public virtual string Log1P(string x) => Log($"({Number(1)} + {x})");

    public virtual string Expm1(string x) => $"({Exp(x)} - {Number(1)})";

    /// <summary>A value chosen by conditions: <c>CASE WHEN c₁ THEN v₁ … ELSE otherwise END</c>.</summary>
    public string Case(IEnumerable<(string Condition, string Value)> branches, string otherwise)
    {
        var sb = new StringBuilder("CASE");
        foreach (var (c, v) in branches) sb.Append(" WHEN ").Append(c).Append(" THEN ").Append(v);
        return sb.Append(" ELSE ").Append(otherwise).Append(" END").ToString();
    }

    /// <summary>Number of rows.</summary>
    public abstract string Count();

    /// <summary>Number of rows where the condition holds.</summary>
    public abstract string CountIf(string condition);

    /// <summary>The sums of the expressions, as one array column.</summary>
    public abstract string Sums(IReadOnlyList<string> expressions);

    /// <summary>The sums of the expressions over the rows where the condition holds, as one array column.</summary>
    public abstract string SumsIf(IReadOnlyList<string> expressions, string condition);

    /// <summary>The distinct values of an expression where the condition holds, as one array column.</summary>
    public abstract string Distinct(string expression, string? condition, bool text);

    /// <summary>The sum of an expression where the condition holds (a double).</summary>
    public abstract string SumIf(string expression, string condition);

    /// <summary>Formats a double as the shortest text that reads back to it.</summary>
    protected static string Digits(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>PostgreSQL: functions that raise errors on undefined values (ln of a negative number, division by zero)
/// are guarded to give NaN or ±Inf as in memory.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    public override string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override string Text(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new SqlSourceException("a text value holds a NUL character, which PostgreSQL text cannot hold");
        return "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    public override string Number(double value) => double.IsNaN(value) ? "'NaN'::float8"
        : double.IsPositiveInfinity(value) ? "'Infinity'::float8"
        : double.IsNegativeInfinity(value) ? "'-Infinity'::float8"
        : $"'{Digits(value)}'::float8";

    public override string NumberOf(SqlColumn column) => $"CAST({Identifier(column.Name)} AS double precision)";

    public override string TextOf(SqlColumn column) =>
        column.Type == "boolean" ? $"CASE WHEN {Identifier(column.Name)} THEN 'TRUE' ELSE 'FALSE' END" : $"CAST({Identifier(column.Name)} AS text)";

    public override string IsMissing(SqlColumn column) => column.IsFloat
        ? $"({Identifier(column.Name)} IS NULL OR {Identifier(column.Name)} = 'NaN')"
        : $"({Identifier(column.Name)} IS NULL)";

    public override string IsNaN(string expression) => $"(({expression}) = 'NaN'::float8)";

    public override string IsInfinite(string expression) => $"(abs({expression}) = 'Infinity'::float8)";

    public override string IsNotNumber(string text) =>
        $"(({text}) !~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' AND lower(trim({text})) NOT IN ('inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity', 'nan'))";

    public override string Log(string x) =>
        $"CASE WHEN ({x}) > 0 THEN ln({x}) WHEN ({x}) = 0 THEN {Number(double.NegativeInfinity)} ELSE {Number(double.NaN)} END";

    public override string Log2(string x) => $"({Log(x)} / ln(2::float8))";

    public override string Log10(string x) =>
        $"CASE WHEN ({x}) > 0 THEN log({x}) WHEN ({x}) = 0 THEN {Number(double.NegativeInfinity)} ELSE {Number(double.NaN)} END";

    public override string Exp(string x) =>
        $"CASE WHEN ({x}) > 709.782712893384 THEN {Number(double.PositiveInfinity)} WHEN ({x}) < -745.1332191019412 THEN {Number(0)} " +
        $"WHEN ({x}) < -708 THEN exp(({x}) / 2) * exp(({x}) / 2) ELSE exp({x}) END";

    public override string Sqrt(string x) => $"CASE WHEN ({x}) >= 0 THEN sqrt({x}) ELSE {Number(double.NaN)} END";

    public override string Power(string x, string y) =>
        $"CASE WHEN ({x}) < 0 AND ({y}) <> floor({y}) THEN {Number(double.NaN)} WHEN ({x}) = 0 AND ({y}) < 0 THEN {Number(double.PositiveInfinity)} ELSE power({x}, {y}) END";

    public override string Divide(string a, string b) =>
        $"CASE WHEN ({b}) = 0 THEN (CASE WHEN ({a}) > 0 THEN {Number(double.PositiveInfinity)} WHEN ({a}) < 0 THEN {Number(double.NegativeInfinity)} ELSE {Number(double.NaN)} END) ELSE ({a}) / ({b}) END";

    public override string Count() => "count(*)";

    public override string CountIf(string condition) => $"count(*) FILTER (WHERE {condition})";

    public override string Sums(IReadOnlyList<string> expressions) =>
        "ARRAY[" + string.Join(", ", expressions.Select(e => $"sum({e})")) + "]::float8[]";

    public override string SumsIf(IReadOnlyList<string> expressions, string condition) =>
        "ARRAY[" + string.Join(", ", expressions.Select(e => $"sum({e}) FILTER (WHERE {condition})")) + "]::float8[]";

    public override string Distinct(string expression, string? condition, bool text) =>
        $"array_agg(DISTINCT {expression})" + (condition is null ? $" FILTER (WHERE ({expression}) IS NOT NULL)" : $" FILTER (WHERE {condition})");

    public override string SumIf(string expression, string condition) => $"coalesce(sum({expression}) FILTER (WHERE {condition}), 0)";
}

/// <summary>ClickHouse (tested with 18.16): IEEE arithmetic as is, <c>sumForEach</c> over an array of products.</summary>
internal sealed class ClickHouseDialect : SqlDialect
{
    public static ClickHouseDialect Instance { get; } = new();

    public override string Identifier(string name) => "`" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "`";

    public override string Text(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    public override string Number(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        string s = Digits(value);
        // a literal without a point or an exponent would be an integer type
        if (s.IndexOfAny(['.', 'E', 'e']) < 0) s += ".0";
        return value < 0 ? $"({s})" : s;
    }

    private string Plain(SqlColumn column) => column.IsNullable ? $"assumeNotNull({Identifier(column.Name)})" : Identifier(column.Name);

    public override string NumberOf(SqlColumn column) => $"toFloat64({Plain(column)})";

    public override string TextOf(SqlColumn column) => $"toString({Plain(column)})";

    public override string IsMissing(SqlColumn column)
    {
        var parts = new List<string>();
        if (column.IsNullable) parts.Add($"isNull({Identifier(column.Name)})");
        if (column.IsFloat) parts.Add($"isNaN({Identifier(column.Name)})");
        return parts.Count == 0 ? "0" : "(" + string.Join(" OR ", parts) + ")";
    }

    public override string IsNaN(string expression) => $"isNaN({expression})";

    public override string IsInfinite(string expression) => $"isInfinite({expression})";

    public override string IsNotNumber(string text) => $"isNull(toFloat64OrNull({text}))";

    public override string Log(string x) => $"log({x})";

    public override string Log2(string x) => $"log2({x})";

    public override string Log10(string x) => $"log10({x})";

    public override string Exp(string x) => $"exp({x})";

    public override string Sqrt(string x) => $"sqrt({x})";

    public override string Power(string x, string y) => $"pow({x}, {y})";

    public override string Divide(string a, string b) => $"(({a}) / ({b}))";

    public override string Count() => "count()";

    public override string CountIf(string condition) => $"countIf({condition})";

    public override string Sums(IReadOnlyList<string> expressions) => "sumForEach([" + string.Join(", ", expressions) + "])";

    public override string SumsIf(IReadOnlyList<string> expressions, string condition) =>
        "sumForEachIf([" + string.Join(", ", expressions) + $"], {condition})";

    public override string Distinct(string expression, string? condition, bool text) =>
        condition is null ? $"groupUniqArray({expression})" : $"groupUniqArrayIf({expression}, {condition})";

    public override string SumIf(string expression, string condition) => $"sumIf({expression}, {condition})";
}
