using System.Globalization;
using Multilevel.Design;
using Multilevel.Tests.Models.Lmm;

namespace Multilevel.Tests.Models.Glmm;

/// <summary>
/// The GLMM designs of the reference fits, built by hand from the fixture CSVs (X with R's treatment coding and
/// column names, random-effects terms in lme4's order) until the formula/design step is on main.
/// </summary>
internal static class GlmmDesigns
{
    public const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
    public const string GrouseFormula = "TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION)";
    public const string VotersFormula = "vote ~ income * state_income + (1 + income | state)";

    /// <summary>cbpp: cbind(incidence, size − incidence) ~ period + (1 | herd).</summary>
    public static ModelDesign Cbpp()
    {
        var d = HandDesign.Load("cbpp.csv").Response("incidence").Intercept()
            .Fixed("period2", r => r.Str("period") == "2" ? 1 : 0)
            .Fixed("period3", r => r.Str("period") == "3" ? 1 : 0)
            .Fixed("period4", r => r.Str("period") == "4" ? 1 : 0)
            .Random("herd", HandDesign.One)
            .Build(CbppFormula);
        var size = Column("cbpp.csv", "size", d.RowIndex);
        var incidence = d.Response.Values;
        return d with
        {
            Response = new Response("cbind(incidence, size - incidence)", [.. incidence.Select((y, i) => y / size[i])], size),
        };
    }

    /// <summary>grouseticks: TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION), Poisson.</summary>
    public static ModelDesign Grouseticks() =>
        HandDesign.Load("grouseticks.csv").Response("TICKS").Intercept()
            .Fixed("YEAR96", r => r.Str("YEAR") == "96" ? 1 : 0)
            .Fixed("YEAR97", r => r.Str("YEAR") == "97" ? 1 : 0)
            .Fixed("cHEIGHT")
            .Random("BROOD", HandDesign.One)
            .Random("INDEX", HandDesign.One)
            .Random("LOCATION", HandDesign.One)
            .Build(GrouseFormula);

    /// <summary>The slides' voters: vote ~ income * state_income + (1 + income | state), binomial 0/1.</summary>
    public static ModelDesign Voters() =>
        HandDesign.Load("voters.csv").Response("vote").Intercept()
            .Fixed("income")
            .Fixed("state_income")
            .Fixed("income:state_income", r => r.Num("income") * r.Num("state_income"))
            .Random("state", HandDesign.One, HandDesign.Col("income"))
            .Build(VotersFormula);

    /// <summary>cbpp with prior weights 1 + (herd mod 3) (as R's glmer(..., weights = w)).</summary>
    public static ModelDesign CbppWeighted()
    {
        var d = Cbpp();
        var herd = Column("cbpp.csv", "herd", d.RowIndex);
        return d with { Weights = [.. herd.Select(h => 1 + h % 3)] };
    }

    /// <summary>TICKS ~ YEAR + (1|BROOD) + (1|LOCATION) + offset(0.5 * cHEIGHT), Poisson.</summary>
    public static ModelDesign GrouseticksOffset()
    {
        var d = HandDesign.Load("grouseticks.csv").Response("TICKS").Intercept()
            .Fixed("YEAR96", r => r.Str("YEAR") == "96" ? 1 : 0)
            .Fixed("YEAR97", r => r.Str("YEAR") == "97" ? 1 : 0)
            .Random("BROOD", HandDesign.One)
            .Random("LOCATION", HandDesign.One)
            .Build("TICKS ~ YEAR + (1|BROOD) + (1|LOCATION) + offset(0.5 * cHEIGHT)");
        var h = Column("grouseticks.csv", "cHEIGHT", d.RowIndex);
        return d with { Offset = [.. h.Select(v => 0.5 * v)] };
    }

    /// <summary>TICKS ~ YEAR + cHEIGHT + (1|BROOD), Poisson (one grouping factor, for quadrature).</summary>
    public static ModelDesign GrouseticksBrood() =>
        HandDesign.Load("grouseticks.csv").Response("TICKS").Intercept()
            .Fixed("YEAR96", r => r.Str("YEAR") == "96" ? 1 : 0)
            .Fixed("YEAR97", r => r.Str("YEAR") == "97" ? 1 : 0)
            .Fixed("cHEIGHT")
            .Random("BROOD", HandDesign.One)
            .Build("TICKS ~ YEAR + cHEIGHT + (1|BROOD)");

    /// <summary>A numeric column of a fixture CSV at the given rows.</summary>
    public static double[] Column(string file, string column, int[] rows)
    {
        var lines = File.ReadAllLines(Fixtures.DataPath(file));
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToList();
        int c = header.IndexOf(column);
        return [.. rows.Select(r => double.Parse(lines[r + 1].Split(',')[c].Trim('"'), CultureInfo.InvariantCulture))];
    }
}
