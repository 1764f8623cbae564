using System.Globalization;
using System.Text;
using Multilevel.Inference;

namespace Multilevel.Reporting;

/// <summary>The text report of <c>mlm hausman</c>: the coefficients compared, the test(s), the Mundlak
/// version and what the result means.</summary>
public static class HausmanReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders one or more Hausman tests of the same model (first the main one).</summary>
    public static string Render(string formula, string group, int nobs, int groups, IReadOnlyList<HausmanTest> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        var sb = new StringBuilder();
        sb.Append("Hausman test: fixed effects (within ").Append(group).Append(") against random effects\n");
        sb.Append("formula: ").Append(formula).Append("; ").Append(nobs).Append(" rows, ").Append(groups).Append(" groups of ").Append(group).Append("\n\n");
        foreach (var t in tests)
        {
            sb.Append("Random effects: ").Append(t.ReEstimator).Append('\n');
            int nw = Math.Max(8, t.Terms.Max(x => x.Term.Length));
            sb.Append(new string(' ', nw)).Append("   FE (within)        se   RE estimate        se    difference\n");
            foreach (var x in t.Terms)
            {
                sb.Append(x.Term.PadRight(nw))
                  .Append(x.Fe.ToString("F6", Inv).PadLeft(14)).Append(x.FeSe.ToString("F6", Inv).PadLeft(10))
                  .Append(x.Re.ToString("F6", Inv).PadLeft(14)).Append(x.ReSe.ToString("F6", Inv).PadLeft(10))
                  .Append((x.Fe - x.Re).ToString("F6", Inv).PadLeft(14)).Append('\n');
            }
            sb.Append("chisq = ").Append(t.ChiSquared.ToString("F4", Inv)).Append(", df = ").Append(t.Df)
              .Append(", p-value = ").Append(CFormat.G(t.PValue, 4)).Append('\n');
            if (t.Mundlak is { } m)
            {
                sb.Append("Mundlak (group means added to the random-effects model): ");
                sb.Append(string.Join(", ", m.Terms.Select(a => $"{a.Term} = {a.Estimate.ToString("F6", Inv)} ({a.StandardError.ToString("F6", Inv)})")));
                sb.Append("; Wald chisq = ").Append(m.ChiSquared.ToString("F4", Inv)).Append(", df = ").Append(m.Df)
                  .Append(", p-value = ").Append(CFormat.G(m.PValue, 4)).Append('\n');
            }
            foreach (var note in t.Notes) sb.Append("note: ").Append(note).Append('\n');
            sb.Append('\n');
        }
        var main = tests[0];
        sb.Append(main.PValue < 0.05
            ? "The fixed- and random-effects estimates differ more than chance allows (p < 0.05): the group effects are " +
              "correlated with the regressors, so the random-effects estimate is biased. Use the within (fixed-effects) " +
              "estimate, or add the group means of the regressors to the random-effects model (Mundlak).\n"
            : "The fixed- and random-effects estimates agree within chance (p ≥ 0.05): no evidence against the " +
              "random-effects assumption; the random-effects estimate is the more efficient one.\n");
        return sb.ToString();
    }
}
