namespace Multilevel.Models;

/// <summary>
/// A quantity that needs the rows (fitted values, residuals, the design matrices) was asked of a model fitted from
/// sums alone — rows streamed from a file or aggregated inside a database. The message says where the data is and
/// what to do instead.
/// </summary>
public class RowValuesUnavailableException : MultilevelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="quantity">What was asked for ("fitted values").</param>
    /// <param name="source">Where the data is.</param>
    public RowValuesUnavailableException(string quantity, string source)
        : base($"{quantity} are not available: this model was fitted from sums over the rows of {source} without holding the rows; " +
               "compute them where the data is from the estimates (fixed effects and conditional modes), or fit the data in memory")
    {
        Quantity = quantity;
        Source = source;
    }

    /// <summary>What was asked for.</summary>
    public string Quantity { get; }

    /// <summary>Where the data is.</summary>
    public new string Source { get; }
}
