using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Lab.StateLimit;

/// <summary>
/// The communication lower bound beside the one-pass rows, derived here in full (no constant is taken on trust).
/// </summary>
/// <remarks>
/// <para><b>Reduction (INDEX_m to one-pass OV, <see cref="IndexInstance"/>).</b> Alice holds x in {0,1}^m, Bob an index
/// i. Element e is written as bin(e) (k = ceil(log2 m) bits); Alice streams (bin(e), not bin(e), 1, 0) for every e with
/// x_e = 1 and pads with all-ones rows to n - 1 rows; Bob's one row is (not bin(i), bin(i), 0, 1). Alice-Bob pairs have
/// inner product = Hamming distance of the indices (zero iff equal); Alice-Alice pairs share the colour bit, all-ones
/// rows meet every non-zero row. So the instance (n = m + 1 rows, l = 2k + 2) has an orthogonal pair iff x_i = 1, and a
/// one-pass algorithm with S bits of state is a one-way protocol whose message is its state after Alice's rows.</para>
/// <para><b>Bound (Fano).</b> Take X uniform on {0,1}^m and any shared randomness R independent of X. If Bob recovers
/// each X_i from (M, R) with error at most delta &lt;= 1/2, Fano gives H(X_i | M, R) &lt;= H2(delta), so
/// S &gt;= H(M | R) &gt;= I(X; M | R) = m - H(X | M, R) &gt;= m - sum_i H(X_i | M, R) &gt;= (1 - H2(delta)) m.
/// With delta = 0 (exact) that is S &gt;= m. This is the one-way INDEX bound of Kremer, Nisan and Ron (1999); because a
/// single pass is one-way, it is stronger than the two-way set-disjointness bounds (Kalyanasundaram-Schnitger 1992,
/// Razborov 1992: Omega(m); Bar-Yossef, Jayram, Kumar, Sivakumar 2004 state a constant that this project could not
/// check against the paper, so it is not used).</para>
/// <para>m for n rows of dimension l: min(n - 1, 2^floor((l - 2) / 2)) (the indices must fit in (l - 2) / 2 bits). These are
/// worst-case bounds: a strategy may do better on a particular family than the bound allows on the worst case.</para>
/// </remarks>
public static class DisjointnessBound
{
    /// <summary>m: the INDEX length n rows of dimension l encode, min(n - 1, 2^floor((l - 2)/2)), at least 1.</summary>
    public static long Elements(int n, int dimensions)
    {
        int bits = Math.Max(0, (dimensions - 2) / 2);
        long fit = bits >= 62 ? long.MaxValue : 1L << bits;
        return Math.Max(1, Math.Min(n - 1L, fit));
    }

    /// <summary>Bits any exact one-pass algorithm needs on n rows of dimension l: m.</summary>
    public static double DeterministicBits(int n, int dimensions) => Elements(n, dimensions);

    /// <summary>Bits any one-pass algorithm with error at most delta on every input needs: (1 - H2(delta)) m (0 for delta &gt;= 1/2).</summary>
    public static double RandomisedBits(int n, int dimensions, double delta) =>
        delta >= 0.5 ? 0 : Math.Max(0, (1 - BinaryEntropy(Math.Max(0, delta))) * Elements(n, dimensions));

    /// <summary>The bound with the dimension large enough for every index (l &gt;= 2 ceil(log2 n) + 2): (1 - H2(delta)) (n - 1).</summary>
    public static double RandomisedBits(int n, double delta) => RandomisedBits(n, DimensionsFor(Math.Max(1, n - 1)), delta);

    /// <summary>H2(p) = -p log2 p - (1 - p) log2 (1 - p).</summary>
    public static double BinaryEntropy(double p) =>
        p <= 0 || p >= 1 ? 0 : (-p * Math.Log2(p)) - ((1 - p) * Math.Log2(1 - p));

    /// <summary>Dimension the reduction needs for m elements: 2 ceil(log2 m) + 2.</summary>
    public static int DimensionsFor(long m) => (2 * (m <= 1 ? 1 : (int)Math.Ceiling(Math.Log2(m)))) + 2;

    /// <summary>
    /// The OV instance of the reduction: Alice's rows for x (padded with all-ones rows to m rows), then Bob's row for i;
    /// n = m + 1 rows of dimension <see cref="DimensionsFor"/>(m). It has an orthogonal pair iff x[i].
    /// </summary>
    public static SimilarityInstance IndexInstance(IReadOnlyList<bool> x, int i)
    {
        ArgumentNullException.ThrowIfNull(x);
        int m = x.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, m);
        int l = DimensionsFor(m), k = (l - 2) / 2;
        var builder = new BinaryVectors.Builder(m + 1, l);
        int row = 0;
        for (int e = 0; e < m; e++)
        {
            if (!x[e]) continue;
            for (int b = 0; b < k; b++) builder.Set(row, ((e >> b) & 1) == 1 ? b : k + b);
            builder.Set(row, 2 * k);
            row++;
        }

        for (; row < m; row++)
        {
            for (int c = 0; c < l; c++) builder.Set(row, c);
        }

        for (int b = 0; b < k; b++) builder.Set(m, ((i >> b) & 1) == 1 ? k + b : b);
        builder.Set(m, (2 * k) + 1);
        return SimilarityInstance.Monochromatic(builder.Build());
    }
}
