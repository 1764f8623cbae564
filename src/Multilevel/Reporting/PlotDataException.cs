namespace Multilevel.Reporting;

/// <summary>
/// The data handed to a plot or report cannot be drawn: arrays of different lengths, a group code outside the
/// levels, nothing finite to draw. The message names the argument and the offending value.
/// </summary>
public class PlotDataException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    public PlotDataException() { }

    /// <summary>Creates the exception with a message.</summary>
    public PlotDataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PlotDataException(string message, Exception inner) : base(message, inner) { }
}
