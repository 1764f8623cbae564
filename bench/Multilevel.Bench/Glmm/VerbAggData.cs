using System.Globalization;
using System.Text;
using Multilevel.Design;

namespace Multilevel.Bench.Glmm;

/// <summary>
/// A simulated data set with the structure of lme4's VerbAgg (verbal aggression): 316 persons × 24 items = 7,584
/// binary responses, items crossed from situation (4, two of them "self"), behaviour type (curse, scold, shout) and
/// mode (want, do); person covariates Anger (11–39) and Gender (F, M). Truth: person SD 1.3, item SD 0.5, fixed
/// effects of r2 ~ (Anger + Gender + btype + situ)^2. Deterministic (System.Random with a seed).
/// </summary>
internal sealed record VerbAggData(int[] Id, int[] Item, double[] Anger, string[] Gender, string[] Btype, string[] Situ, double[] R2)
{
    public const string Formula = "r2 ~ (Anger + Gender + btype + situ)^2 + (1|id) + (1|item)";

    public static VerbAggData Simulate(int seed = 20240601)
    {
        const int persons = 316, items = 24;
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var anger = new double[persons];
        var male = new bool[persons];
        var personEffect = new double[persons];
        for (int p = 0; p < persons; p++)
        {
            anger[p] = Math.Clamp(Math.Round(20 + 4.8 * Normal()), 11, 39);
            male[p] = rng.NextDouble() < 0.23;
            personEffect[p] = 1.3 * Normal();
        }
        var itemEffect = new double[items];
        for (int i = 0; i < items; i++) itemEffect[i] = 0.5 * Normal();
        string[] btypes = ["curse", "scold", "shout"];
        int n = persons * items;
        var data = new VerbAggData(new int[n], new int[n], new double[n], new string[n], new string[n], new string[n], new double[n]);
        int r = 0;
        for (int i = 0; i < items; i++)
        {
            int situation = i / 6;            // 4 situations; 0, 1 "other", 2, 3 "self"
            int b = i / 2 % 3;                // behaviour type
            bool self = situation >= 2;
            for (int p = 0; p < persons; p++)
            {
                double a = anger[p];
                double m = male[p] ? 1 : 0;
                double scold = b == 1 ? 1 : 0, shout = b == 2 ? 1 : 0, s = self ? 1 : 0;
                double eta = -1.2 + 0.06 * a + 0.25 * m - 0.9 * scold - 1.9 * shout - 1.0 * s
                    + 0.01 * a * m - 0.01 * a * scold + 0.005 * a * shout - 0.005 * a * s
                    + 0.25 * m * scold + 0.5 * m * shout + 0.1 * m * s + 0.2 * scold * s - 0.3 * shout * s
                    + personEffect[p] + itemEffect[i];
                data.Id[r] = p + 1;
                data.Item[r] = i + 1;
                data.Anger[r] = a;
                data.Gender[r] = male[p] ? "M" : "F";
                data.Btype[r] = btypes[b];
                data.Situ[r] = self ? "self" : "other";
                data.R2[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
                r++;
            }
        }
        return data;
    }

    public void ExportCsv(string path)
    {
        var sb = new StringBuilder("id,item,Anger,Gender,btype,situ,r2\n");
        for (int r = 0; r < Id.Length; r++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Id[r]},{Item[r]},{Anger[r]},{Gender[r]},{Btype[r]},{Situ[r]},{R2[r]}\n");
        }
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>The design of <see cref="Formula"/> with R's treatment coding and column names.</summary>
    public ModelDesign Design()
    {
        int n = Id.Length;
        var cols = new List<(string Name, double[] Values)>();
        double[] Col(Func<int, double> f) => [.. Enumerable.Range(0, n).Select(f)];
        var one = Col(_ => 1);
        var anger = Anger;
        var male = Col(i => Gender[i] == "M" ? 1 : 0);
        var scold = Col(i => Btype[i] == "scold" ? 1 : 0);
        var shout = Col(i => Btype[i] == "shout" ? 1 : 0);
        var self = Col(i => Situ[i] == "self" ? 1 : 0);
        double[] Times(double[] a, double[] b) => [.. a.Select((v, i) => v * b[i])];
        cols.Add(("(Intercept)", one));
        cols.Add(("Anger", anger));
        cols.Add(("GenderM", male));
        cols.Add(("btypescold", scold));
        cols.Add(("btypeshout", shout));
        cols.Add(("situself", self));
        cols.Add(("Anger:GenderM", Times(anger, male)));
        cols.Add(("Anger:btypescold", Times(anger, scold)));
        cols.Add(("Anger:btypeshout", Times(anger, shout)));
        cols.Add(("Anger:situself", Times(anger, self)));
        cols.Add(("GenderM:btypescold", Times(male, scold)));
        cols.Add(("GenderM:btypeshout", Times(male, shout)));
        cols.Add(("GenderM:situself", Times(male, self)));
        cols.Add(("btypescold:situself", Times(scold, self)));
        cols.Add(("btypeshout:situself", Times(shout, self)));
        var x = new double[n * cols.Count];
        for (int j = 0; j < cols.Count; j++) cols[j].Values.CopyTo(x, j * n);
        var idLevels = Enumerable.Range(1, Id.Max()).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var itemLevels = Enumerable.Range(1, Item.Max()).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new ModelDesign
        {
            FormulaText = Formula,
            Response = new Response("r2", (double[])R2.Clone()),
            X = new FixedEffectsMatrix(x, n, [.. cols.Select(c => c.Name)]),
            RandomEffects =
            [
                new ReTerm("id", idLevels, [.. Id.Select(i => i - 1)], ["(Intercept)"], one),
                new ReTerm("item", itemLevels, [.. Item.Select(i => i - 1)], ["(Intercept)"], (double[])one.Clone()),
            ],
            RowsInData = n,
            RowIndex = [.. Enumerable.Range(0, n)],
        };
    }
}
