namespace Multilevel.Models.Internals;

/// <summary>
/// Where θ sits in the per-term templates λₖ: term k with qₖ columns owns qₖ(qₖ+1)/2 consecutive elements of θ,
/// the lower triangle of λₖ in column-major order (for (Days|Subject): λ11, λ21, λ22), as lme4.
/// Lower bounds are 0 on diagonal elements and −∞ off the diagonal; the start is 1 on the diagonal, 0 off.
/// </summary>
internal sealed class ThetaMap
{
    private readonly int[] _q;
    private readonly int[] _offset;

    public ThetaMap(IReadOnlyList<int> q)
    {
        _q = [.. q];
        _offset = new int[_q.Length + 1];
        for (int k = 0; k < _q.Length; k++) _offset[k + 1] = _offset[k] + _q[k] * (_q[k] + 1) / 2;
        Lower = new double[Count];
        Start = new double[Count];
        IsDiagonal = new bool[Count];
        for (int k = 0; k < _q.Length; k++)
        {
            int t = _offset[k];
            for (int c = 0; c < _q[k]; c++)
            {
                for (int r = c; r < _q[k]; r++, t++)
                {
                    IsDiagonal[t] = r == c;
                    Lower[t] = r == c ? 0.0 : double.NegativeInfinity;
                    Start[t] = r == c ? 1.0 : 0.0;
                }
            }
        }
    }

    /// <summary>Number of elements of θ.</summary>
    public int Count => _offset[^1];

    /// <summary>Number of terms.</summary>
    public int TermCount => _q.Length;

    /// <summary>Columns of term k.</summary>
    public int Q(int term) => _q[term];

    /// <summary>First element of θ belonging to term k.</summary>
    public int Offset(int term) => _offset[term];

    /// <summary>Lower bounds (0 on diagonal elements, −∞ otherwise).</summary>
    public double[] Lower { get; }

    /// <summary>lme4's start: 1 on diagonal elements, 0 otherwise.</summary>
    public double[] Start { get; }

    /// <summary>True for the elements of θ on the diagonal of their λ.</summary>
    public bool[] IsDiagonal { get; }

    /// <summary>Writes λₖ (q × q, column-major, zero above the diagonal) for θ.</summary>
    public void FillLambda(int term, ReadOnlySpan<double> theta, Span<double> lambda)
    {
        int q = _q[term];
        lambda[..(q * q)].Clear();
        int t = _offset[term];
        for (int c = 0; c < q; c++)
        {
            for (int r = c; r < q; r++) lambda[c * q + r] = theta[t++];
        }
    }
}
