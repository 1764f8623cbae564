using Multilevel.Design;
using Multilevel.Models;
using Multilevel.Models.Internals;
using Xunit;

namespace Multilevel.Tests.Models.Lmm;

/// <summary>
/// The Gram matrix is a sum over rows: built from rows in any chunking, or from aggregated sums (what a database's
/// GROUP BY queries return), it is the same, and so is the deviance.
/// </summary>
public class GramAccumulatorTests
{
    [Theory]
    [InlineData("sleepstudy_weighted_reml")]
    [InlineData("penicillin_crossed")]
    [InlineData("pastes_nested")]
    public void AggregatedSumsGiveTheSameDeviance(string name)
    {
        var model = ReferenceModels.Get(name);
        var design = model.Design();
        var fromRows = DesignGram.Build(design);
        var fromSums = FromAggregates(design);
        Assert.Equal(fromRows.Observations, fromSums.Observations);
        Assert.Equal(fromRows.SumLogWeights, fromSums.SumLogWeights, 1e-10);
        for (int i = 0; i < fromRows.Order; i++)
        {
            for (int j = 0; j <= i; j++) Assert.Equal(fromRows.Element(i, j), fromSums.Element(i, j), 1e-9 * (1 + Math.Abs(fromRows.Element(i, j))));
        }
        var theta = Fixtures.Reference(model.ReferenceFile).GetProperty("theta").Doubles();
        double a = ProfiledDeviance.Create(fromRows, model.Criterion).Evaluate(theta);
        double b = ProfiledDeviance.Create(fromSums, model.Criterion).Evaluate(theta);
        Assert.Equal(a, b, 1e-10 * Math.Abs(a));
    }

    [Fact]
    public void ChunksInAnyOrderGiveTheSameMatrix()
    {
        var design = ReferenceModels.Get("sleepstudy_crossed_days").Design();
        var reference = DesignGram.Build(design);
        var layout = DesignGram.Layout(design);
        var acc = new GramAccumulator(layout);
        // rows in reverse order, one at a time
        for (int r = design.Observations - 1; r >= 0; r--) AddRow(acc, design, r);
        var reversed = acc.Build();
        for (int i = 0; i < reference.Order; i++)
        {
            for (int j = 0; j <= i; j++) Assert.Equal(reference.Element(i, j), reversed.Element(i, j), 1e-9 * (1 + Math.Abs(reference.Element(i, j))));
        }
    }

    private static void AddRow(GramAccumulator acc, ModelDesign d, int r)
    {
        var terms = d.RandomEffects;
        var levels = terms.Select(t => t.Codes[r]).ToArray();
        var z = terms.SelectMany(t => t.Z.Slice(r * t.Q, t.Q).ToArray()).ToArray();
        var xy = Enumerable.Range(0, d.X.Columns).Select(j => d.X[r, j]).Append(d.Response.Values[r]).ToArray();
        acc.AddRows(1, levels, z, xy, d.Weights is null ? [] : [d.Weights[r]]);
    }

    /// <summary>Sums grouped by level, by level pair and overall, as GROUP BY queries would return them.</summary>
    private static GramMatrix FromAggregates(ModelDesign d)
    {
        var layout = DesignGram.Layout(d);
        var acc = new GramAccumulator(layout);
        int n = d.Observations, p1 = d.X.Columns + 1, k = d.RandomEffects.Count;
        double W(int r) => d.Weights?[r] ?? 1.0;
        double Xy(int r, int c) => c < p1 - 1 ? d.X[r, c] : d.Response.Values[r];
        for (int t = 0; t < k; t++)
        {
            var term = d.RandomEffects[t];
            int q = term.Q;
            foreach (var group in Enumerable.Range(0, n).GroupBy(r => term.Codes[r]))
            {
                var zz = new double[q * q];
                var xyz = new double[p1 * q];
                foreach (int r in group)
                {
                    for (int b = 0; b < q; b++)
                    {
                        for (int a = 0; a < q; a++) zz[b * q + a] += W(r) * term.Z[r * q + a] * term.Z[r * q + b];
                        for (int a = 0; a < p1; a++) xyz[b * p1 + a] += W(r) * Xy(r, a) * term.Z[r * q + b];
                    }
                }
                acc.AddLevel(t, group.Key, zz, xyz);
            }
            for (int u = 0; u < t; u++)
            {
                var other = d.RandomEffects[u];
                foreach (var group in Enumerable.Range(0, n).GroupBy(r => (term.Codes[r], other.Codes[r])))
                {
                    var cell = new double[q * other.Q];
                    foreach (int r in group)
                    {
                        for (int b = 0; b < other.Q; b++)
                        {
                            for (int a = 0; a < q; a++) cell[b * q + a] += W(r) * term.Z[r * q + a] * other.Z[r * other.Q + b];
                        }
                    }
                    acc.AddLevelPair(t, group.Key.Item1, u, group.Key.Item2, cell);
                }
            }
        }
        var xyxy = new double[p1 * p1];
        double logW = 0;
        for (int r = 0; r < n; r++)
        {
            for (int b = 0; b < p1; b++)
            {
                for (int a = 0; a < p1; a++) xyxy[b * p1 + a] += W(r) * Xy(r, a) * Xy(r, b);
            }
            logW += Math.Log(W(r));
        }
        acc.AddFixed(xyxy, n, logW);
        return acc.Build();
    }
}
