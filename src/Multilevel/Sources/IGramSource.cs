using Multilevel.Design;
using Multilevel.Formulas;
using Multilevel.Models;

namespace Multilevel.Sources;

/// <summary>
/// Where the sums of a linear mixed model come from. A linear mixed model needs its data only through the Gram
/// matrix A = [Z X y]ᵀ W [Z X y] — counts, sums and cross-products per level of each grouping factor, per pair of
/// levels of two grouping factors, and of the fixed-effects columns — so the rows may stay where they are:
/// <list type="bullet">
/// <item><see cref="MemoryGramSource"/>: a frame in memory (the design step's matrices, summed in one pass);</item>
/// <item><see cref="StreamingGramSource"/>: a CSV or .dta file read in chunks of bounded size (memory independent of
/// the number of rows);</item>
/// <item><c>SqlGramSource</c>: a table in PostgreSQL or ClickHouse, summed by GROUP BY queries inside the
/// database (only the sums cross the network).</item>
/// </list>
/// Every source builds the same design as the in-memory path (R's column names, contrasts, interactions, <c>I()</c>,
/// <c>log</c>, rows with missing values dropped and counted), so the fits agree; a formula feature a source cannot
/// compute is an error that says why.
/// </summary>
public interface IGramSource
{
    /// <summary>Where the data is (a file, a database URL without its password, <c>memory</c>).</summary>
    string Description { get; }

    /// <summary>Computes the sums of the model of <paramref name="terms"/>.</summary>
    /// <param name="terms">The expanded formula.</param>
    /// <param name="options">Options of the design step (contrasts, weights, offset, rank tolerance …).</param>
    /// <param name="cancellationToken">Cancels the passes over the data.</param>
    GramDesign Accumulate(FormulaTerms terms, DesignOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>Helpers on <see cref="IGramSource"/>.</summary>
public static class GramSourceExtensions
{
    /// <summary>Parses and expands <paramref name="formula"/> and computes its sums.</summary>
    public static GramDesign Accumulate(this IGramSource source, string formula, DesignOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Accumulate(FormulaTerms.Parse(formula), options, cancellationToken);
    }

    /// <summary>Computes the sums and fits the linear mixed model (REML by default).</summary>
    public static LinearMixedModelFit FitLinearMixedModel(this IGramSource source, string formula, LinearMixedModelOptions options = default,
        DesignOptions? designOptions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var design = source.Accumulate(formula, designOptions, options.CancellationToken);
        return LinearMixedModel.Fit(design, options);
    }
}
