using Subquad.Core.Vectors;

namespace Subquad.Core.Generators;

/// <summary>
/// Seeded, reproducible random instances. The same (parameters, seed) always gives the same vectors: the generator is
/// <see cref="Random"/> constructed with a seed, whose sequence .NET keeps stable across versions for seeded use.
/// </summary>
public static class InstanceGenerator
{
    /// <summary>n random binary rows of l bits, each bit one with probability <paramref name="density"/>.</summary>
    /// <param name="count">n.</param>
    /// <param name="dimensions">l.</param>
    /// <param name="density">Probability of a one, in [0, 1].</param>
    /// <param name="seed">Seed.</param>
    /// <param name="nonZero">Re-draw all-zero rows (cosine problems need nonzero rows) by setting one random bit.</param>
    public static BinaryVectors RandomBinary(int count, int dimensions, double density, int seed, bool nonZero = true)
    {
        if (density is < 0 or > 1 || double.IsNaN(density)) throw new ArgumentOutOfRangeException(nameof(density), density, "density must lie in [0, 1]");
        var random = new Random(seed);
        var builder = new BinaryVectors.Builder(count, dimensions);
        for (int i = 0; i < count; i++)
        {
            bool any = false;
            for (int k = 0; k < dimensions; k++)
            {
                if (random.NextDouble() < density)
                {
                    builder.Set(i, k);
                    any = true;
                }
            }

            if (!any && nonZero) builder.Set(i, random.Next(dimensions));
        }

        return builder.Build();
    }

    /// <summary>n random dense rows of d standard-normal floats (Box-Muller).</summary>
    public static DenseVectors RandomDense(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var builder = new DenseVectors.Builder(count, dimensions);
        for (int i = 0; i < count; i++)
        {
            var row = builder.RowSpan(i);
            for (int k = 0; k < dimensions; k++) row[k] = (float)Gaussian(random);
        }

        return builder.Build();
    }

    /// <summary>
    /// A random binary instance with one planted pair: row <c>J</c> is a copy of row <c>I</c> with a few bits flipped
    /// (the most similar pair, for MSD/Max-IP), and row <c>K</c> is the complement-restricted row of <c>I</c>
    /// (disjoint from I: the least similar pair, orthogonal, for LSD/Min-IP/OV). The planted rows are returned.
    /// </summary>
    public static (BinaryVectors Vectors, PlantedRows Planted) PlantedBinary(int count, int dimensions, double density, int seed)
    {
        if (count < 3) throw new ArgumentOutOfRangeException(nameof(count), count, "a planted instance needs at least 3 rows");
        if (dimensions < 2) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "a planted instance needs at least 2 dimensions");
        var random = new Random(seed);
        var basis = RandomBinary(count, dimensions, density, random.Next());
        var builder = new BinaryVectors.Builder(count, dimensions);
        for (int r = 0; r < count; r++) basis.Row(r).CopyTo(builder.RowSpan(r));

        var rows = Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(3).ToArray();
        int i = rows[0], j = rows[1], k = rows[2];

        // Row I gets a comfortable weight so the near-copy keeps most of it.
        int targetWeight = Math.Max(2, (int)Math.Round(Math.Max(density, 0.1) * dimensions));
        var ones = Enumerable.Range(0, dimensions).OrderBy(_ => random.Next()).Take(Math.Min(targetWeight, dimensions - 1)).ToHashSet();
        for (int b = 0; b < dimensions; b++) builder.Set(i, b, ones.Contains(b));

        // J = I with one bit dropped when I has more than one: cosine sqrt((w-1)/w), the top for a random instance.
        int dropped = ones.Count > 1 ? ones.First() : -1;
        for (int b = 0; b < dimensions; b++) builder.Set(j, b, ones.Contains(b) && b != dropped);

        // K = a nonempty subset of I's complement: orthogonal to I.
        var zeros = Enumerable.Range(0, dimensions).Where(b => !ones.Contains(b)).ToArray();
        for (int b = 0; b < dimensions; b++) builder.Set(k, b, false);
        foreach (int b in zeros.Where(_ => random.NextDouble() < Math.Max(density, 0.2))) builder.Set(k, b);
        builder.Set(k, zeros[random.Next(zeros.Length)]);

        return (builder.Build(), new PlantedRows(Math.Min(i, j), Math.Max(i, j), Math.Min(i, k), Math.Max(i, k)));
    }

    /// <summary>A dense instance with a planted near-duplicate pair (J = I + small noise) and an opposite pair (K = -I).</summary>
    public static (DenseVectors Vectors, PlantedRows Planted) PlantedDense(int count, int dimensions, int seed, double noise = 0.01)
    {
        if (count < 3) throw new ArgumentOutOfRangeException(nameof(count), count, "a planted instance needs at least 3 rows");
        var random = new Random(seed);
        var basis = RandomDense(count, dimensions, random.Next());
        var builder = new DenseVectors.Builder(count, dimensions);
        for (int r = 0; r < count; r++) basis.Row(r).CopyTo(builder.RowSpan(r));
        var rows = Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(3).ToArray();
        int i = rows[0], j = rows[1], k = rows[2];
        var source = basis.Row(i);
        var near = builder.RowSpan(j);
        var far = builder.RowSpan(k);
        for (int d = 0; d < dimensions; d++)
        {
            near[d] = source[d] + (float)(noise * Gaussian(random));
            far[d] = -source[d];
        }

        return (builder.Build(), new PlantedRows(Math.Min(i, j), Math.Max(i, j), Math.Min(i, k), Math.Max(i, k)));
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

/// <summary>The rows of a planted instance: the similar pair (SimilarI &lt; SimilarJ) and the dissimilar pair.</summary>
public readonly record struct PlantedRows(int SimilarI, int SimilarJ, int DissimilarI, int DissimilarJ);
