using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Tests.Engine;
using Subquad.Core.Vectors;

namespace Subquad.Gpu.Tests;

/// <summary>
/// Seeded random instances with the awkward cases planted: duplicates (ties), subsets, disjoint rows, zero rows. The
/// rows come from the engine tests' generators (<see cref="EngineInstances"/>, the same source file, linked into this
/// project), and so do the problems (<see cref="EngineInstances.Problems"/>); the sizes and thresholds here are the GPU tests' own.
/// </summary>
internal static class Instances
{
    public static SimilarityInstance Random(Random random, bool binary, int maxN)
    {
        int n = 2 + (int)((maxN - 2) * Math.Pow(random.NextDouble(), 2));
        bool bichromatic = random.Next(3) == 0;
        if (binary)
        {
            int l = random.Next(4) == 0 ? random.Next(65, 400) : random.Next(1, 140);
            double density = random.Next(4) switch { 0 => 0.02, 1 => 0.9, _ => 0.02 + 0.88 * random.NextDouble() };
            bool nonZero = random.Next(4) != 0;
            var a = EngineInstances.Binary(random, n, l, density, nonZero);
            return bichromatic ? SimilarityInstance.Bichromatic(a, EngineInstances.Binary(random, 1 + random.Next(n), l, density, nonZero)) : SimilarityInstance.Monochromatic(a);
        }

        int d = random.Next(4) == 0 ? random.Next(17, 200) : random.Next(1, 40);
        var x = EngineInstances.Dense(random, n, d);
        return bichromatic ? SimilarityInstance.Bichromatic(x, EngineInstances.Dense(random, 1 + random.Next(n), d)) : SimilarityInstance.Monochromatic(x);
    }

    /// <summary>
    /// Every kind the GPU engine runs (OV only on binary; not the Hamming kinds, which it refuses: see
    /// GpuEngineOracleTests.HammingKinds_AreRefusedNotRunOnTheCpu) in exact, gamma and threshold form; thresholds often
    /// on an achievable score (<see cref="Threshold"/>).
    /// </summary>
    public static IEnumerable<Problem> Problems(Random random, SimilarityInstance instance) =>
        EngineInstances.Problems(random, instance, Threshold).Where(p => !p.Kind.IsHamming());

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
