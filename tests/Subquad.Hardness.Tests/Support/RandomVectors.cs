using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Tests.Support;

/// <summary>Small random binary instances with the edge cases reductions must survive: zero rows, duplicates, n = 2.</summary>
internal static class RandomVectors
{
    /// <summary>n rows of l bits; zero rows only when <paramref name="allowZero"/>; some rows duplicated.</summary>
    public static BinaryVectors Binary(Random random, int n, int l, bool allowZero)
    {
        double density = 0.1 + 0.8 * random.NextDouble();
        var rows = new bool[n][];
        for (int i = 0; i < n; i++)
        {
            int mode = random.Next(10);
            if (i > 0 && mode == 0)
            {
                rows[i] = (bool[])rows[random.Next(i)].Clone();
                continue;
            }

            if (allowZero && mode == 1)
            {
                rows[i] = new bool[l];
                continue;
            }

            do
            {
                rows[i] = new bool[l];
                for (int k = 0; k < l; k++) rows[i][k] = random.NextDouble() < density;
            }
            while (!allowZero && !rows[i].Contains(true));
        }

        return BinaryVectors.FromRows(rows, l);
    }

    /// <summary>A monochromatic instance, n in [2, maxN], l in [1, maxL].</summary>
    public static SimilarityInstance Mono(Random random, int maxN, int maxL, bool allowZero) =>
        SimilarityInstance.Monochromatic(Binary(random, random.Next(2, maxN + 1), random.Next(1, maxL + 1), allowZero));

    /// <summary>A bichromatic instance with sides of 1..maxN rows (sizes may differ).</summary>
    public static SimilarityInstance Bi(Random random, int maxN, int maxL, bool allowZero)
    {
        int l = random.Next(1, maxL + 1);
        return SimilarityInstance.Bichromatic(Binary(random, random.Next(1, maxN + 1), l, allowZero), Binary(random, random.Next(1, maxN + 1), l, allowZero));
    }
}
