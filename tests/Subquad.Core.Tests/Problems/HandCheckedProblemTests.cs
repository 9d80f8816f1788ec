using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Problems;

/// <summary>Small instances worked out by hand: bichromatic, gamma, thresholds, dense, and the edge rules.</summary>
public class HandCheckedProblemTests
{
    private static Rational R(string text) => Rational.TryParse(text, out var r) ? r : throw new ArgumentException(text);

    // A = {1100, 0011}, B = {1000, 0111, 1111}.
    // ip:  a0.b0 = 1, a0.b1 = 1, a0.b2 = 2; a1.b0 = 0, a1.b1 = 2, a1.b2 = 2.
    // cos: a0b0 = 1/sqrt2 = .707, a0b1 = 1/sqrt6 = .408, a0b2 = 2/sqrt8 = .707, a1b0 = 0, a1b1 = 2/sqrt6 = .816, a1b2 = .707.
    private static readonly SimilarityInstance Bi = SimilarityInstance.Bichromatic(BinaryVectors.Parse("1100", "0011"), BinaryVectors.Parse("1000", "0111", "1111"));

    [Fact]
    public void Bichromatic_EveryProblem()
    {
        Assert.Equal((1, 1), Pair(BruteForce.Instance.Solve(Bi, Problem.Exact(ProblemKind.Msd))));
        Assert.Equal((1, 0), Pair(BruteForce.Instance.Solve(Bi, Problem.Exact(ProblemKind.Lsd))));
        Assert.Equal((0, 2), Pair(BruteForce.Instance.Solve(Bi, Problem.Exact(ProblemKind.MaxIp)))); // ties (0,2),(1,1),(1,2): smallest
        Assert.Equal((1, 0), Pair(BruteForce.Instance.Solve(Bi, Problem.Exact(ProblemKind.MinIp))));
        Assert.Equal((1, 0), Pair(BruteForce.Instance.Solve(Bi, Problem.OrthogonalVectors)));
        // a0.b0 and a0.b2 both have cosine exactly 1/sqrt2: an exact tie decided in integers.
        var tie = BruteForce.Instance.Solve(SimilarityInstance.Bichromatic(BinaryVectors.Parse("1100"), BinaryVectors.Parse("1000", "1111")), Problem.Exact(ProblemKind.Msd));
        Assert.Equal((0, 0), Pair(tie));
        Assert.Equal(6, Bi.PairCount);
    }

    [Fact]
    public void Bichromatic_IgnoresPairsInsideOneSide()
    {
        // A's two rows are identical (cosine 1) but a pair inside A is not a candidate.
        var instance = SimilarityInstance.Bichromatic(BinaryVectors.Parse("11", "11"), BinaryVectors.Parse("10", "01"));
        var answer = BruteForce.Instance.Solve(instance, Problem.Exact(ProblemKind.Msd));
        Assert.Equal((0, 0), Pair(answer));
        Assert.Equal(1, answer.Score.InnerProduct);
    }

    [Fact]
    public void Gamma_AcceptsPairsWithinTheFactor_Only()
    {
        // Mono {1100, 1110, 0011, 1000}: max cos = 2/sqrt6 = .816 (0,1); cos(0,3) = .707; cos(1,2) = 1/sqrt6 = .408.
        var four = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1110", "0011", "1000"));
        var gamma = Problem.Approximate(ProblemKind.Msd, R("1.2"));
        Assert.True(Verifier.Verify(four, gamma, Claim(four, gamma, 0, 3)).IsValid);      // .816/1.2 = .680 <= .707
        Assert.False(Verifier.Verify(four, gamma, Claim(four, gamma, 1, 2)).IsValid);     // .408 < .680
        Assert.True(Verifier.Verify(four, Problem.Approximate(ProblemKind.Msd, R("2")), Claim(four, gamma, 1, 2)).IsValid); // .408 = .816/2 exactly: inclusive
        var maxIp = Problem.Approximate(ProblemKind.MaxIp, R("2"));
        Assert.True(Verifier.Verify(four, maxIp, Claim(four, maxIp, 0, 3)).IsValid);      // ip 1 >= 2/2
        // Min-IP optimum is 0: only pairs with ip 0 are within any factor.
        var minIp = Problem.Approximate(ProblemKind.MinIp, R("100"));
        Assert.False(Verifier.Verify(four, minIp, Claim(four, minIp, 0, 3)).IsValid);
        Assert.True(Verifier.Verify(four, minIp, Claim(four, minIp, 0, 2)).IsValid);
    }

