using Subquad.Core.Generators;
using Subquad.Core.Problems;

namespace Subquad.Lab.Families;

/// <summary>
/// OV at the critical density: p chosen so the expected number of orthogonal pairs is ln 2, i.e.
/// pairs * (1 - p^2)^l = ln 2, so (by the Poisson heuristic) about half the instances are yes and the few orthogonal
/// pairs are not special in any other way. Only OV-like problems (OV, LSD_0, Min-IP_0).
/// </summary>
public sealed class CriticalOvFamily : IInstanceFamily
{
    /// <inheritdoc/>
    public string Name => "critical";

    /// <summary>The density p for <paramref name="pairs"/> candidate pairs in dimension l.</summary>
    public static double Density(long pairs, int dimensions) =>
        Math.Sqrt(1 - Math.Pow(Math.Log(2) / Math.Max(1, pairs), 1.0 / dimensions));

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        bool ovLike = problem.Kind == ProblemKind.Ov
            || (problem.Kind is ProblemKind.Lsd or ProblemKind.MinIp && problem.Threshold is { } t && t.Numerator.IsZero);
        if (!ovLike) throw new NotSupportedException($"the critical-density family is defined for OV-like problems (OV, LSD_0, Min-IP_0), not {problem}");
        if (!bichromatic)
        {
            long pairs = (long)count * (count - 1) / 2;
            return SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(count, dimensions, Density(pairs, dimensions), seed));
        }

        int half = Math.Max(1, count / 2);
        double p = Density((long)half * half, dimensions);
        var random = new Random(seed);
        return SimilarityInstance.Bichromatic(
            InstanceGenerator.RandomBinary(half, dimensions, p, random.Next()),
            InstanceGenerator.RandomBinary(half, dimensions, p, random.Next()));
    }
}
