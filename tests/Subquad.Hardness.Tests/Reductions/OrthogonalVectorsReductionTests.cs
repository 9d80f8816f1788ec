using CsCheck;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Reductions;

/// <summary>
/// The OV-side reductions (Lemma A.4 both ways, Thm 3.1 / Cor 3.2, Lemma A.13, Thm 1.3): each keeps its laws
/// (<see cref="ReductionLaws"/>) on instances CsCheck generates and shrinks, zero and duplicate rows and n = 2 included.
/// </summary>
public class OrthogonalVectorsReductionTests
{
    private const int Trials = 1500;

    private static readonly Problem Ov = Problem.OrthogonalVectors;

    [Fact]
    public void LemmaA4_MonoToBi_AgreesWithOracle_IncludingZeroAndDuplicateRows()
    {
        Instances.Mono(12, 8, allowZero: true).Sample(instance => Laws.Hold(OvToBichromaticOv.Instance, instance, Ov, BruteForce.Instance), iter: Trials);
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
        Instances.Bi(9, 8, allowZero: true).Sample(instance => Laws.Hold(BichromaticOvToOv.Instance, instance, Ov, BruteForce.Instance), iter: Trials);
    }

    [Fact]
    public void LemmaA4_BiToMono_FlagsMakeSameColourPairsNonOrthogonal_AndKeepCrossProducts()
    {
        Instances.Bi(7, 6, allowZero: true).Sample(instance =>
        {
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
        }, iter: 300);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 1)]
    [InlineData(1000, 1)]
    public void Theorem31_OvToGammaLsd_AgreesWithOracle_EvenWithTheWorstLegalApproximation(int gammaNum, int gammaDen)
    {
        var gamma = new Rational(gammaNum, gammaDen);
        var reduction = OvToLsd.Gamma(gamma);
        Gen.OneOf(Instances.Mono(10, 7, allowZero: true), Instances.Bi(8, 7, allowZero: true))
            .Sample(instance => Laws.Hold(reduction, instance, Ov, AdversarialGammaSolver.Instance), iter: Trials / 2);
    }

    [Fact]
    public void Corollary32_OvToLsdAtZero_AgreesWithOracle()
    {
        Gen.OneOf(Instances.Mono(12, 8, allowZero: true), Instances.Bi(9, 8, allowZero: true))
            .Sample(instance => Laws.Hold(OvToLsd.ThresholdZero, instance, Ov, BruteForce.Instance), iter: Trials);
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
        // The l^2 bound on calls is the reduction's SizeBound, checked by the laws; the calls cover at most n^2 pairs.
        Instances.Mono(12, 8, allowZero: true).Sample(instance =>
        {
            var solver = new ReducingSolver(OvToBichromaticMaxIp.Instance, BruteForce.Instance);
            Laws.Hold(OvToBichromaticMaxIp.Instance, instance, Ov, BruteForce.Instance);
            solver.Solve(instance, Ov);
            Assert.True(solver.Stats.PairsAsked <= (long)instance.A.Count * instance.A.Count);
        }, iter: Trials);
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
        // The composition: A.13's calls answered through B.5 (each stage's laws hold on its own calls).
        Instances.Mono(12, 8, allowZero: true).Sample(instance =>
        {
            var solver = OvToBichromaticMsd.Over(BruteForce.Instance);
            var viaB5 = new ReducingSolver(new BichromaticMaxIpToBichromaticMsd(), BruteForce.Instance);
            Laws.Hold(OvToBichromaticMaxIp.Instance, instance, Ov, viaB5);
            var answer = solver.Solve(instance, Ov);
            Assert.Equal(BruteForce.Instance.Solve(instance, Ov).Found, answer.Found);
            var padded = solver.Stages().Last().Stats;
            if (padded.QueriesAsked > 0) Assert.Equal(3 * instance.Dimensions, padded.MaxDimensions);
        }, iter: Trials);
    }
}
