using CsCheck;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Tests.Support;

/// <summary>
/// CsCheck generators that build small binary instances themselves (so a failure shrinks to a small instance): rows
/// as sets of set bits, with zero rows, duplicates (a row repeating an earlier one) and n = 2 among the cases.
/// </summary>
internal static class Instances
{
    /// <summary>count rows of l bits; <paramref name="allowZero"/> false puts one bit in every empty row.</summary>
    public static Gen<BinaryVectors> Rows(int minCount, int maxCount, int l, bool allowZero) =>
        from count in Gen.Int[minCount, maxCount]
        from rows in Gen.Int[0, l - 1].Array[0, l].Array[count]
        from repeat in Gen.Int[0, 4].Array[count]
        from filler in Gen.Int[0, l - 1]
        select Build(rows, repeat, l, allowZero, filler);

    /// <summary>A monochromatic instance, n in [2, maxN], l in [1, maxL].</summary>
    public static Gen<SimilarityInstance> Mono(int maxN, int maxL, bool allowZero) =>
        from l in Gen.Int[1, maxL]
        from v in Rows(2, maxN, l, allowZero)
        select SimilarityInstance.Monochromatic(v);

    /// <summary>A bichromatic instance with sides of 1..maxN rows (sizes may differ), l in [1, maxL].</summary>
    public static Gen<SimilarityInstance> Bi(int maxN, int maxL, bool allowZero) =>
        from l in Gen.Int[1, maxL]
        from a in Rows(1, maxN, l, allowZero)
        from b in Rows(1, maxN, l, allowZero)
        select SimilarityInstance.Bichromatic(a, b);

    /// <summary>Exact, gamma (1 to 3) or threshold (on the score grid: k/8 for cosines, 0..l for inner products).</summary>
    public static Gen<Problem> Problem(ProblemKind kind, int l) =>
        from mode in Gen.Int[0, 2]
        from gamma in Gen.Int[4, 12]
        from step in Gen.Int[0, 8]
        from t in Gen.Int[0, l]
        select mode switch
        {
            0 => Core.Problems.Problem.Exact(kind),
            1 => Core.Problems.Problem.Approximate(kind, new Rational(gamma, 4)),
            _ => kind.IsCosine() ? Core.Problems.Problem.WithThreshold(kind, new Rational(step, 8)) : Core.Problems.Problem.WithThreshold(kind, Rational.FromInteger(t)),
        };

    private static BinaryVectors Build(int[][] rows, int[] repeat, int l, bool allowZero, int filler)
    {
        var builder = new BinaryVectors.Builder(rows.Length, l);
        int[] previous = [];
        for (int i = 0; i < rows.Length; i++)
        {
            // repeat[i] == 0 (i > 0): row i repeats row i - 1, an exact duplicate.
            var bits = repeat[i] == 0 && i > 0 ? previous : rows[i];
            if (!allowZero && bits.Length == 0) bits = [filler];
            foreach (int k in bits) builder.Set(i, k);
            previous = bits;
        }

        return builder.Build();
    }
}
