namespace Subquad.Models.Constructions;

/// <summary>
/// +-1 position codes of length k = 2^s - 1 for the monochromatic self-suppression (issue 13): codeword i is
/// c_i(x) = (-1)^Tr(f_i(x)) over the nonzero x of GF(2^s), f_i(x) = a_1 x + a_3 x^3 + ... + a_{2e-1} x^{2e-1} with the
/// coefficients (a_1, a_3, ...) the base-2^s digits of i: the dual of the binary BCH code of designed distance 2e+1.
/// </summary>
/// <remarks>
/// <para>
/// Margin (why the self inner product beats every cross one). &lt;c_i, c_i&gt; = k. For i != j the codewords differ
/// in at least one coefficient, so g = f_i - f_j = f_i + f_j is a nonzero polynomial with only odd-degree terms, of
/// degree d &lt;= 2e - 1 (odd), and &lt;c_i, c_j&gt; = sum_{x != 0} (-1)^Tr(g(x)). Weil's bound for additive
/// character sums (Carlitz-Uchiyama for these codes) gives |sum_{x in GF(2^s)} (-1)^Tr(g(x))| &lt;= (d - 1) 2^{s/2}
/// for odd d (for d = 1 the sum is exactly 0: Tr(a x) is balanced); dropping x = 0 changes it by 1. Hence
/// |&lt;c_i, c_j&gt;| / k &lt;= rho = ((2e - 2) 2^{s/2} + 1) / (2^s - 1) for all i != j, with n &lt;= 2^{s e} codewords.
/// </para>
/// <para>
/// Length: with e = ceil(log2 n / s), rho ~ 2 (e - 1) 2^{-s/2}, so rho &lt;= eta needs k ~ (2 log2 n / (s eta))^2:
/// polylogarithmic in n for a fixed eta (the constructions need eta = gap / (4 C), which depends on l and t only).
/// Random +-1 codes would give k ~ 4 ln n / eta^2 but only with high probability; this bound is a theorem, and
/// <c>PositionCodeTests</c> checks it exhaustively for small n.
/// </para>
/// </remarks>
public sealed class PositionCode
{
    // Primitive polynomials over GF(2) of degree s (bit s set), s = 2..16: x generates GF(2^s)^* (checked in tests).
    internal static readonly int[] Primitive = [0, 0, 0x7, 0xB, 0x13, 0x25, 0x43, 0x83, 0x11D, 0x211, 0x409, 0x805, 0x1053, 0x201B, 0x4443, 0x8003, 0x1100B];

    private readonly int[] _exp;
    private readonly int[] _log;
    private readonly bool[] _trace;

    private PositionCode(int s, int e, int count)
    {
        FieldDegree = s;
        Terms = e;
        Count = count;
        int q = (1 << s) - 1;
        _exp = new int[2 * q];
        _log = new int[q + 1];
        int value = 1;
        for (int i = 0; i < q; i++)
        {
            _exp[i] = _exp[i + q] = value;
            _log[value] = i;
            value <<= 1;
            if ((value & (1 << s)) != 0) value ^= Primitive[s];
        }

        // Tr(y) = y + y^2 + ... + y^(2^(s-1)), an element of GF(2) (0 or 1); squaring is doubling the log.
        _trace = new bool[q + 1];
        for (int y = 1; y <= q; y++)
        {
            int sum = 0, power = y;
            for (int r = 0; r < s; r++)
            {
                sum ^= power;
                power = _exp[(2 * _log[power]) % q];
            }

            _trace[y] = sum == 1;
        }
    }

    /// <summary>s: the code length is 2^s - 1.</summary>
    public int FieldDegree { get; }

    /// <summary>e: polynomials have the odd-degree terms x, x^3, ..., x^{2e-1}.</summary>
    public int Terms { get; }

    /// <summary>Codewords available (n, the documents).</summary>
    public int Count { get; }

    /// <summary>k = 2^s - 1.</summary>
    public int Length => (1 << FieldDegree) - 1;

    /// <summary>The proven bound on |&lt;c_i, c_j&gt;| / k for i != j (see the remarks).</summary>
    public double CrossBound => CrossBoundFor(FieldDegree, Terms);

    internal static double CrossBoundFor(int s, int e) => (((2.0 * e) - 2) * Math.Pow(2, s / 2.0) + 1) / ((1 << s) - 1);

    /// <summary>
    /// The shortest code for <paramref name="count"/> codewords whose cross bound is at most
    /// <paramref name="maxCrossBound"/>, or null when none is shorter than <paramref name="count"/> (the one-hot
    /// block of n columns is then no longer and exact).
    /// </summary>
    public static PositionCode? Choose(int count, double maxCrossBound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int bits = Math.Max(1, (int)Math.Ceiling(Math.Log2(count)));
        for (int s = 2; s < Primitive.Length; s++)
        {
            int k = (1 << s) - 1;
            if (k >= count) return null;
            int e = Math.Max(1, (bits + s - 1) / s);
            if ((2 * e) - 1 >= k) continue;
            if (CrossBoundFor(s, e) <= maxCrossBound) return new PositionCode(s, e, count);
        }

        return null;
    }

    /// <summary>Writes codeword <paramref name="index"/> (entries +1 / -1) into <paramref name="destination"/> (length k).</summary>
    public void Write(int index, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int q = Length, s = FieldDegree;
        Span<int> coefficientLogs = stackalloc int[Terms];
        int digits = index;
        for (int r = 0; r < Terms; r++)
        {
            int a = digits & q; // base-2^s digit (q = 2^s - 1 is the mask)
            digits >>= s;
            coefficientLogs[r] = a == 0 ? -1 : _log[a];
        }

        for (int x = 1; x <= q; x++)
        {
            int logX = _log[x], sum = 0;
            for (int r = 0; r < Terms; r++)
            {
                if (coefficientLogs[r] < 0) continue;
                int power = (int)(((long)((2 * r) + 1) * logX) % q); // log of x^(2r+1)
                sum ^= _exp[coefficientLogs[r] + power];
            }

            destination[x - 1] = sum != 0 && _trace[sum] ? -1 : 1;
        }
    }
}
