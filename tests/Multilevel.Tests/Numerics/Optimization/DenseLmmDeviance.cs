using System.Globalization;

namespace Multilevel.Tests.Numerics.Optimization;

/// <summary>
/// Test helper: the profiled deviance (ML) or REML criterion of a linear mixed model as a function of θ,
/// computed densely and plainly from the formulas of Bates et al. (2015, lme4 JSS paper, section 3):
/// with Λ(θ) block diagonal, M = [ΛᵀZᵀZΛ + I, ΛᵀZᵀX; XᵀZΛ, XᵀX] = L Lᵀ,
/// r² = yᵀy − ‖L⁻¹ [ΛᵀZᵀy; Xᵀy]‖²,
/// ML: d(θ) = 2 Σ log diag L_Z + n (1 + log(2π r²/n)),
/// REML: d(θ) = 2 Σ log diag L_Z + 2 Σ log diag L_X + (n − p)(1 + log(2π r²/(n − p))).
/// It is independent of the library's mixed-model code, so that the optimisers can be tested on the
/// real objective against R's reference fits.
/// </summary>
internal sealed class DenseLmmDeviance
{
    private readonly int n, p, q;
    private readonly double[] ztz, ztx, xtx, zty, xty;
    private readonly double yty;
    private readonly bool reml;
    private readonly List<(int Offset, int Levels, int K)> blocks = new();

    /// <summary>Number of θ parameters.</summary>
    public int ThetaLength { get; }

    /// <summary>lme4's lower bounds: 0 on the diagonal of each factor, −∞ below it.</summary>
    public double[] Lower { get; }

    /// <summary>lme4's start: 1 on the diagonal, 0 below it.</summary>
    public double[] Start { get; }

    public int Evaluations { get; private set; }