    [Fact]
    public void Dense_CosineAndInnerProduct()
    {
        // Rows (1,0), (0,2), (-1,0), (1,1): cos(0,2) = -1 (LSD), cos(0,3) = .707 = cos(1,3) (MSD tie -> (0,3)).
        var dense = SimilarityInstance.Monochromatic(DenseVectors.FromRows([[1, 0], [0, 2], [-1, 0], [1, 1]]));
        var msd = BruteForce.Instance.Solve(dense, Problem.Exact(ProblemKind.Msd));
        Assert.Equal((0, 3), Pair(msd));
        Assert.Equal(Math.Sqrt(0.5), msd.Score.Value, 12);
        var lsd = BruteForce.Instance.Solve(dense, Problem.Exact(ProblemKind.Lsd));
        Assert.Equal((0, 2, -1.0), (lsd.I, lsd.J, lsd.Score.Value));
        Assert.Equal((1, 3, 2.0), Triple(BruteForce.Instance.Solve(dense, Problem.Exact(ProblemKind.MaxIp))));
        Assert.Equal((0, 2, -1.0), Triple(BruteForce.Instance.Solve(dense, Problem.Exact(ProblemKind.MinIp)))); // tie with (2,3): smallest pair
        Assert.True(BruteForce.Instance.Solve(dense, Problem.WithThreshold(ProblemKind.MaxIp, R("2"))).Found);
        Assert.False(BruteForce.Instance.Solve(dense, Problem.WithThreshold(ProblemKind.MaxIp, R("3"))).Found);
        Assert.Equal((0, 1), Pair(BruteForce.Instance.Solve(dense, Problem.WithThreshold(ProblemKind.Lsd, R("0")))));
    }

    [Fact]
    public void Dense_GammaOnANegativeOptimum_AcceptsTheOptimum()
    {
        // LSD optimum -1 (opposite rows). Before the fix, "x <= gamma * best" rejected the optimum itself.
        var dense = SimilarityInstance.Monochromatic(DenseVectors.FromRows([[1, 0], [-1, 0], [1, 1]]));
        var problem = Problem.Approximate(ProblemKind.Lsd, R("2"));
        var optimum = BruteForce.Instance.Solve(dense, problem);
        Assert.True(Verifier.Verify(dense, problem, optimum).IsValid);
        Assert.False(Verifier.Verify(dense, problem, Claim(dense, problem, 0, 2)).IsValid); // .707 is not within 2 of -1
        var maxIp = Problem.Approximate(ProblemKind.MaxIp, R("2"));
        // Every inner product negative: (0,1) = -2, (0,2) = -2, (1,2) = -1 (the maximum).
        var negative = SimilarityInstance.Monochromatic(DenseVectors.FromRows([[2, 0], [-1, 1], [-1, -2]]));
        var best = BruteForce.Instance.Solve(negative, maxIp);
        Assert.Equal((1, 2, -1.0), Triple(best));
        Assert.True(Verifier.Verify(negative, maxIp, best).IsValid);
        Assert.True(Verifier.Verify(negative, maxIp, Claim(negative, maxIp, 0, 1)).IsValid);  // -2 >= -1 * 2
        Assert.False(Verifier.Verify(negative, Problem.Approximate(ProblemKind.MaxIp, R("1.5")), Claim(negative, maxIp, 0, 1)).IsValid);
    }

    [Fact]
    public void Thresholds_InclusiveAndExact()
    {
        // cos(1000, 1111) = 1/2 exactly: t = 0.5 is met (>=) for MSD and (<=) for LSD.
        var half = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1000", "1111"));
        Assert.True(BruteForce.Instance.Solve(half, Problem.WithThreshold(ProblemKind.Msd, R("0.5"))).Found);
        Assert.False(BruteForce.Instance.Solve(half, Problem.WithThreshold(ProblemKind.Msd, R("0.5000000000000000001"))).Found);
        Assert.True(BruteForce.Instance.Solve(half, Problem.WithThreshold(ProblemKind.Lsd, R("0.5"))).Found);
        Assert.False(BruteForce.Instance.Solve(half, Problem.WithThreshold(ProblemKind.Lsd, R("0.4999999999999999999"))).Found);
        Assert.Throws<ArgumentOutOfRangeException>(() => Problem.WithThreshold(ProblemKind.Msd, R("1.5")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Problem.WithThreshold(ProblemKind.MaxIp, R("1.5")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Problem.Approximate(ProblemKind.Msd, R("0.99")));
        Assert.Throws<InputException>(() => BruteForce.Instance.Solve(half, Problem.WithThreshold(ProblemKind.MaxIp, R("5"))));
    }

    [Fact]
    public void Validation_ZeroRowsAndTooFewRows()
    {
        var zero = SimilarityInstance.Monochromatic(BinaryVectors.Parse("10", "00", "11").WithNames(["a", "b", "c"], "f.npy"));
        var ex = Assert.Throws<InputException>(() => BruteForce.Instance.Solve(zero, Problem.Exact(ProblemKind.Msd)));
        Assert.Contains("row 1 (b)", ex.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1), Pair(BruteForce.Instance.Solve(zero, Problem.Exact(ProblemKind.MinIp)))); // IP problems accept zero rows
        Assert.Throws<InputException>(() => BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(BinaryVectors.Parse("1")), Problem.Exact(ProblemKind.MaxIp)));
        Assert.Throws<InputException>(() => SimilarityInstance.Bichromatic(BinaryVectors.Parse("10"), BinaryVectors.Parse("101")));
    }

    private static Answer Claim(SimilarityInstance instance, Problem problem, int i, int j) =>
        Answer.Pair(problem, i, j, PairScoring.Score(problem.Kind, instance.A, i, instance.Right, j));

    private static (int, int) Pair(Answer a) => (a.I, a.J);

    private static (int, int, double) Triple(Answer a) => (a.I, a.J, a.Score.Value);
}
