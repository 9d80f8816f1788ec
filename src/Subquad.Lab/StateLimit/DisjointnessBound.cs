namespace Subquad.Lab.StateLimit;

/// <summary>
/// The communication lower bound beside the one-pass rows. A one-pass algorithm with S bits of state that reads Alice's
/// n/2 vectors and then Bob's is a one-way protocol sending S bits, and OV on n vectors of l = 2 ceil(log2(n/2)) + 2 bits
/// encodes set disjointness on m = n/2 elements (element i -> (bin(i), not bin(i)) for Alice, (not bin(i), bin(i)) for
/// Bob: inner product = Hamming distance, zero iff equal; two colour bits keep same-side pairs apart, Lemma A.4). So S
/// is at least the communication complexity of DISJ_m:
/// <list type="bullet">
/// <item>deterministic, exact: S &gt;= m = n/2 bits (Alice's 2^m sets need distinct messages);</item>
/// <item>randomised with error delta on every input: S &gt;= (1 - 2 sqrt(delta)) m / 4 bits (Bar-Yossef, Jayram, Kumar,
/// Sivakumar, "An information statistics approach to data stream and communication complexity", JCSS 68 (2004);
/// Omega(m) first by Kalyanasundaram and Schnitger 1992 and Razborov 1992).</item>
/// </list>
/// These are worst-case bounds: a strategy may do better on a particular distribution of instances than the bound
/// allows on the worst case, so the report shows them side by side, never as the same thing.
/// </summary>
public static class DisjointnessBound
{
    /// <summary>Elements of the disjointness instance n vectors encode: m = n/2.</summary>
    public static long Elements(int n) => Math.Max(1, n / 2);

    /// <summary>Bits any exact deterministic one-pass algorithm needs: m.</summary>
    public static double DeterministicBits(int n) => Elements(n);

    /// <summary>Bits any randomised one-pass algorithm with error at most delta on every input needs: (1 - 2 sqrt(delta)) m / 4 (0 when delta &gt;= 1/4).</summary>
    public static double RandomisedBits(int n, double delta) => Math.Max(0, (1 - (2 * Math.Sqrt(Math.Clamp(delta, 0, 1)))) * Elements(n) / 4.0);
}
