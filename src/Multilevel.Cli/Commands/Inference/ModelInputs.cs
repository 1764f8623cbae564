using Multilevel.Data;
using Multilevel.Design;
using Multilevel.Formulas;

namespace Multilevel.Cli.Commands.Inference;

/// <summary>Designs of linear models (mixed or OLS) from formula text, for the inference commands.</summary>
internal static class ModelInputs
{
    /// <summary>The design of one formula on the data: a numeric response; random-effects terms allowed; no absorbed factors.</summary>
    public static ModelDesign Linear(string formula, Frame frame, string? weights)
    {
        var terms = FormulaTerms.Parse(formula);
        if (terms.Absorbed.Count > 0)
        {
            throw new UsageException($"'{formula}': absorbed fixed effects ('| g' outside parentheses) have no likelihood to compare; write the factor as a fixed effect, factor(g), or as a random effect (1|g)");
        }
        return DesignBuilder.Build(terms, frame, new DesignOptions { Response = ResponseKind.Numeric, Weights = weights });
    }
}
