using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Cluster.Tests;

/// <summary>Seeded instances with planted ties (duplicates, subsets, disjoint rows, scaled copies, one-ulp perturbations).</summary>
internal static class Instances
{
    public static BinaryVectors Binary(Random random, int n, int l, double density)
    {
        var builder = new BinaryVectors.Builder(n, l);
        var rows = new bool[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new bool[l];
            int plant = random.Next(8);
            if (i > 0 && plant == 0) rows[random.Next(i)].CopyTo(rows[i], 0);
            else if (i > 0 && plant == 1)
            {
                var source = rows[random.Next(i)];
                for (int k = 0; k < l; k++) rows[i][k] = source[k] && random.Next(4) != 0;
            }
            else if (i > 0 && plant == 2)
            {
                var source = rows[random.Next(i)];
                for (int k = 0; k < l; k++) rows[i][k] = !source[k] && random.NextDouble() < density;
            }
            else
            {
                for (int k = 0; k < l; k++) rows[i][k] = random.NextDouble() < density;
            }

            if (!rows[i].Contains(true)) rows[i][random.Next(l)] = true;
            for (int k = 0; k < l; k++) if (rows[i][k]) builder.Set(i, k);
        }

        return builder.Build();
    }

    public static DenseVectors Dense(Random random, int n, int d)
    {
        var builder = new DenseVectors.Builder(n, d);
        bool integers = random.Next(3) == 0;
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            int plant = random.Next(6);
            if (i > 0 && plant <= 2)
            {
                builder.RowSpan(random.Next(i)).CopyTo(row);
                if (plant == 1) for (int k = 0; k < d; k++) row[k] *= 2f;
                if (plant == 2)
                {
                    int k = random.Next(d);
                    row[k] = random.Next(2) == 0 ? MathF.BitIncrement(row[k]) : MathF.BitDecrement(row[k]);
                }
            }
            else
            {
                for (int k = 0; k < d; k++) row[k] = integers ? random.Next(-3, 4) : (float)(random.NextDouble() * 2 - 1);
            }

            bool zero = true;
            for (int k = 0; k < d; k++) zero &= row[k] == 0;
            if (zero) row[random.Next(d)] = 1f;
        }

        return builder.Build();
    }

    /// <summary>A mono- or bichromatic instance of n rows (binary or dense).</summary>
    public static SimilarityInstance Make(Random random, bool binary, bool bichromatic, int n, int dims)
    {
        VectorSet a = binary ? Binary(random, n, dims, 0.05 + 0.4 * random.NextDouble()) : Dense(random, n, dims);
        if (!bichromatic) return SimilarityInstance.Monochromatic(a);
        int m = Math.Max(1, n / 2 + random.Next(n));
        VectorSet b = binary ? Binary(random, m, dims, 0.05 + 0.4 * random.NextDouble()) : Dense(random, m, dims);
        return SimilarityInstance.Bichromatic(a, b);
    }

    /// <summary>
    /// Thresholds on an achievable score and one ulp either side (cosine kinds), or on an achievable inner product and
    /// one either side (inner-product kinds), clamped to the problem's domain.
    /// </summary>
    public static IEnumerable<Rational> Thresholds(ProblemKind kind, double achievable)
    {
        if (kind.IsCosine())
        {
            foreach (double t in new[] { Math.BitDecrement(achievable), achievable, Math.BitIncrement(achievable) })
            {
                if (t >= 0 && t <= 1) yield return Rational.FromDouble(t);
            }
        }
        else
        {
            long ip = (long)Math.Round(achievable);
            foreach (long t in new[] { ip - 1, ip, ip + 1 })
            {
                if (t >= 0) yield return Rational.FromInteger(t);
            }
        }
    }
}
