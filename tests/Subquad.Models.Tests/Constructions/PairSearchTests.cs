using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>The search variant returns exactly the oracle's pair (lexicographically smallest optimum).</summary>
public sealed class PairSearchTests
{
    public static TheoryData<ProblemKind, bool> KindsAndColours() => CorrectedConstructionTests.KindsAndColours();

    [Theory]
    [MemberData(nameof(KindsAndColours))]
    public void Search_ReturnsTheOraclesPair(ProblemKind kind, bool bichromatic)
    {
        var random = new Random(900 + (int)kind + (bichromatic ? 50 : 0));
        int trials = Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1" ? 400 : 60;
        for (int trial = 0; trial < trials; trial++)
        {
            var (instance, how) = RandomInstance(random, kind, bichromatic, maxN: 40, maxL: kind.IsCosine() ? 12 : 24);
            how = $"trial {trial}: {how}";
            var expected = BruteForce.Instance.Solve(instance, kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind));
            var result = PairSearch.Solve(instance, kind);
            Assert.True(expected.Found == result.Answer.Found, $"{how}: found {result.Answer.Found}, oracle {expected.Found}");
            Assert.True((expected.I, expected.J) == (result.Answer.I, result.Answer.J), $"{how}: pair ({result.Answer.I}, {result.Answer.J}), oracle ({expected.I}, {expected.J}) [{result.Construction}]");
        }
    }

    /// <summary>A seeded random binary instance for the search tests (small, dense enough for ties) and its description.</summary>
    internal static (SimilarityInstance Instance, string How) RandomInstance(Random random, ProblemKind kind, bool bichromatic, int maxN, int maxL)
    {
        int n = 2 + random.Next(maxN), l = 1 + random.Next(maxL);
        double density = 0.1 + (0.8 * random.NextDouble());
        int seed = random.Next();
        bool nonZero = kind.IsCosine() || random.Next(3) != 0;

        // Duplicated rows make ties, so the tie-break is exercised.
        var a = InstanceGenerator.RandomBinary(n, l, density, seed, nonZero);
        var instance = bichromatic
            ? SimilarityInstance.Bichromatic(a, InstanceGenerator.RandomBinary(1 + random.Next(maxN), l, density, seed + 1, nonZero))
            : SimilarityInstance.Monochromatic(a);
        return (instance, $"n = {n}, l = {l}, seed {seed}, {(bichromatic ? "bichromatic" : "mono")}");
    }
}
