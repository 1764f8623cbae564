using System.Text.Json;
using Multilevel.Design;
using Multilevel.Inference;
using Multilevel.Models.FixedEffects;
using Multilevel.Models.Linear;
using Xunit;
using static Multilevel.Tests.Models.Pooling.PoolingData;

namespace Multilevel.Tests.Models.Pooling;

/// <summary>iid, HC1 and CR1 (one- and two-way) against R's sandwich package (fixtures/reference/pooling/
/// hsb_sandwich.json, made by make_pooling_references.R), and the sandwich formulas written out by hand.</summary>
public class VarianceEstimatorTests
{
    private const double Tol = 1e-8;
    private static readonly Hsb Data = LoadHsb();
    private static readonly JsonElement Ref = Reference("pooling/hsb_sandwich.json");

    private static int[] C2 => Enumerable.Range(0, Data.N).Select(i => i % 37).ToArray();
    private static double[] W => Enumerable.Range(0, Data.N).Select(i => 1.0 + i % 3).ToArray();

    private static void Check(LinearModelFit fit, CoefficientCovariance v, JsonElement expected, string what)
    {
        var se = v.StandardErrors();
        foreach (var term in expected.EnumerateObject())
        {
            int j = fit.CoefficientNames.ToList().IndexOf(term.Name);
            Near(term.Value.GetProperty("se").GetDouble(), se[j], Tol, $"{what} {term.Name}");
        }
    }

    private static void CheckAll(LinearModelFit fit, JsonElement r)
    {
        var school = new ClusterVariable("schoolid", Data.School);
        var c2 = new ClusterVariable("c2", C2);
        Check(fit, VarianceEstimators.Iid(fit), r.GetProperty("iid"), "iid");
        Check(fit, VarianceEstimators.HC1(fit), r.GetProperty("HC1"), "HC1");
        Check(fit, VarianceEstimators.ClusterRobust(fit, [school]), r.GetProperty("CR1_schoolid"), "CR1(schoolid)");
        Check(fit, VarianceEstimators.ClusterRobust(fit, [c2]), r.GetProperty("CR1_c2"), "CR1(c2)");
        Check(fit, VarianceEstimators.ClusterRobust(fit, [school, c2]), r.GetProperty("CR1_schoolid_c2"), "CR1(schoolid,c2)");
    }

