using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Reductions;

/// <summary>The OV-side reductions (Lemma A.4 both ways, Thm 3.1 / Cor 3.2, Lemma A.13, Thm 1.3), each against the oracle.</summary>
public class OrthogonalVectorsReductionTests
{
    private const int Trials = 2500;

    private static void AssertAgreesWithOracle(ISimilaritySolver reduced, SimilarityInstance instance, string context)
    {
        var truth = BruteForce.Instance.Solve(instance, Problem.OrthogonalVectors);
        var answer = reduced.Solve(instance, Problem.OrthogonalVectors);
        Assert.True(truth.Found == answer.Found, $"{context}: oracle says {truth}, reduction says {answer}");
        var check = Verifier.Verify(instance, Problem.OrthogonalVectors, answer);
        Assert.True(check.IsValid, $"{context}: {check.Reason}");
    }

    [Fact]
    public void LemmaA4_MonoToBi_AgreesWithOracle_IncludingZeroAndDuplicateRows()
    {
        var solver = new ReducingSolver(OvToBichromaticOv.Instance, BruteForce.Instance);
        var random = new Random(404);
        for (int t = 0; t < Trials; t++) AssertAgreesWithOracle(solver, RandomVectors.Mono(random, 12, 8, allowZero: true), $"trial {t}");
    }

    [Fact]
    public void LemmaA4_MonoToBi_AsksOneBichromaticCallOnVTimesV()
    {
        var v = BinaryVectors.Parse("110", "011", "101");
        var reduced = OvToBichromaticOv.Instance.Reduce(SimilarityInstance.Monochromatic(v), Problem.OrthogonalVectors);
        Assert.Equal(1, reduced.QueryCount);
        var q = reduced.Query(0);
        Assert.Same(v, q.Instance.A);
        Assert.Same(v, q.Instance.B);
        Assert.False(reduced.Solve(BruteForce.Instance).Found);
    }

    [Fact]
    public void LemmaA4_BiToMono_AgreesWithOracle_OnUnequalSides()
    {
        var solver = new ReducingSolver(BichromaticOvToOv.Instance, BruteForce.Instance);
        var random = new Random(405);
        for (int t = 0; t < Trials; t++) AssertAgreesWithOracle(solver, RandomVectors.Bi(random, 9, 8, allowZero: true), $"trial {t}");
    }

    [Fact]
    public void LemmaA4_BiToMono_FlagsMakeSameColourPairsNonOrthogonal_AndKeepCrossProducts()
    {
        var random = new Random(406);
        for (int t = 0; t < 300; t++)
        {
            var instance = RandomVectors.Bi(random, 7, 6, allowZero: true);
            var a = (BinaryVectors)instance.A;
            var b = (BinaryVectors)instance.B!;
            var v = BichromaticOvToOv.Flagged(a, b);
            Assert.Equal(a.Dimensions + 2, v.Dimensions);
            for (int p = 0; p < v.Count; p++)
            {
                for (int q = p + 1; q < v.Count; q++)
                {
                    long ip = PairScoring.InnerProduct(v, p, v, q);
                    bool pa = p < a.Count, qa = q < a.Count;
                    if (pa == qa) Assert.True(ip >= 1);
                    else Assert.Equal(PairScoring.InnerProduct(a, p, b, q - a.Count), ip);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 1)]
    [InlineData(1000, 1)]
    public void Theorem31_OvToGammaLsd_AgreesWithOracle_EvenWithTheWorstLegalApproximation(int gammaNum, int gammaDen)
    {
        var gamma = new Rational(gammaNum, gammaDen);
        var solver = new ReducingSolver(OvToLsd.Gamma(gamma), AdversarialGammaSolver.Instance);
        var random = new Random(31 + gammaNum);
        for (int t = 0; t < Trials / 4; t++)
        {
            AssertAgreesWithOracle(solver, RandomVectors.Mono(random, 10, 7, allowZero: true), $"gamma {gamma} mono trial {t}");
            AssertAgreesWithOracle(solver, RandomVectors.Bi(random, 8, 7, allowZero: true), $"gamma {gamma} bi trial {t}");
        }
    }

    [Fact]
    public void Corollary32_OvToLsdAtZero_AgreesWithOracle()
    {
        var solver = new ReducingSolver(OvToLsd.ThresholdZero, BruteForce.Instance);
        var random = new Random(32);
        for (int t = 0; t < Trials; t++)
        {
            var instance = t % 2 == 0 ? RandomVectors.Mono(random, 12, 8, allowZero: true) : RandomVectors.Bi(random, 9, 8, allowZero: true);
            AssertAgreesWithOracle(solver, instance, $"trial {t}");
        }
    }

    [Fact]
    public void Theorem31_ZeroVector_AnswersYesWithoutACall()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("11", "00"));
        var reduced = OvToLsd.Gamma(Rational.FromInteger(1)).Reduce(instance, Problem.OrthogonalVectors);
        Assert.Equal(0, reduced.QueryCount);
        var answer = reduced.Solve(BruteForce.Instance);
        Assert.True(answer.Found);
        Assert.Equal((0, 1), (answer.I, answer.J));
    }

    [Fact]
    public void LemmaA13_OvToBichromaticMaxIp_AgreesWithOracle_WithAtMostLSquaredCalls()
    {
        var random = new Random(113);
        for (int t = 0; t < Trials; t++)
        {
            var instance = RandomVectors.Mono(random, 12, 8, allowZero: true);
            var solver = new ReducingSolver(OvToBichromaticMaxIp.Instance, BruteForce.Instance);
            AssertAgreesWithOracle(solver, instance, $"trial {t}");
            int l = instance.Dimensions;
            Assert.True(solver.Stats.MaxQueryCount <= (long)l * l, $"trial {t}: {solver.Stats.MaxQueryCount} calls > l^2 = {l * l}");
            Assert.True(solver.Stats.PairsAsked <= (long)instance.A.Count * instance.A.Count);
        }
    }

    [Fact]
    public void LemmaA13_EqualRowsInOneClass_AreAPair_ButASelfPairIsNot()
    {
        // Two copies of 10 with 01: the orthogonal pair is across classes; a lone row is never orthogonal to itself.
        var reduced = new ReducingSolver(OvToBichromaticMaxIp.Instance, BruteForce.Instance);
        Assert.False(reduced.Solve(SimilarityInstance.Monochromatic(BinaryVectors.Parse("11", "10")), Problem.OrthogonalVectors).Found);
        var yes = reduced.Solve(SimilarityInstance.Monochromatic(BinaryVectors.Parse("10", "11", "01")), Problem.OrthogonalVectors);
        Assert.Equal((0, 2), (yes.I, yes.J));
    }

    [Fact]
    public void Theorem13_OvThroughA13AndB5ToBichromaticMsd_AgreesWithOracle()
    {
        var random = new Random(13);
        for (int t = 0; t < Trials; t++)
        {
            var solver = OvToBichromaticMsd.Over(BruteForce.Instance);
            var instance = RandomVectors.Mono(random, 12, 8, allowZero: true);
            AssertAgreesWithOracle(solver, instance, $"trial {t}");
            var padded = solver.Stages().Last().Stats;
            if (padded.QueriesAsked > 0) Assert.Equal(3 * instance.Dimensions, padded.MaxDimensions);
        }
    }
}
