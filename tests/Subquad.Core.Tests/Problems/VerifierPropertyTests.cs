using CsCheck;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Tests.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Problems;

/// <summary>
/// <see cref="Verifier"/> accepts every oracle answer and rejects perturbed ones (another pair that is not optimal,
/// a wrong score, a false "no", a witness that misses the threshold), on hundreds of random instances.
/// </summary>
public class VerifierPropertyTests
{
    private static readonly Gen<(int Seed, int N, int D, bool Binary, bool Bichromatic, double Density)> Cases =
        Gen.Select(Gen.Int, Gen.Int[2, 40], Gen.OneOf(Gen.Int[1, 300], Gen.OneOfConst(63, 64, 65)), Gen.Bool, Gen.Bool, Gen.Double[0.05, 0.9]);

    private static SimilarityInstance Make((int Seed, int N, int D, bool Binary, bool Bichromatic, double Density) c, out Random random)
    {
        random = new Random(c.Seed);
        VectorSet Side(Random r, int n) => c.Binary ? NonZero(FoundationTestData.Binary(r, n, c.D, c.Density), r) : NonZero(FoundationTestData.Dense(r, n, c.D));
        var a = Side(random, c.N);
        return c.Bichromatic ? SimilarityInstance.Bichromatic(a, Side(random, random.Next(1, 40))) : SimilarityInstance.Monochromatic(a);
    }

    /// <summary>Cosine problems need nonzero rows: give every zero row one bit.</summary>
    private static BinaryVectors NonZero(BinaryVectors v, Random random)
    {
        var builder = new BinaryVectors.Builder(v.Count, v.Dimensions);
        for (int i = 0; i < v.Count; i++)
        {
            v.Row(i).CopyTo(builder.RowSpan(i));
            if (v.IsZeroRow(i)) builder.Set(i, random.Next(v.Dimensions));
        }

        return builder.Build();
    }

    /// <summary>Dense rows that are all zero get a 1 in column 0.</summary>
    private static DenseVectors NonZero(DenseVectors v)
    {
        var builder = new DenseVectors.Builder(v.Count, v.Dimensions);
        for (int i = 0; i < v.Count; i++)
        {
            v.Row(i).CopyTo(builder.RowSpan(i));
            if (v.IsZeroRow(i)) builder.RowSpan(i)[0] = 1;
        }

        return builder.Build();
    }

    private static IEnumerable<Problem> Problems(SimilarityInstance instance, Random random)
    {
        foreach (var kind in new[] { ProblemKind.Msd, ProblemKind.Lsd, ProblemKind.MaxIp, ProblemKind.MinIp })
        {
            yield return Problem.Exact(kind);
            yield return Problem.Approximate(kind, new Rational(random.Next(100, 300), 100));
            yield return kind.IsCosine()
                ? Problem.WithThreshold(kind, new Rational(random.Next(0, 101), 100))
                : Problem.WithThreshold(kind, Rational.FromInteger(random.Next(0, instance.Dimensions + 1)));
        }

        if (instance.IsBinary) yield return Problem.OrthogonalVectors;
    }

    [Fact]
    public void OracleAnswers_AreAccepted_PerturbedAnswers_Rejected()
    {
        int rejectedNonOptimal = 0;
        Cases.Sample(c =>
        {
            var instance = Make(c, out var random);
            foreach (var problem in Problems(instance, random))
            {
                var answer = BruteForce.Instance.Solve(instance, problem);
                Assert.True(Verifier.Verify(instance, problem, answer).IsValid, $"{problem}: {Verifier.Verify(instance, problem, answer).Reason}");

                if (answer.HasPair)
                {
                    // A wrong score on the right pair.
                    var wrongScore = answer with { Score = answer.Score.IsExact ? answer.Score with { InnerProduct = answer.Score.InnerProduct + 1 } : answer.Score with { Value = answer.Score.Value + 0.5 + Math.Abs(answer.Score.Value) * 1e-6 } };
                    Assert.False(Verifier.Verify(instance, problem, wrongScore).IsValid);

                    // Out of range and i >= j pairs.
                    Assert.False(Verifier.Verify(instance, problem, answer with { I = instance.A.Count }).IsValid);
                    if (!instance.IsBichromatic) Assert.False(Verifier.Verify(instance, problem, answer with { I = answer.J, J = answer.I }).IsValid);
                }

                if (problem.IsDecision && answer.Found)
                {
                    // A false "no".
                    Assert.False(Verifier.Verify(instance, problem, Answer.No(problem)).IsValid);
                }

                // Another pair with its true score: valid exactly when it is as good as the oracle's (exact) or meets
                // the threshold / gamma bound; the verifier must agree with a direct check.
                var pairs = BruteForce.Pairs(instance).ToList();
                var (i, j) = pairs[random.Next(pairs.Count)];
                var score = PairScoring.Score(problem.Kind == ProblemKind.Ov ? ProblemKind.MinIp : problem.Kind, instance.A, i, instance.Right, j);
                var other = Answer.Pair(problem, i, j, score);
                bool expected = problem.Mode switch
                {
                    _ when problem.IsDecision => ScoreOrder.MeetsThreshold(problem.Kind, score, problem.Threshold ?? default),
                    ProblemMode.Exact => ScoreOrder.CompareValues(problem.Kind, score, answer.Score) == 0,
                    _ => ScoreOrder.WithinGamma(problem.Kind, score, answer.Score, problem.Gamma!.Value),
                };
                Assert.Equal(expected, Verifier.Verify(instance, problem, other).IsValid);
                if (!expected) rejectedNonOptimal++;
            }
        }, iter: 120, threads: 1);
        Assert.True(rejectedNonOptimal > 60, $"only {rejectedNonOptimal} non-optimal pairs were tried");
    }

    [Fact]
    public void NoAnswer_ForAnOptimisationProblem_IsRejected()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("110", "011", "100"));
        Assert.False(Verifier.Verify(instance, Problem.Exact(ProblemKind.Msd), Answer.No(Problem.Exact(ProblemKind.Msd))).IsValid);
        Assert.False(Verifier.Verify(instance, Problem.OrthogonalVectors, new Answer { Problem = Problem.OrthogonalVectors, Found = true }).IsValid);
    }
}