    /// <param name="y">Response.</param>
    /// <param name="x">Fixed-effects model matrix, row-major rows.</param>
    /// <param name="terms">Per term: the group of each row, the number of groups and the k values of each row.</param>
    public DenseLmmDeviance(double[] y, double[][] x, IReadOnlyList<(int[] Group, int Levels, double[][] Values)> terms, bool reml)
    {
        n = y.Length;
        p = x[0].Length;
        this.reml = reml;
        int offset = 0;
        var lower = new List<double>();
        var start = new List<double>();
        foreach (var t in terms)
        {
            int k = t.Values[0].Length;
            blocks.Add((offset, t.Levels, k));
            offset += t.Levels * k;
            for (int j = 0; j < k; j++)
            {
                for (int i = j; i < k; i++)
                {
                    lower.Add(i == j ? 0 : double.NegativeInfinity);
                    start.Add(i == j ? 1 : 0);
                }
            }
        }
        q = offset;
        ThetaLength = lower.Count;
        Lower = lower.ToArray();
        Start = start.ToArray();
        // Sparse rows of Z: (column, value) pairs.
        var zrows = new List<(int Col, double Val)>[n];
        for (int r = 0; r < n; r++)
        {
            zrows[r] = new List<(int, double)>();
            for (int b = 0; b < terms.Count; b++)
            {
                var (off, _, k) = blocks[b];
                int g = terms[b].Group[r];
                for (int j = 0; j < k; j++) zrows[r].Add((off + g * k + j, terms[b].Values[r][j]));
            }
        }
        ztz = new double[q * q];
        ztx = new double[q * p];
        xtx = new double[p * p];
        zty = new double[q];
        xty = new double[p];
        for (int r = 0; r < n; r++)
        {
            foreach (var (c1, v1) in zrows[r])
            {
                foreach (var (c2, v2) in zrows[r]) ztz[c2 * q + c1] += v1 * v2;
                for (int j = 0; j < p; j++) ztx[j * q + c1] += v1 * x[r][j];
                zty[c1] += v1 * y[r];
            }
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++) xtx[j * p + i] += x[r][i] * x[r][j];
                xty[i] += x[r][i] * y[r];
            }
            yty += y[r] * y[r];
        }
    }

    /// <summary>The objective at θ.</summary>
    public double Evaluate(double[] theta)
    {
        Evaluations++;
        // Λ (q × q), block diagonal with one lower-triangular k × k block per level.
        var lambda = new double[q * q];
        int ti = 0;
        foreach (var (off, levels, k) in blocks)
        {
            var tri = new double[k * k];
            for (int j = 0; j < k; j++)
            {
                for (int i = j; i < k; i++) tri[j * k + i] = theta[ti++];
            }
            for (int g = 0; g < levels; g++)
            {
                for (int j = 0; j < k; j++)
                {
                    for (int i = j; i < k; i++) lambda[(off + g * k + j) * q + off + g * k + i] = tri[j * k + i];
                }
            }
        }
        int s = q + p;
        var mat = new double[s * s];
        // ΛᵀZᵀZΛ + I
        var tmp = new double[q * q]; // ZᵀZ Λ
        for (int j = 0; j < q; j++)
        {
            for (int l = 0; l < q; l++)
            {
                double lv = lambda[j * q + l];
                if (lv == 0) continue;
                for (int i = 0; i < q; i++) tmp[j * q + i] += ztz[l * q + i] * lv;
            }
        }
        for (int j = 0; j < q; j++)
        {
            for (int i = 0; i < q; i++)
            {
                double sum = 0;
                for (int l = 0; l < q; l++) sum += lambda[i * q + l] * tmp[j * q + l];
                mat[j * s + i] = sum + (i == j ? 1 : 0);
            }
        }
        // ΛᵀZᵀX and XᵀX
        for (int j = 0; j < p; j++)
        {
            for (int i = 0; i < q; i++)
            {
                double sum = 0;
                for (int l = 0; l < q; l++) sum += lambda[i * q + l] * ztx[j * q + l];
                mat[(q + j) * s + i] = sum;
                mat[i * s + q + j] = sum;
            }
            for (int i = 0; i < p; i++) mat[(q + j) * s + q + i] = xtx[j * p + i];
        }
        var rhs = new double[s];
        for (int i = 0; i < q; i++)
        {
            double sum = 0;
            for (int l = 0; l < q; l++) sum += lambda[i * q + l] * zty[l];
            rhs[i] = sum;
        }
        for (int i = 0; i < p; i++) rhs[q + i] = xty[i];
        // Cholesky (lower) and forward solve.
        for (int j = 0; j < s; j++)
        {
            double d = mat[j * s + j];
            for (int t = 0; t < j; t++) d -= mat[t * s + j] * mat[t * s + j];
            if (!(d > 0)) return double.NaN;
            d = Math.Sqrt(d);
            mat[j * s + j] = d;
            for (int i = j + 1; i < s; i++)
            {
                double v = mat[j * s + i];
                for (int t = 0; t < j; t++) v -= mat[t * s + i] * mat[t * s + j];
                mat[j * s + i] = v / d;
            }
        }
        for (int j = 0; j < s; j++)
        {
            double v = rhs[j];
            for (int t = 0; t < j; t++) v -= mat[t * s + j] * rhs[t];
            rhs[j] = v / mat[j * s + j];
        }
        double r2 = yty;
        for (int j = 0; j < s; j++) r2 -= rhs[j] * rhs[j];
        double logdetZ = 0, logdetX = 0;
        for (int j = 0; j < q; j++) logdetZ += Math.Log(mat[j * s + j]);
        for (int j = q; j < s; j++) logdetX += Math.Log(mat[j * s + j]);
        if (!reml) return 2 * logdetZ + n * (1 + Math.Log(2 * Math.PI * r2 / n));
        int dof = n - p;
        return 2 * logdetZ + 2 * logdetX + dof * (1 + Math.Log(2 * Math.PI * r2 / dof));
    }

    // ---------------------------------------------------------------------------------------------
    // Fixture models

    private static (string[] Header, List<string[]> Rows) ReadCsv(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "data", name);
        var lines = File.ReadAllLines(path);
        string[] Split(string line) => line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();
        return (Split(lines[0]), lines.Skip(1).Where(l => l.Length > 0).Select(Split).ToList());
    }

    private static (int[] Codes, int Levels) Factor(IEnumerable<string> values)
    {
        var list = values.ToList();
        var levels = list.Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
        var index = levels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
        return (list.Select(v => index[v]).ToArray(), levels.Count);
    }

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Reaction ~ Days + (Days|Subject) (θ: 3) or (Days||Subject) (θ: 2).</summary>
    public static DenseLmmDeviance Sleepstudy(bool reml, bool correlated = true)
    {
        var (h, rows) = ReadCsv("sleepstudy.csv");
        int iy = Array.IndexOf(h, "Reaction"), id = Array.IndexOf(h, "Days"), isub = Array.IndexOf(h, "Subject");
        var y = rows.Select(r => Num(r[iy])).ToArray();
        var days = rows.Select(r => Num(r[id])).ToArray();
        var x = days.Select(d => new[] { 1.0, d }).ToArray();
        var (g, levels) = Factor(rows.Select(r => r[isub]));
        var terms = correlated
            ? new List<(int[], int, double[][])> { (g, levels, days.Select(d => new[] { 1.0, d }).ToArray()) }
            : new List<(int[], int, double[][])> { (g, levels, days.Select(_ => new[] { 1.0 }).ToArray()), (g, levels, days.Select(d => new[] { d }).ToArray()) };
        return new DenseLmmDeviance(y, x, terms, reml);
    }

    /// <summary>
    /// Simulated y ~ 1 + x1 + x2 + x3 + (1 + x1 + x2 + x3 | g): 20 groups of 15, a 4 × 4 random-effects
    /// covariance (θ: 10), its factor's last <paramref name="zeroColumns"/> columns zero (a singular truth).
    /// </summary>
    public static DenseLmmDeviance SimulatedVectorTerm(int seed, int zeroColumns, bool reml)
    {
        var rng = new Random(seed);
        double Normal()
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        const int groups = 20, per = 15, k = 4;
        double[,] factor = { { 1.0, 0, 0, 0 }, { 0.3, 0.6, 0, 0 }, { -0.2, 0.1, 0.4, 0 }, { 0.1, 0.2, -0.1, 0.3 } };
        for (int c = k - zeroColumns; c < k; c++)
        {
            for (int r = 0; r < k; r++) factor[r, c] = 0;
        }
        var y = new List<double>();
        var x = new List<double[]>();
        var g = new List<int>();
        for (int j = 0; j < groups; j++)
        {
            var e = Enumerable.Range(0, k).Select(_ => Normal()).ToArray();
            var b = Enumerable.Range(0, k).Select(r => Enumerable.Range(0, k).Sum(c => factor[r, c] * e[c])).ToArray();
            for (int i = 0; i < per; i++)
            {
                var row = new[] { 1.0, Normal(), Normal(), Normal() };
                y.Add(2 + 0.5 * row[1] - 0.3 * row[2] + 0.2 * row[3] + Enumerable.Range(0, k).Sum(t => b[t] * row[t]) + 0.8 * Normal());
                x.Add(row);
                g.Add(j);
            }
        }
        return new DenseLmmDeviance(y.ToArray(), x.ToArray(), new List<(int[], int, double[][])> { (g.ToArray(), groups, x.ToArray()) }, reml);
    }

    /// <summary>Yield ~ 1 + (1|Batch) on dyestuff.csv or dyestuff2.csv (θ: 1).</summary>
    public static DenseLmmDeviance Dyestuff(bool reml, string file = "dyestuff.csv")
    {
        var (h, rows) = ReadCsv(file);
        int iy = Array.IndexOf(h, "Yield"), ib = Array.IndexOf(h, "Batch");
        var y = rows.Select(r => Num(r[iy])).ToArray();
        var (g, levels) = Factor(rows.Select(r => r[ib]));
        return new DenseLmmDeviance(y, y.Select(_ => new[] { 1.0 }).ToArray(),
            new List<(int[], int, double[][])> { (g, levels, y.Select(_ => new[] { 1.0 }).ToArray()) }, reml);
    }

    /// <summary>diameter ~ 1 + (1|plate) + (1|sample) (θ: 2, crossed).</summary>
    public static DenseLmmDeviance Penicillin(bool reml)
    {
        var (h, rows) = ReadCsv("penicillin.csv");
        int iy = Array.IndexOf(h, "diameter"), ip = Array.IndexOf(h, "plate"), isa = Array.IndexOf(h, "sample");
        var y = rows.Select(r => Num(r[iy])).ToArray();
        var (gp, lp) = Factor(rows.Select(r => r[ip]));
        var (gs, ls) = Factor(rows.Select(r => r[isa]));
        var ones = y.Select(_ => new[] { 1.0 }).ToArray();
        return new DenseLmmDeviance(y, ones, new List<(int[], int, double[][])> { (gp, lp, ones), (gs, ls, ones) }, reml);
    }

    /// <summary>strength ~ 1 + (1|batch/cask) (θ: 2, nested; lme4 order cask:batch then batch).</summary>
    public static DenseLmmDeviance Pastes(bool reml)
    {
        var (h, rows) = ReadCsv("pastes.csv");
        int iy = Array.IndexOf(h, "strength"), ib = Array.IndexOf(h, "batch"), ic = Array.IndexOf(h, "cask");
        var y = rows.Select(r => Num(r[iy])).ToArray();
        var (gc, lc) = Factor(rows.Select(r => r[ic] + ":" + r[ib]));
        var (gb, lb) = Factor(rows.Select(r => r[ib]));
        var ones = y.Select(_ => new[] { 1.0 }).ToArray();
        return new DenseLmmDeviance(y, ones, new List<(int[], int, double[][])> { (gc, lc, ones), (gb, lb, ones) }, reml);
    }
}
