namespace Multilevel.Tests.Numerics.Optimization;

/// <summary>Standard test functions with known minima, shared by the optimiser tests.</summary>
internal static class TestProblems
{
    public static double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();

    public static double[] NoLower(int n) => Fill(n, double.NegativeInfinity);

    public static double[] NoUpper(int n) => Fill(n, double.PositiveInfinity);

    /// <summary>Chained Rosenbrock function Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²; minimum 0 at (1, …, 1).</summary>
    public static double Rosenbrock(double[] x)
    {
        double s = 0;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /// <summary>The classic start (−1.2, 1, −1.2, 1, …).</summary>
    public static double[] RosenbrockStart(int n) => Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();

    /// <summary>
    /// Powell's test problem of the BOBYQA report ("Invdist2"): the sum of the reciprocals of the distances
    /// between the M = n/2 points P_i = (x_{2i−1}, x_{2i}) of the plane, each coordinate in [−1, 1],
    /// starting from equally spaced points on the unit circle.
    /// </summary>
    public static double InverseDistances(double[] x)
    {
        int points = x.Length / 2;
        double f = 0;
        for (int i = 1; i < points; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double dx = x[2 * i] - x[2 * j];
                double dy = x[2 * i + 1] - x[2 * j + 1];
                double dist = Math.Sqrt(dx * dx + dy * dy);
                f += 1 / Math.Max(dist, 1e-6);
            }
        }
        return f;
    }

    /// <summary>Start of <see cref="InverseDistances"/>: equally spaced points on the unit circle.</summary>
    public static double[] InverseDistancesStart(int n)
    {
        int points = n / 2;
        var x = new double[n];
        for (int i = 1; i <= points; i++)
        {
            double angle = 2 * Math.PI * i / points;
            x[2 * i - 2] = Math.Cos(angle);
            x[2 * i - 1] = Math.Sin(angle);
        }
        return x;
    }

    /// <summary>
    /// A deviance-like function of one parameter: f(θ) = Σ_i log(1 + c_i θ²) + N log(a + b / (1 + c θ²)), the
    /// shape of the profiled ML deviance of a one-way random-effects model (group sizes c_i, within and
    /// between sums of squares a and b).
    /// </summary>
    public static double DevianceLike(double theta, double[] ci, double c, double a, double b, int bigN)
    {
        double t2 = theta * theta;
        double s = 0;
        foreach (double cc in ci) s += Math.Log(1 + cc * t2);
        return s + bigN * Math.Log(a + b / (1 + c * t2));
    }

    /// <summary>Derivative of <see cref="DevianceLike"/> in θ, analytically.</summary>
    public static double DevianceLikeDerivative(double theta, double[] ci, double c, double a, double b, int bigN)
    {
        double t2 = theta * theta;
        double s = 0;
        foreach (double cc in ci) s += 2 * cc * theta / (1 + cc * t2);
        double u = 1 + c * t2;
        return s - bigN * b * 2 * c * theta / (u * u * (a + b / u));
    }

    /// <summary>Root of a continuous function with a sign change on [lo, hi], by bisection to the last bit.</summary>
    public static double Bisect(Func<double, double> g, double lo, double hi)
    {
        double glo = g(lo);
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            double gm = g(mid);
            if (gm == 0) return mid;
            if (Math.Sign(gm) == Math.Sign(glo))
            {
                lo = mid;
                glo = gm;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// A random positive-definite quadratic ½ xᵀA x + bᵀx in n dimensions (A = L Lᵀ with L random lower triangular around
    /// the identity; b large enough that some bounds of [−1, 1]ⁿ bind), the same for the same seed.
    /// </summary>
    public sealed record RandomQuadratic(double[,] A, double[] B)
    {
        public static RandomQuadratic Create(int seed, int n)
        {
            var rng = new Random(seed);
            var l = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++) l[i, j] = rng.NextDouble() - 0.5 + (i == j ? 1 : 0);
            }
            var a = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < n; k++) a[i, j] += l[i, k] * l[j, k];
                }
            }
            return new RandomQuadratic(a, [.. Enumerable.Range(0, n).Select(_ => 4 * (rng.NextDouble() - 0.5))]);
        }

        public double Value(double[] x)
        {
            double s = 0;
            for (int i = 0; i < B.Length; i++)
            {
                s += B[i] * x[i];
                for (int j = 0; j < B.Length; j++) s += 0.5 * x[i] * A[i, j] * x[j];
            }
            return s;
        }
    }

    /// <summary>
    /// Exact minimiser of ½ xᵀ A x + bᵀ x on the box [lower, upper] (A positive definite, small n): tries every
    /// assignment of each variable to free / lower / upper, solves the equations of the free variables and keeps
    /// the assignment that satisfies the Karush–Kuhn–Tucker conditions. Independent of the optimisers.
    /// </summary>
    public static double[] BoxQuadraticMinimum(double[,] a, double[] b, double[] lower, double[] upper)
    {
        int n = b.Length;
        int combos = (int)Math.Pow(3, n);
        for (int code = 0; code < combos; code++)
        {
            var state = new int[n]; // 0 free, 1 lower, 2 upper
            int c = code;
            for (int i = 0; i < n; i++)
            {
                state[i] = c % 3;
                c /= 3;
            }
            var x = new double[n];
            bool ok = true;
            for (int i = 0; i < n; i++)
            {
                if (state[i] == 1) x[i] = lower[i];
                if (state[i] == 2) x[i] = upper[i];
                if (state[i] != 0 && !double.IsFinite(x[i])) ok = false;
            }
            if (!ok) continue;
            var free = Enumerable.Range(0, n).Where(i => state[i] == 0).ToArray();
            int nf = free.Length;
            var m = new double[nf, nf + 1];
            for (int r = 0; r < nf; r++)
            {
                double rhs = -b[free[r]];
                for (int j = 0; j < n; j++)
                {
                    if (state[j] != 0) rhs -= a[free[r], j] * x[j];
                }
                for (int s = 0; s < nf; s++) m[r, s] = a[free[r], free[s]];
                m[r, nf] = rhs;
            }
            // Gaussian elimination with partial pivoting.
            for (int col = 0; col < nf; col++)
            {
                int piv = col;
                for (int r = col + 1; r < nf; r++)
                {
                    if (Math.Abs(m[r, col]) > Math.Abs(m[piv, col])) piv = r;
                }
                for (int s = 0; s <= nf; s++) (m[col, s], m[piv, s]) = (m[piv, s], m[col, s]);
                for (int r = col + 1; r < nf; r++)
                {
                    double f = m[r, col] / m[col, col];
                    for (int s = col; s <= nf; s++) m[r, s] -= f * m[col, s];
                }
            }
            for (int r = nf - 1; r >= 0; r--)
            {
                double v = m[r, nf];
                for (int s = r + 1; s < nf; s++) v -= m[r, s] * x[free[s]];
                x[free[r]] = v / m[r, r];
            }
            // Feasibility and multiplier signs.
            for (int i = 0; i < n && ok; i++)
            {
                double g = b[i];
                for (int j = 0; j < n; j++) g += a[i, j] * x[j];
                if (state[i] == 0) ok = x[i] >= lower[i] - 1e-14 && x[i] <= upper[i] + 1e-14;
                if (state[i] == 1) ok = g >= -1e-14;
                if (state[i] == 2) ok = g <= 1e-14;
            }
            if (ok) return x;
        }
        throw new InvalidOperationException("no KKT point found");
    }
}
