using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>Seeded random instances with thresholds across the range, planted witnesses and near misses.</summary>
internal static class TestInstances
{
    /// <summary>One case: instance, problem, and how it was made (printed on failure with the seed).</summary>
    public sealed record Case(SimilarityInstance Instance, Problem Problem, string Description);

    public static IEnumerable<Case> Cases(ProblemKind kind, int count, int seed, bool bichromatic, int maxN = 300, int maxL = 64)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < count; trial++)
        {
            // Mostly small n (fast), some up to maxN: n = 2 + floor(maxN * u^3).
            int n = Math.Min(maxN, 2 + (int)(maxN * Math.Pow(random.NextDouble(), 3)));
            int l = 1 + random.Next(maxL);
            if (kind.IsCosine() && l < 1) l = 1;
            double density = 0.05 + (0.9 * random.NextDouble());
            int instanceSeed = random.Next();
            bool nonZero = kind.IsCosine() || random.Next(4) != 0;
            SimilarityInstance instance;
            if (bichromatic)
            {
                int na = Math.Max(1, n / 2), nb = Math.Max(1, n - na);
                instance = SimilarityInstance.Bichromatic(
                    InstanceGenerator.RandomBinary(na, l, density, instanceSeed, nonZero),
                    InstanceGenerator.RandomBinary(nb, l, density, instanceSeed + 1, nonZero));
            }
            else
            {
                instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(n, l, density, instanceSeed, nonZero));
            }

            string how = $"trial {trial} (seed {seed}): n = {n}, l = {l}, density = {density:F2}, instance seed {instanceSeed}, {(bichromatic ? "bichromatic" : "mono")}";
            if (kind == ProblemKind.Ov)
            {
                yield return new Case(instance, Problem.OrthogonalVectors, how);
                continue;
            }

            int mode = random.Next(3);
            Rational t;
            if (!kind.IsCosine())
            {
                // Thresholds across [0, l]; mode 1 = exactly the optimum (planted witness at the edge), mode 2 = one
                // past it (the nearest miss).
                long best = BruteForce.Instance.Solve(instance, Problem.Exact(kind)).Score.InnerProduct;
                long value = mode switch
                {
                    0 => random.Next(l + 1),
                    1 => best,
                    _ => kind.Maximises() ? best + 1 : best - 1,
                };
                t = Rational.FromInteger(Math.Clamp(value, 0, l));
            }
            else
            {
                var best = BruteForce.Instance.Solve(instance, Problem.Exact(kind)).Score;
                t = mode switch
                {
                    // A rational grid across [0, 1].
                    0 => new Rational(random.Next(101), 100),

                    // k/a (an achievable value when k <= a <= l): exact hits when it equals the optimum.
                    1 => best.InnerProduct * best.InnerProduct == best.WeightI * best.WeightJ
                        ? Rational.FromInteger(1)
                        : NearestRational(best.Value, random),
                    _ => NearestRational(best.Value + ((kind.Maximises() ? 1 : -1) * 1e-4 * (1 + random.Next(100))), random),
                };
            }

            yield return new Case(instance, Problem.WithThreshold(kind, t), how + $", t = {t}, mode {mode}");
        }
    }

    private static Rational NearestRational(double value, Random random)
    {
        value = Math.Clamp(value, 0, 1);
        int den = 1000 + random.Next(9000);
        return new Rational((long)Math.Round(value * den), den);
    }
}
