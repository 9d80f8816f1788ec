using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Lab.Families;

/// <summary>
/// OV near the critical point with every row of the same weight: each row is a uniform w-subset of the l columns, w
/// the integer whose expected number of orthogonal pairs, pairs x C(l - w, w) / C(l, w), puts the Poisson yes-rate
/// 1 - exp(-E) closest to one half. Equal weights leave no row-weight feature; the duel then balances the answer by
/// drawing until the exact engine gives the required truth (<see cref="BalancedSampler"/>). Only OV-like problems
/// (OV, LSD_0, Min-IP_0).
/// </summary>
/// <remarks>
/// At l = 2 log2 n the weight is forced to l/2 (any smaller weight gives n^(Omega(1)) orthogonal pairs), so an orthogonal
/// pair is a complementary pair: the family is then hard for the contenders measured here but a hash table of
/// complements would solve it in linear time. Larger c (l = 4 or 8 log2 n) leaves w below l/2 and no such shortcut;
/// the duel's dimension sweep shows both (docs/duel.md).
/// </remarks>
public sealed class CriticalOvFamily : IInstanceFamily
{
    /// <inheritdoc/>
    public string Name => "critical";

    /// <summary>The row weight for <paramref name="pairs"/> candidate pairs in dimension l.</summary>
    public static int Weight(long pairs, int dimensions)
    {
        int best = 1;
        double bestGap = double.PositiveInfinity;
        for (int w = 1; 2 * w <= dimensions; w++)
        {
            double expected = pairs * ConstantWeightRows.DisjointProbability(dimensions, w);
            double gap = Math.Abs((1 - Math.Exp(-expected)) - 0.5);
            if (gap < bestGap)
            {
                bestGap = gap;
                best = w;
            }
        }

        return best;
    }

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        bool ovLike = problem.Kind == ProblemKind.Ov
            || (problem.Kind is ProblemKind.Lsd or ProblemKind.MinIp && problem.Threshold is { } t && t.Numerator.IsZero);
        if (!ovLike) throw new NotSupportedException($"the critical-density family is defined for OV-like problems (OV, LSD_0, Min-IP_0), not {problem}");
        var random = new Random(seed);
        if (!bichromatic)
        {
            long pairs = (long)count * (count - 1) / 2;
            return SimilarityInstance.Monochromatic(Rows(count, dimensions, Weight(pairs, dimensions), random));
        }

        int half = Math.Max(1, count / 2);
        int w = Weight((long)half * half, dimensions);
        return SimilarityInstance.Bichromatic(Rows(half, dimensions, w, random), Rows(half, dimensions, w, random));
    }

    private static BinaryVectors Rows(int count, int dimensions, int weight, Random random)
    {
        var builder = new BinaryVectors.Builder(count, dimensions);
        int words = ConstantWeightRows.Words(dimensions);
        var row = new ulong[words];
        for (int i = 0; i < count; i++)
        {
            ConstantWeightRows.Random(row, dimensions, weight, random);
            row.CopyTo(builder.RowSpan(i));
        }

        return builder.Build();
    }
}
