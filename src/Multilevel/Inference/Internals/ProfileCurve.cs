namespace Multilevel.Inference.Internals;

/// <summary>
/// Finds where a profile ζ(x) = sign(x − x̂) √(d(x) − d(x̂)) crosses ±z, on each side of the estimate x̂, within
/// the parameter's bounds. Steps outward by linear extrapolation of ζ (which is nearly linear in x) until the
/// crossing is bracketed, then solves ζ(x) = ±z by Brent's method to a relative tolerance of 1e-9 in x. Where ζ
/// does not reach ±z before a bound, the bound is the endpoint (lme4 reports the bound there as well).
/// </summary>
internal static class ProfileCurve
{
    public const int MaxEvaluationsPerSide = 80;

    /// <param name="zeta">ζ at x; may return NaN where the profile cannot be computed.</param>
    /// <param name="estimate">x̂ (ζ = 0 there).</param>
    /// <param name="lower">Lower bound of x.</param>
    /// <param name="upper">Upper bound of x.</param>
    /// <param name="step">A first step: about a fifth of the expected half-width.</param>
    /// <param name="z">The crossing level (1.96 for 95%).</param>
    public static (double Lower, double Upper) Interval(Func<double, double> zeta, double estimate, double lower, double upper, double step, double z)
    {
        double lo = Side(zeta, estimate, lower, upper, step, z, -1);
        double hi = Side(zeta, estimate, lower, upper, step, z, +1);
        return (lo, hi);
    }

    private static double Side(Func<double, double> zeta, double estimate, double lower, double upper, double step, double z, int sign)
    {
        double bound = sign < 0 ? lower : upper;
        if (estimate == bound) return bound;
        double target = sign * z;
        double x0 = estimate, z0 = 0;
        double h = Math.Abs(step);
        if (!(h > 0)) h = 1e-3 * Math.Max(1.0, Math.Abs(estimate));
        double x1 = Clamp(estimate + sign * h, lower, upper);
        double z1 = zeta(x1);
        int evaluations = 1;
        while (true)
        {
            if (double.IsNaN(z1)) return double.NaN;
            if (sign * z1 >= z) return Solve(zeta, x0, z0, x1, z1, target, ref evaluations);
            if (x1 == bound) return bound;
            if (evaluations >= MaxEvaluationsPerSide) return double.NaN;
            double dx = x1 - x0;
            double dz = z1 - z0;
            double next;
            if (sign * dz > 0)
            {
                // linear extrapolation to the target, overshooting by 10 % so as to bracket it
                double needed = (target - z1) * dx / dz * 1.1;
                double growth = Math.Abs(needed) / Math.Abs(dx);
                if (growth > 8) needed = sign * 8 * Math.Abs(dx);
                if (growth < 0.05) needed = sign * 0.05 * Math.Abs(dx);
                next = x1 + needed;
            }
            else
            {
                next = x1 + 2 * dx;
            }
            next = Clamp(next, lower, upper);
            x0 = x1;
            z0 = z1;
            x1 = next;
            z1 = zeta(x1);
            evaluations++;
        }
    }

    private static double Clamp(double x, double lower, double upper) => Math.Min(upper, Math.Max(lower, x));

    /// <summary>Brent's root finder for ζ(x) = target on [a, b] with ζ(a), ζ(b) on either side.</summary>
    private static double Solve(Func<double, double> zeta, double a, double za, double b, double zb, double target, ref int evaluations)
    {
        double fa = za - target, fb = zb - target;
        if (fa == 0) return a;
        if (fb == 0) return b;
        double c = a, fc = fa, d = b - a, e = d;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            if (Math.Sign(fb) == Math.Sign(fc))
            {
                c = a;
                fc = fa;
                d = b - a;
                e = d;
            }
            if (Math.Abs(fc) < Math.Abs(fb))
            {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }
            double tol = 1e-9 * Math.Max(Math.Abs(b), 1e-3) + 1e-14;
            double m = 0.5 * (c - b);
            if (Math.Abs(m) <= tol || fb == 0) return b;
            if (Math.Abs(e) >= tol && Math.Abs(fa) > Math.Abs(fb))
            {
                double s = fb / fa, p, q;
                if (a == c)
                {
                    p = 2 * m * s;
                    q = 1 - s;
                }
                else
                {
                    double r = fb / fc;
                    double t = fa / fc;
                    p = s * (2 * m * t * (t - r) - (b - a) * (r - 1));
                    q = (t - 1) * (r - 1) * (s - 1);
                }
                if (p > 0) q = -q;
                else p = -p;
                if (2 * p < Math.Min(3 * m * q - Math.Abs(tol * q), Math.Abs(e * q)))
                {
                    e = d;
                    d = p / q;
                }
                else
                {
                    d = m;
                    e = m;
                }
            }
            else
            {
                d = m;
                e = m;
            }
            a = b;
            fa = fb;
            b += Math.Abs(d) > tol ? d : Math.Sign(m) * tol;
            fb = zeta(b) - target;
            evaluations++;
            if (double.IsNaN(fb)) return double.NaN;
        }
        return b;
    }
}
