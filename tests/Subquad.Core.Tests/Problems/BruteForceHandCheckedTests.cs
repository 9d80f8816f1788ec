using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Problems;

public class BruteForceHandCheckedTests
{
    // Rows: 0 = 1100, 1 = 1110, 2 = 0011, 3 = 1000.
    private static readonly SimilarityInstance Four = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1110", "0011", "1000"));

    [Fact]
    public void Msd_FindsMostSimilarPair()
    {
        // cos(0,1) = 2/sqrt(6) = 0.816; cos(0,3) = 1/sqrt(2) = 0.707; cos(1,3) = 1/sqrt(3).
        var answer = BruteForce.Instance.Solve(Four, Problem.Exact(ProblemKind.Msd));
        Assert.Equal((0, 1), (answer.I, answer.J));
        Assert.Equal(2, answer.Score.InnerProduct);
    }

    [Fact]
    public void Lsd_TieBrokenBySmallestPair()
    {
        // cos(0,2) = 0 and cos(2,3) = 0: the smallest pair wins.
        var answer = BruteForce.Instance.Solve(Four, Problem.Exact(ProblemKind.Lsd));
        Assert.Equal((0, 2), (answer.I, answer.J));
    }

    [Fact]
    public void MaxIp_And_MinIp()
    {
        var max = BruteForce.Instance.Solve(Four, Problem.Exact(ProblemKind.MaxIp));
        Assert.Equal((0, 1, 2L), (max.I, max.J, max.Score.InnerProduct));
        var min = BruteForce.Instance.Solve(Four, Problem.Exact(ProblemKind.MinIp));
        Assert.Equal((0, 2, 0L), (min.I, min.J, min.Score.InnerProduct));
    }

    [Fact]
    public void Ov_YesWithSmallestWitness()
    {
        var answer = BruteForce.Instance.Solve(Four, Problem.OrthogonalVectors);
        Assert.True(answer.Found);
        Assert.Equal((0, 2), (answer.I, answer.J));
    }

    [Fact]
    public void MsdThreshold_IsInclusive()
    {
        // The best cosine is exactly 2/sqrt(6); t = 0.8165 is just above it, t = 0.8 below.
        Assert.True(BruteForce.Instance.Solve(Four, Problem.WithThreshold(ProblemKind.Msd, Parse("0.8"))).Found);
        Assert.False(BruteForce.Instance.Solve(Four, Problem.WithThreshold(ProblemKind.Msd, Parse("0.8165"))).Found);
        // cos(0,3) = 1/sqrt(2) exactly cannot be written as a decimal, but cos = 1 is: rows 0 and a copy.
        var copies = SimilarityInstance.Monochromatic(BinaryVectors.Parse("101", "101"));
        Assert.True(BruteForce.Instance.Solve(copies, Problem.WithThreshold(ProblemKind.Msd, Rational.FromInteger(1))).Found);
    }

    private static Rational Parse(string text) => Rational.TryParse(text, out var r) ? r : throw new ArgumentException(text);
}
