using System.Numerics;

namespace Multilevel.Models.Internals;

/// <summary>
/// A fill-reducing ordering of a symmetric sparsity pattern by exact minimum degree on the elimination graph
/// (bit sets: eliminating v joins its remaining neighbours into a clique), with the symbolic factorisation it
/// implies: for each node, the nodes after it that its column of L touches. Ties go to the lowest index, so the
/// result is deterministic. Cost ∝ Σ (column count) × n/64 word operations.
/// </summary>
internal static class MinimumDegreeOrdering
{
    /// <summary>The adjacency of n nodes as bit sets, filled edge by edge or clique by clique.</summary>
    public sealed class Graph
    {
        internal readonly ulong[][] Adjacency;

        public Graph(int n)
        {
            Nodes = n;
            int words = (n + 63) >> 6;
            Adjacency = new ulong[n][];
            for (int v = 0; v < n; v++) Adjacency[v] = new ulong[words];
        }

        public int Nodes { get; }

        public void Edge(int a, int b)
        {
            if (a == b) return;
            Adjacency[a][b >> 6] |= 1UL << (b & 63);
            Adjacency[b][a >> 6] |= 1UL << (a & 63);
        }

        /// <summary>Joins the listed nodes pairwise.</summary>
        public void Clique(ReadOnlySpan<int> nodes)
        {
            for (int x = 0; x < nodes.Length; x++)
            {
                var ax = Adjacency[nodes[x]];
                for (int y = 0; y < nodes.Length; y++)
                {
                    int b = nodes[y];
                    ax[b >> 6] |= 1UL << (b & 63);
                }
                ax[nodes[x] >> 6] &= ~(1UL << (nodes[x] & 63));
            }
        }
    }

    /// <summary>Orders the nodes of a graph (which it consumes).</summary>
    /// <returns>Elimination order (new → old) and, per old node, the old nodes of its L column below the diagonal.</returns>
    public static (int[] Order, int[][] Structure) Order(Graph graph)
    {
        int n = graph.Nodes;
        int words = (n + 63) >> 6;
        var adj = graph.Adjacency;
        var degree = new int[n];
        for (int v = 0; v < n; v++) degree[v] = PopCount(adj[v]);
        var done = new bool[n];
        var order = new int[n];
        var structure = new int[n][];
        // degree buckets would be faster; a linear scan is fine for the sizes this is used for (thousands)
        for (int step = 0; step < n; step++)
        {
            int v = -1, best = int.MaxValue;
            for (int u = 0; u < n; u++)
            {
                if (!done[u] && degree[u] < best)
                {
                    best = degree[u];
                    v = u;
                }
            }
            order[step] = v;
            done[v] = true;
            var av = adj[v];
            var nbrs = new List<int>(best);
            for (int w = 0; w < words; w++)
            {
                ulong bits = av[w];
                while (bits != 0)
                {
                    int t = BitOperations.TrailingZeroCount(bits);
                    nbrs.Add((w << 6) + t);
                    bits &= bits - 1;
                }
            }
            structure[v] = [.. nbrs];
            foreach (int u in nbrs)
            {
                var au = adj[u];
                for (int w = 0; w < words; w++) au[w] |= av[w];
                au[u >> 6] &= ~(1UL << (u & 63));
                au[v >> 6] &= ~(1UL << (v & 63));
                degree[u] = PopCount(au);
            }
            adj[v] = [];
        }
        return (order, structure);
    }

    private static int PopCount(ulong[] bits)
    {
        int c = 0;
        foreach (ulong b in bits) c += BitOperations.PopCount(b);
        return c;
    }
}
