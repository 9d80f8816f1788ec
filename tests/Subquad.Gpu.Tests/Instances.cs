using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Gpu.Tests;

/// <summary>Seeded random instances with the awkward cases planted: duplicates (ties), subsets, disjoint rows, zero rows.</summary>
internal static class Instances
{
    public static BinaryVectors Binary(Random random, int n, int l, double density, bool nonZero)
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

            if (nonZero && !rows[i].Contains(true)) rows[i][random.Next(l)] = true;
            for (int k = 0; k < l; k++) if (rows[i][k]) builder.Set(i, k);
        }

        return builder.Build();
    }

    public static DenseVectors Dense(Random random, int n, int d, bool allowZero = false)
    {
        var builder = new DenseVectors.Builder(n, d);
        bool integers = random.Next(3) == 0;
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            int plant = random.Next(7);
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
            else if (allowZero && plant == 3)
            {
                row.Clear();
            }
            else
            {
                for (int k = 0; k < d; k++) row[k] = integers ? random.Next(-3, 4) : (float)(random.NextDouble() * 2 - 1);
            }

            if (!allowZero)
            {
                bool zero = true;
                for (int k = 0; k < d; k++) zero &= row[k] == 0;
                if (zero) row[random.Next(d)] = 1f;
            }
        }

        return builder.Build();
    }

    public static SimilarityInstance Random(Random random, bool binary, int maxN)
    {
        int n = 2 + (int)((maxN - 2) * Math.Pow(random.NextDouble(), 2));
        bool bichromatic = random.Next(3) == 0;
        if (binary)
        {
            int l = random.Next(4) == 0 ? random.Next(65, 400) : random.Next(1, 140);
            double density = random.Next(4) switch { 0 => 0.02, 1 => 0.9, _ => 0.02 + 0.88 * random.NextDouble() };
            bool nonZero = random.Next(4) != 0;
            var a = Binary(random, n, l, density, nonZero);
            return bichromatic ? SimilarityInstance.Bichromatic(a, Binary(random, 1 + random.Next(n), l, density, nonZero)) : SimilarityInstance.Monochromatic(a);
        }

        int d = random.Next(4) == 0 ? random.Next(17, 200) : random.Next(1, 40);
        var x = Dense(random, n, d);
        return bichromatic ? SimilarityInstance.Bichromatic(x, Dense(random, 1 + random.Next(n), d)) : SimilarityInstance.Monochromatic(x);
    }

    /// <summary>Every kind (OV only on binary) in exact, gamma and threshold form; thresholds often on an achievable score.</summary>
    public static IEnumerable<Problem> Problems(Random random, SimilarityInstance instance)
    {
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            if (kind == ProblemKind.Ov)
            {
                if (instance.IsBinary) yield return Problem.OrthogonalVectors;
                continue;
            }

            yield return Problem.Exact(kind);
            if (random.Next(3) == 0) yield return Problem.Approximate(kind, new Rational(random.Next(10, 30), 10));
            yield return Problem.WithThreshold(kind, Threshold(random, instance, kind));
        }
    }

    /// <summary>A threshold equal to some pair's oracle score where that is a valid threshold (the inclusive edge), or a round value.</summary>
    public static Rational Threshold(Random random, SimilarityInstance instance, ProblemKind kind)
    {
        int i = random.Next(instance.A.Count), j = random.Next(instance.Right.Count);
        if (!instance.IsBichromatic && i == j) j = (j + 1) % instance.A.Count;
        if (random.Next(3) != 0 && (i != j || instance.IsBichromatic))
        {
            try
            {
                double score = Subquad.Core.Solvers.PairScoring.Score(kind, instance.A, i, instance.Right, j).Value;
                if (kind.IsCosine() && score >= 0 && score <= 1) return Rational.FromDouble(score);
                if (!kind.IsCosine() && score >= 0 && score == Math.Floor(score) && score < 1e9) return Rational.FromInteger((long)score);
            }
            catch (InputException)
            {
            }
        }

        return kind.IsCosine() ? new Rational(random.Next(0, 11), 10) : Rational.FromInteger(random.Next(0, 4));
    }
}
