using Multilevel.Numerics;

namespace Multilevel.Models.Internals;

/// <summary>Triangular solves and products with single blocks of L, used once after the optimum.</summary>
internal static class BlockSolves
{
    /// <summary>y −= B x (x has B.Columns elements, y has B.Rows).</summary>
    public static void MultiplySubtract(Block b, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (b)
        {
            case DenseBlock d:
            {
                int m = d.Rows;
                for (int j = 0; j < d.Columns; j++)
                {
                    double xj = x[j];
                    if (xj == 0) continue;
                    var col = d.Values.AsSpan(j * m, m);
                    for (int i = 0; i < m; i++) y[i] -= col[i] * xj;
                }
                break;
            }
            case SparseBlock s:
            {
                int qi = s.RowQ, qc = s.ColumnQ, size = qi * qc;
                for (int c = 0; c < s.ColumnLevels; c++)
                {
                    for (int e = s.ColumnStart[c]; e < s.ColumnStart[c + 1]; e++)
                    {
                        int r = s.RowLevel[e];
                        for (int u = 0; u < qc; u++)
                        {
                            double xv = x[c * qc + u];
                            if (xv == 0) continue;
                            for (int t = 0; t < qi; t++) y[r * qi + t] -= s.Values[e * size + u * qi + t] * xv;
                        }
                    }
                }
                break;
            }
            default:
                throw new NotSupportedException($"no block product for a {b.Kind} off-diagonal block");
        }
    }

    /// <summary>y −= Bᵀ x (x has B.Rows elements, y has B.Columns).</summary>
    public static void MultiplyTransposeSubtract(Block b, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (b)
        {
            case DenseBlock d:
            {
                int m = d.Rows;
                for (int j = 0; j < d.Columns; j++)
                {
                    var col = d.Values.AsSpan(j * m, m);
                    double s = 0;
                    for (int i = 0; i < m; i++) s += col[i] * x[i];
                    y[j] -= s;
                }
                break;
            }
            case SparseBlock s:
            {
                int qi = s.RowQ, qc = s.ColumnQ, size = qi * qc;
                for (int c = 0; c < s.ColumnLevels; c++)
                {
                    for (int e = s.ColumnStart[c]; e < s.ColumnStart[c + 1]; e++)
                    {
                        int r = s.RowLevel[e];
                        for (int u = 0; u < qc; u++)
                        {
                            double sum = 0;
                            for (int t = 0; t < qi; t++) sum += s.Values[e * size + u * qi + t] * x[r * qi + t];
                            y[c * qc + u] -= sum;
                        }
                    }
                }
                break;
            }
            default:
                throw new NotSupportedException($"no transposed block product for a {b.Kind} off-diagonal block");
        }
    }

    /// <summary>x := L⁻¹ x for a factored diagonal block.</summary>
    public static void SolveLower(Block l, Span<double> x)
    {
        switch (l)
        {
            case BlockDiagonalBlock d:
            {
                int q = d.Q, qq = q * q;
                for (int g = 0; g < d.Levels; g++)
                {
                    DenseKernels.SolveLower(q, d.Values.AsSpan(g * qq, qq), q, x.Slice(g * q, q));
                }
                break;
            }
            case DenseBlock m:
                DenseKernels.SolveLower(m.Rows, m.Values, m.Rows, x);
                break;
            default:
                throw new NotSupportedException($"no triangular solve for a {l.Kind} diagonal block");
        }
    }

    /// <summary>x := L⁻ᵀ x for a factored diagonal block.</summary>
    public static void SolveLowerTranspose(Block l, Span<double> x)
    {
        switch (l)
        {
            case BlockDiagonalBlock d:
            {
                int q = d.Q, qq = q * q;
                for (int g = 0; g < d.Levels; g++)
                {
                    DenseKernels.SolveLowerTranspose(q, d.Values.AsSpan(g * qq, qq), q, x.Slice(g * q, q));
                }
                break;
            }
            case DenseBlock m:
                DenseKernels.SolveLowerTranspose(m.Rows, m.Values, m.Rows, x);
                break;
            default:
                throw new NotSupportedException($"no transposed triangular solve for a {l.Kind} diagonal block");
        }
    }
}