    [Fact]
    public void OlsMatchesSandwich()
    {
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses + sector", "mathach", Data.MathAch,
            [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses), ("sector", Data.Sector)]));
        CheckAll(fit, Ref.GetProperty("ols"));
    }

    [Fact]
    public void WlsMatchesSandwich()
    {
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses + sector", "mathach", Data.MathAch,
            [("(Intercept)", Ones(Data.N)), ("ses", Data.Ses), ("sector", Data.Sector)], weights: W));
        Assert.Equal("WLS", fit.Method);
        CheckAll(fit, Ref.GetProperty("wls"));
    }

    [Fact]
    public void LsdvByDummiesMatchesSandwich()
    {
        var cols = new List<(string, double[])> { ("(Intercept)", Ones(Data.N)), ("ses", Data.Ses) };
        cols.AddRange(Dummies(Data.School, Data.SchoolLevels, "factor(schoolid)"));
        var fit = LinearModel.Fit(MakeDesign("mathach ~ ses + factor(schoolid)", "mathach", Data.MathAch, cols));
        CheckAll(fit, Ref.GetProperty("lsdv"));
    }

    [Fact]
    public void AbsorbedSchoolEffectsMatchSandwichOnLsdvWithFixestsNestingRule()
    {
        var school = new AbsorbedFactor("schoolid", Data.SchoolLevels, Data.School);
        var fit = AbsorbedFixedEffects.Fit(MakeDesign("mathach ~ ses | schoolid", "mathach", Data.MathAch,
            [("ses", Data.Ses)], absorbed: [school]));
        var r = Ref.GetProperty("lsdv");
        int n = Data.N;
        // Not nested in the clusters: every parameter is counted, as vcovCL on the dummies does.
        Check(fit, VarianceEstimators.Iid(fit), r.GetProperty("iid"), "iid");
        Check(fit, VarianceEstimators.HC1(fit), r.GetProperty("HC1"), "HC1");
        Check(fit, VarianceEstimators.ClusterRobust(fit, [new ClusterVariable("c2", C2)]), r.GetProperty("CR1_c2"), "CR1(c2)");
        // Clustered by school, the school effects are nested in the clusters and not counted (fixest's
        // fixef.K = "nested"): K = 1 instead of 161, so V = V_sandwich · (n − 161) / (n − 1).
        double adj = Math.Sqrt((n - 161.0) / (n - 1.0));
        var schools = new ClusterVariable("schoolid", Data.School);
        var v = VarianceEstimators.ClusterRobust(fit, [schools]);
        Near(r.GetProperty("CR1_schoolid").GetProperty("ses").GetProperty("se").GetDouble() * adj, v.StandardErrors()[0], Tol, "CR1(schoolid) nested");
        Assert.Equal(159, v.DegreesOfFreedom);
        var v2 = VarianceEstimators.ClusterRobust(fit, [schools, new ClusterVariable("c2", C2)]);
        Near(r.GetProperty("CR1_schoolid_c2").GetProperty("ses").GetProperty("se").GetDouble() * adj, v2.StandardErrors()[0], Tol, "CR1(schoolid,c2) nested");
        Assert.Equal(36, v2.DegreesOfFreedom);
        Assert.Equal("CR1(schoolid,c2)", v2.Type);
    }

    [Fact]
    public void HandComputedSandwichOnASmallProblem()
    {
        // y = b0 + b1 x, n = 6, clusters {0,0,1,1,2,2}. Everything written out from the formulas.
        double[] x = [1, 2, 4, 5, 7, 8];
        double[] y = [1, 3, 2, 6, 5, 9];
        int[] g = [0, 0, 1, 1, 2, 2];
        int n = 6;
        var fit = LinearModel.Fit(MakeDesign("y ~ x", "y", y, [("(Intercept)", Ones(n)), ("x", x)]));
        double xb = x.Average(), sxx = x.Sum(v => (v - xb) * (v - xb));
        // (XᵀX)⁻¹ = [[Σx²/(n Sxx), −x̄/Sxx], [−x̄/Sxx, 1/Sxx]]
        double[,] bread = { { x.Sum(v => v * v) / (n * sxx), -xb / sxx }, { -xb / sxx, 1 / sxx } };
        var e = fit.Residuals;
        double[,] Sandwich(double[,] meat)
        {
            var r = new double[2, 2];
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    for (int c = 0; c < 2; c++)
                        for (int d = 0; d < 2; d++) r[a, b] += bread[a, c] * meat[c, d] * bread[d, b];
            return r;
        }
        var hc0 = new double[2, 2];
        for (int i = 0; i < n; i++)
        {
            double[] s = [e[i], e[i] * x[i]];
            for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) hc0[a, b] += s[a] * s[b];
        }
        var vh = Sandwich(hc0);
        var hc1 = VarianceEstimators.HC1(fit);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) Near(vh[a, b] * n / (n - 2.0), hc1[a, b], 1e-12, $"HC1[{a},{b}]");
        var cm = new double[2, 2];
        for (int c = 0; c < 3; c++)
        {
            double s0 = 0, s1 = 0;
            for (int i = 0; i < n; i++) if (g[i] == c) { s0 += e[i]; s1 += e[i] * x[i]; }
            double[] s = [s0, s1];
            for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) cm[a, b] += s[a] * s[b];
        }
        var vc = Sandwich(cm);
        var cr1 = VarianceEstimators.ClusterRobust(fit, [new ClusterVariable("g", g)]);
        double adj = 3.0 / 2 * (n - 1.0) / (n - 2);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) Near(vc[a, b] * adj, cr1[a, b], 1e-12, $"CR1[{a},{b}]");
        Assert.Equal(2, cr1.DegreesOfFreedom);
    }
}
