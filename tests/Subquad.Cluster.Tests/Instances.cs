using Subquad.Core.Problems;
using Subquad.Core.Tests.Engine;
using Subquad.Core.Vectors;

namespace Subquad.Cluster.Tests;

/// <summary>
/// Seeded instances with planted ties (duplicates, subsets, disjoint rows, scaled copies, one-ulp perturbations): the
/// engine tests' generators (<see cref="EngineInstances"/>, the same source file, linked into this project), so the
/// cluster is checked on exactly the kind of instances the local engine is.
/// </summary>
internal static class Instances
{
    /// <summary>A mono- or bichromatic instance of n rows (binary or dense).</summary>
    public static SimilarityInstance Make(Random random, bool binary, bool bichromatic, int n, int dims)
    {
        VectorSet a = binary ? EngineInstances.Binary(random, n, dims, 0.05 + 0.4 * random.NextDouble(), nonZero: true) : EngineInstances.Dense(random, n, dims);
        if (!bichromatic) return SimilarityInstance.Monochromatic(a);
        int m = Math.Max(1, n / 2 + random.Next(n));
        VectorSet b = binary ? EngineInstances.Binary(random, m, dims, 0.05 + 0.4 * random.NextDouble(), nonZero: true) : EngineInstances.Dense(random, m, dims);
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
