using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Lab.Families;

/// <summary>
/// A seeded random permutation of the columns, the same for every row (and both sides) of one instance. Inner
/// products, weights and so every answer are unchanged, but nothing sits at a fixed column across instances, so no
/// contender (and no reviewer's detector) can key on column positions.
/// </summary>
public static class ColumnPermutation
{
    /// <summary>The permutation for l columns from <paramref name="seed"/>: perm[a] = where column a goes.</summary>
    public static int[] For(int dimensions, int seed)
    {
        var perm = Enumerable.Range(0, dimensions).ToArray();
        new Random(seed).Shuffle(perm);
        return perm;
    }

    /// <summary>The instance with its columns permuted (binary sets only; dense sets are returned unchanged).</summary>
    public static SimilarityInstance Apply(SimilarityInstance instance, int seed)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.A is not BinaryVectors a) return instance;
        var perm = For(a.Dimensions, seed);
        if (instance.B is null) return SimilarityInstance.Monochromatic(Permute(a, perm));
        if (instance.B is not BinaryVectors b) return instance;
        return SimilarityInstance.Bichromatic(Permute(a, perm), Permute(b, perm));
    }

    private static BinaryVectors Permute(BinaryVectors vectors, int[] perm)
    {
        var builder = new BinaryVectors.Builder(vectors.Count, vectors.Dimensions);
        for (int i = 0; i < vectors.Count; i++)
        {
            var row = vectors.Row(i);
            var target = builder.RowSpan(i);
            for (int w = 0; w < row.Length; w++)
            {
                ulong bits = row[w];
                while (bits != 0)
                {
                    int a = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    int to = perm[a];
                    target[to >> 6] |= 1UL << (to & 63);
                }
            }
        }

        return builder.Build();
    }
}
