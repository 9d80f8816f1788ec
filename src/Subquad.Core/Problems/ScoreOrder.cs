using System.Numerics;

namespace Subquad.Core.Problems;

/// <summary>
/// Exact comparisons of pair scores. Binary cosines are compared as ip1^2 * wi2 * wj2 against ip2^2 * wi1 * wj1 in
/// 128-bit integers (l up to 2^31 fits: l^4 &lt; 2^124), so ties and near-ties are decided without rounding. Inner
/// products and Hamming distances (|a| + |b| - 2 a.b) are integers and compare as such. Dense scores compare their
/// float64 values.
/// </summary>
public static class ScoreOrder
{
    /// <summary>
    /// Orders two scores by value for <paramref name="kind"/>: negative when x &lt; y, 0 when equal, positive when
    /// x &gt; y (numeric order, not "better"; see <see cref="Better"/>).
    /// </summary>
    public static int CompareValues(ProblemKind kind, in PairScore x, in PairScore y)
    {
        if (x.IsExact && y.IsExact)
        {
            if (!kind.IsCosine()) return Integer(kind, x).CompareTo(Integer(kind, y));
            Int128 left = (Int128)x.InnerProduct * x.InnerProduct * y.WeightI * y.WeightJ;
            Int128 right = (Int128)y.InnerProduct * y.InnerProduct * x.WeightI * x.WeightJ;
            return left.CompareTo(right);
        }

        return x.Value.CompareTo(y.Value);
    }

    /// <summary>True when x is strictly better than y for the kind's objective (larger for MSD/Max-IP, smaller otherwise).</summary>
    public static bool Better(ProblemKind kind, in PairScore x, in PairScore y)
    {
        int c = CompareValues(kind, x, y);
        return kind.Maximises() ? c > 0 : c < 0;
    }

    /// <summary>
    /// Compares a score with a threshold t exactly: sign of (score - t). Binary cosine: ip^2 * den^2 versus
    /// num^2 * wi * wj (ip and t are non-negative, so comparing squares is exact).
    /// </summary>
    public static int CompareToThreshold(ProblemKind kind, in PairScore x, Rational t)
    {
        if (!x.IsExact)
        {
            return x.Value.CompareTo(t.ToDouble());
        }

        if (!kind.IsCosine())
        {
            return (new BigInteger(Integer(kind, x)) * t.Denominator).CompareTo(t.Numerator);
        }

        var left = new BigInteger(x.InnerProduct) * x.InnerProduct * t.Denominator * t.Denominator;
        var right = t.Numerator * t.Numerator * x.WeightI * x.WeightJ;
        return left.CompareTo(right);
    }

    /// <summary>True when the pair satisfies the threshold problem (inclusive, see <see cref="Problem"/>).</summary>
    public static bool MeetsThreshold(ProblemKind kind, in PairScore x, Rational t)
    {
        if (kind == ProblemKind.Ov) return x.IsExact ? x.InnerProduct == 0 : x.Value == 0;
        int c = CompareToThreshold(kind, x, t);
        return kind.Maximises() ? c >= 0 : c <= 0;
    }

    /// <summary>
    /// True when no score can be strictly better than <paramref name="x"/> for a minimising kind on binary input: an
    /// inner product (or cosine) of 0, a Hamming distance of 0. Only a smaller (i, j) can then tie it, which lets the
    /// engine stop early. False for maximising kinds and dense scores.
    /// </summary>
    public static bool IsUnbeatable(ProblemKind kind, in PairScore x) =>
        x.IsExact && !kind.Maximises() && (kind.IsHamming() ? x.Hamming == 0 : x.InnerProduct == 0);

    /// <summary>The exact integer score of a binary pair for a non-cosine kind: the Hamming distance or the inner product.</summary>
    private static long Integer(ProblemKind kind, in PairScore x) => kind.IsHamming() ? x.Hamming : x.InnerProduct;

    /// <summary>
    /// True when <paramref name="x"/> is a gamma-approximation of the optimum <paramref name="best"/>: best/gamma
    /// &lt;= x for maximising kinds, x &lt;= gamma*best for minimising kinds; decided exactly on binary input.
    /// </summary>
    public static bool WithinGamma(ProblemKind kind, in PairScore x, in PairScore best, Rational gamma)
    {
        if (x.IsExact && best.IsExact)
        {
            BigInteger g2 = gamma.Numerator * gamma.Numerator, d2 = gamma.Denominator * gamma.Denominator;
            if (kind.IsCosine())
            {
                // cos = ip / sqrt(wi wj); compare squares (both sides non-negative).
                var xs = new BigInteger(x.InnerProduct) * x.InnerProduct;
                var bs = new BigInteger(best.InnerProduct) * best.InnerProduct;
                var xw = new BigInteger(x.WeightI) * x.WeightJ;
                var bw = new BigInteger(best.WeightI) * best.WeightJ;
                return kind.Maximises()
                    ? xs * g2 * bw >= bs * d2 * xw      // gamma * cos_x >= cos_best
                    : xs * d2 * bw <= bs * g2 * xw;     // cos_x <= gamma * cos_best
            }

            long xv = Integer(kind, x), bv = Integer(kind, best);
            return kind.Maximises()
                ? xv * gamma.Numerator >= bv * gamma.Denominator
                : xv * gamma.Denominator <= bv * gamma.Numerator;
        }

        // Dense scores can be negative (cosine of opposite vectors, inner products). The multiplicative bound must
        // still admit the optimum itself, so on a negative optimum the factor applies the other way round:
        // max: x >= best/g (best >= 0) or x >= best*g (best < 0); min: x <= g*best (best >= 0) or x <= best/g.
        double g = gamma.ToDouble();
        if (kind.Maximises()) return best.Value >= 0 ? x.Value * g >= best.Value : x.Value >= best.Value * g;
        return best.Value >= 0 ? x.Value <= g * best.Value : x.Value * g <= best.Value;
    }
}
