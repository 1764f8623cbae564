using System.Globalization;
using System.Text;
using Multilevel.Data;

namespace Multilevel.Simulation;

/// <summary>A simulated data set: named columns of equal length (all numeric), and the design and seed that made it.</summary>
/// <param name="Name">The scenario's name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Design">The design simulated.</param>
/// <param name="Columns">Column names in output order.</param>
/// <param name="Values">One array per column.</param>
public sealed record SimulatedData(string Name, ulong Seed, TwoLevelDesign Design, IReadOnlyList<string> Columns, IReadOnlyList<double[]> Values)
{
    /// <summary>Number of rows.</summary>
    public int Rows => Values.Count == 0 ? 0 : Values[0].Length;

    /// <summary>The data as CSV (header row; numbers in R's shortest round-trip form; group and unit as integers).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns).Append('\n');
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns.Count; c++)
            {
                if (c > 0) sb.Append(',');
                sb.Append(Values[c][r].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The data as a frame (group column categorical, in numeric order), ready for a model.</summary>
    public Frame ToFrame()
    {
        var columns = new List<Column>();
        for (int c = 0; c < Columns.Count; c++)
        {
            if (Columns[c] == Design.GroupColumn)
            {
                var levels = Enumerable.Range(1, Design.Groups).Select(g => g.ToString(CultureInfo.InvariantCulture)).ToArray();
                columns.Add(new CategoricalColumn(Columns[c], [.. Values[c].Select(v => (int)v - 1)], levels));
            }
            else
            {
                columns.Add(new NumericColumn(Columns[c], Values[c]));
            }
        }
        return new Frame(columns);
    }
}

/// <summary>Draws data sets from a <see cref="TwoLevelDesign"/> with a seed (the same numbers on every platform).</summary>
public static class DesignSimulator
{
    /// <summary>Simulates the design with the seed.</summary>
    public static SimulatedData Simulate(TwoLevelDesign design, ulong seed, string name = "two-level")
    {
        ArgumentNullException.ThrowIfNull(design);
        Validate(design);
        var random = new RandomStream(seed);
        int groups = design.Groups, size = design.GroupSize, n = groups * size;
        var a = new double[groups];
        var b = new double[groups];
        var v = new double[groups];
        double t0 = design.InterceptSd, t1 = design.SlopeSd, rho = design.InterceptSlopeCorrelation;
        for (int j = 0; j < groups; j++)
        {
            double u1 = random.NextNormal(), u2 = random.NextNormal();
            a[j] = t0 * u1;
            b[j] = t1 * (rho * u1 + Math.Sqrt(1 - rho * rho) * u2);
            v[j] = random.NextNormal();
        }
        var group = new double[n];
        var unit = new double[n];
        var x = new double[n];
        for (int j = 0, i = 0; j < groups; j++)
        {
            for (int k = 0; k < size; k++, i++)
            {
                group[i] = j + 1;
                unit[i] = k + 1;
                double e = design.CovariateNoise == CovariateNoise.Normal
                    ? design.CovariateNoiseScale * random.NextNormal()
                    : random.NextUniform(-design.CovariateNoiseScale, design.CovariateNoiseScale);
                x[i] = design.CovariateMean + design.CovariateGroupSd * v[j] + design.CovariateOnIntercept * a[j] + e;
            }
        }
        double[]? w = null;
        if (design.GroupPredictor != GroupPredictor.None)
        {
            var wg = new double[groups];
            for (int j = 0; j < groups; j++)
            {
                if (design.GroupPredictor == GroupPredictor.GroupLevelOfX)
                {
                    wg[j] = v[j];
                }
                else
                {
                    double s = 0;
                    for (int k = 0; k < size; k++) s += x[j * size + k];
                    wg[j] = s / size;
                }
            }
            w = new double[n];
            for (int i = 0; i < n; i++) w[i] = wg[i / size];
        }
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            int j = i / size;
            double wi = w?[i] ?? 0;
            double eta = design.Intercept + design.Slope * x[i] + design.GroupPredictorEffect * wi + design.CrossLevelInteraction * wi * x[i] + a[j] + b[j] * x[i];
            y[i] = design.Family switch
            {
                SimulatedFamily.Gaussian => eta + design.ResidualSd * random.NextNormal(),
                SimulatedFamily.Binomial => random.NextBernoulli(1.0 / (1.0 + PortableMath.Exp(-eta))),
                _ => random.NextPoisson(PortableMath.Exp(eta)),
            };
        }
        var names = new List<string> { design.GroupColumn, design.UnitColumn, design.CovariateColumn };
        var values = new List<double[]> { group, unit, x };
        if (w is not null)
        {
            names.Add(design.GroupPredictorColumn);
            values.Add(w);
        }
        names.Add(design.ResponseColumn);
        values.Add(y);
        if (design.IncludeTruth)
        {
            names.Add("true_intercept");
            values.Add([.. Enumerable.Range(0, n).Select(i => a[i / size])]);
            if (design.SlopeSd > 0)
            {
                names.Add("true_slope");
                values.Add([.. Enumerable.Range(0, n).Select(i => b[i / size])]);
            }
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException($"the design's column names repeat: {string.Join(", ", names)}", nameof(design));
        }
        return new SimulatedData(name, seed, design, names, values);
    }

    private static void Validate(TwoLevelDesign d)
    {
        if (d.Groups < 1) throw new ArgumentOutOfRangeException(nameof(d), $"the number of groups must be at least 1; it is {d.Groups}");
        if (d.GroupSize < 1) throw new ArgumentOutOfRangeException(nameof(d), $"the group size must be at least 1; it is {d.GroupSize}");
        if ((long)d.Groups * d.GroupSize > 100_000_000) throw new ArgumentOutOfRangeException(nameof(d), $"{(long)d.Groups * d.GroupSize} rows is more than this simulator writes (100,000,000)");
        if (!(d.InterceptSd >= 0) || !(d.SlopeSd >= 0) || !(d.ResidualSd >= 0) || !(d.CovariateNoiseScale >= 0) || !(d.CovariateGroupSd >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(d), "standard deviations and the noise scale must be non-negative numbers");
        }
        if (!(Math.Abs(d.InterceptSlopeCorrelation) <= 1)) throw new ArgumentOutOfRangeException(nameof(d), $"the correlation must lie in [−1, 1]; it is {d.InterceptSlopeCorrelation}");
    }
}
