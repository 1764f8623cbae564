namespace Multilevel.Data.Stata;

/// <summary>
/// Reads Stata .dta files, formats 110–115 and 117–119 (Stata 7–18), either byte order. Numeric variables (byte, int,
/// long, float, double) become numeric columns, or categorical ones when a value-label set is attached (levels in
/// label-code order); str# and strL variables become categorical columns. Stata's missing values <c>.</c> and
/// <c>.a</c>–<c>.z</c>, and the empty string, are missing. No frame is returned from a file with an error.
/// </summary>
public static class StataFile
{
    /// <summary>Reads a .dta file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="schema">Columns to make categorical, and their levels (matched against labels for a labelled
    /// variable, else against the numbers).</param>
    /// <exception cref="DataFormatException">The file cannot be read, is not a .dta file, or is damaged.</exception>
    public static Frame Read(string path, FrameSchema? schema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"cannot be opened: {e.Message}", path);
        }
        using (stream) return Read(stream, path, schema);
    }

    /// <summary>Reads a .dta stream from its current position to its end (the stream is not disposed).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="source">The name to use in messages.</param>
    /// <param name="schema">Columns to make categorical, and their levels.</param>
    public static Frame Read(Stream stream, string source, FrameSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Frame frame;
        try
        {
            frame = DtaReader.Read(stream, source);
        }
        catch (IOException e)
        {
            throw new DataFormatException($"cannot be read: {e.Message}", source);
        }
        schema ??= FrameSchema.Empty;
        schema.CheckColumns([.. frame.ColumnNames]);
        return schema.Apply(frame, source);
    }
}
