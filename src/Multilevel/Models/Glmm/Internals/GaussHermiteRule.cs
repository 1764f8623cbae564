using MathNet.Numerics.LinearAlgebra;

namespace Multilevel.Models.Glmm.Internals;

/// <summary>
/// The K-point Gauss–Hermite rule for the standard normal density: Σₖ wₖ f(xₖ) ≈ ∫ f(x) φ(x) dx, exact for
/// polynomials of degree ≤ 2K − 1 (Σ wₖ = 1). Nodes are the eigenvalues of the Jacobi matrix of the
/// probabilists' Hermite polynomials (Golub–Welsch), refined by Newton's method on the orthonormal polynomial
/// p_K; weights are the Christoffel numbers 1 / Σ_{j&lt;K} p_j(xₖ)², which stay accurate far into the tails.
/// The rule is made exactly symmetric (x₋ₖ = −xₖ, the middle node of an odd rule is 0), so K = 1 is the
/// single node 0 with weight 1 and adaptive quadrature with one node is the Laplace approximation.
/// </summary>
internal sealed class GaussHermiteRule
{
    private GaussHermiteRule(double[] nodes, double[] weights)
    {
        Nodes = nodes;
        Weights = weights;
    }

    /// <summary>Nodes in increasing order.</summary>
    public double[] Nodes { get; }

    /// <summary>Weights (sum 1).</summary>
    public double[] Weights { get; }

    /// <summary>Number of nodes K.</summary>
    public int Count => Nodes.Length;

    public static GaussHermiteRule Create(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (k == 1) return new GaussHermiteRule([0.0], [1.0]);
        var jacobi = Matrix<double>.Build.Dense(k, k);
        for (int i = 1; i < k; i++)
        {
            jacobi[i, i - 1] = Math.Sqrt(i);
            jacobi[i - 1, i] = Math.Sqrt(i);
        }
        var x = jacobi.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).Order().ToArray();
        var w = new double[k];
        for (int i = 0; i < k; i++)
        {
            // Newton on p_K: p_K' = √K p_{K−1}.
            for (int step = 0; step < 3; step++)
            {
                var (pk, pk1, _) = Orthonormal(k, x[i]);
                double d = Math.Sqrt(k) * pk1;
                if (d == 0) break;
                x[i] -= pk / d;
            }
            w[i] = 1.0 / Orthonormal(k, x[i]).SumOfSquares;
        }
        // exact symmetry
        var nodes = new double[k];
        var weights = new double[k];
        for (int i = 0; i < k; i++)
        {
            int j = k - 1 - i;
            nodes[i] = 0.5 * (x[i] - x[j]);
            weights[i] = 0.5 * (w[i] + w[j]);
        }
        if (k % 2 == 1) nodes[k / 2] = 0;
        double total = weights.Sum();
        for (int i = 0; i < k; i++) weights[i] /= total;
        return new GaussHermiteRule(nodes, weights);
    }

    /// <summary>p_K(x), p_{K−1}(x) and Σ_{j&lt;K} p_j(x)² for the orthonormal Hermite polynomials of N(0, 1).</summary>
    private static (double Pk, double Pk1, double SumOfSquares) Orthonormal(int k, double x)
    {
        double prev = 0, cur = 1, sum = 0;
        for (int j = 0; j < k; j++)
        {
            sum += cur * cur;
            double next = (x * cur - Math.Sqrt(j) * prev) / Math.Sqrt(j + 1);
            prev = cur;
            cur = next;
        }
        return (cur, prev, sum);
    }
}
