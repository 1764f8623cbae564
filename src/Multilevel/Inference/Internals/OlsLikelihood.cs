using Multilevel.Design;

namespace Multilevel.Inference.Internals;

/// <summary>
/// The maximum-likelihood log-likelihood of a linear model without random effects, as R's <c>logLik.lm</c>:
/// ½ (Σ log w − n (log 2π + 1 − log n + log Σ w r²)), with p + 1 parameters. The residual sum of squares is the
/// square of the last pivot of the Cholesky factor of [X y]ᵀ W [X y].
/// </summary>
internal static class OlsLikelihood
{
    public static (double LogLikelihood, int Parameters, int Observations) Compute(ModelDesign design)
    {
        int n = design.Observations;
        int p = design.X.Columns;
        int p1 = p + 1;
        var a = new double[p1 * p1];
        var x = design.X;
        var y = design.Response.Values;
        var w = design.Weights;
        var off = design.Offset;
        double sumLogW = 0;
        int used = 0;
        for (int i = 0; i < n; i++)
        {
            double wi = w is null ? 1 : w[i];
            if (wi > 0)
            {
                sumLogW += Math.Log(wi);
                used++;
            }
        }
        for (int c = 0; c < p1; c++)
        {
            for (int r = c; r < p1; r++)
            {
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double vr = r < p ? x[i, r] : y[i] - (off is null ? 0 : off[i]);
                    double vc = c < p ? x[i, c] : y[i] - (off is null ? 0 : off[i]);
                    s += (w is null ? 1 : w[i]) * vr * vc;
                }
                a[c * p1 + r] = s;
            }
        }
        // Cholesky, lower
        for (int j = 0; j < p1; j++)
        {
            double d = a[j * p1 + j];
            for (int k = 0; k < j; k++) d -= a[k * p1 + j] * a[k * p1 + j];
            if (j < p && !(d > 0)) throw new ModelSpecificationException("the fixed-effects model matrix is rank deficient: the OLS log-likelihood cannot be computed");
            double l = Math.Sqrt(Math.Max(d, 0));
            a[j * p1 + j] = l;
            for (int i = j + 1; i < p1; i++)
            {
                double s = a[j * p1 + i];
                for (int k = 0; k < j; k++) s -= a[k * p1 + i] * a[k * p1 + j];
                a[j * p1 + i] = l > 0 ? s / l : 0;
            }
        }
        double rss = a[p * p1 + p] * a[p * p1 + p];
        double ll = 0.5 * (sumLogW - used * (Math.Log(2 * Math.PI) + 1 - Math.Log(used) + Math.Log(rss)));
        return (ll, p + 1, used);
    }
}
