using CsCheck;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Reductions;

/// <summary>
/// Lemma B.5, the halving of Lemmas A.8/A.12, Lemma B.2 and Cor 3.2/3.4: each keeps its laws (<see cref="ReductionLaws"/>)
/// on generated instances, with the calls answered by the oracle or by the worst legal gamma-approximation.
/// </summary>
public class SimilarityReductionTests
{
    private static readonly ProblemKind[] Kinds = [ProblemKind.Msd, ProblemKind.Lsd, ProblemKind.MaxIp, ProblemKind.MinIp];

    /// <summary>An instance, a problem of <paramref name="kind"/> on it, and whether the calls go to the adversarial gamma solver.</summary>
    private static Gen<(SimilarityInstance Instance, Problem Problem, ISimilaritySolver Oracle)> Cases(Gen<SimilarityInstance> instances, ProblemKind kind, bool exactOnly = false) =>
        from instance in instances
        from problem in exactOnly ? Gen.Const(Problem.Exact(kind)) : kind == ProblemKind.Ov ? Gen.Const(Problem.OrthogonalVectors) : Instances.Problem(kind, instance.Dimensions)
        from adversarial in Gen.Int[0, 2]
        select (instance, problem, adversarial == 0 ? (ISimilaritySolver)AdversarialGammaSolver.Instance : BruteForce.Instance);

    [Fact]
    public void LemmaB5_PaddedRowsHaveWeightL_AndCrossInnerProductsAreUnchanged()
    {
        Instances.Bi(6, 9, allowZero: true).Sample(instance =>
        {
            var a = (BinaryVectors)instance.A;
            var b = (BinaryVectors)instance.B!;
            int l = a.Dimensions;
            var pa = BichromaticMaxIpToBichromaticMsd.PadA(a);
            var pb = BichromaticMaxIpToBichromaticMsd.PadB(b);
            Assert.Equal(3 * l, pa.Dimensions);
            Assert.All(pa.Weights.ToArray(), w => Assert.Equal(l, w));
            Assert.All(pb.Weights.ToArray(), w => Assert.Equal(l, w));
            for (int i = 0; i < a.Count; i++)
            {
                for (int j = 0; j < b.Count; j++) Assert.Equal(PairScoring.InnerProduct(a, i, b, j), PairScoring.InnerProduct(pa, i, pb, j));
            }
        }, iter: 500);
    }

    [Fact]
    public void LemmaB5_BichromaticMaxIpThroughMsd_MatchesOracle_ExactGammaAndThreshold()
    {
        var reduction = new BichromaticMaxIpToBichromaticMsd();
        Cases(Instances.Bi(7, 8, allowZero: true), ProblemKind.MaxIp).Sample(c => Laws.Hold(reduction, c.Instance, c.Problem, c.Oracle), iter: 2000);
    }

    [Fact]
    public void LemmaB5_MonochromaticPadding_BreaksSameColourPairs()
    {
        // Why B.5 is bichromatic only (paper.md 4.2.6): two A rows share the 1^{l-|a|} block region, so their padded
        // inner product exceeds the original and max cosine no longer follows max inner product.
        var a = BinaryVectors.Parse("1000", "0100", "1100");
        var padded = BichromaticMaxIpToBichromaticMsd.PadA(a);
        Assert.Equal(0, PairScoring.InnerProduct(a, 0, a, 1));
        Assert.Equal(3, PairScoring.InnerProduct(padded, 0, padded, 1));
        var mono = SimilarityInstance.Monochromatic(padded);
        var maxIp = BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(a), Problem.Exact(ProblemKind.MaxIp));
        var msd = BruteForce.Instance.Solve(mono, Problem.Exact(ProblemKind.Msd));
        Assert.NotEqual((maxIp.I, maxIp.J), (msd.I, msd.J));
    }

    [Fact]
    public void LemmaB5_AdditiveParametersScaleByL()
    {
        var (alpha, gap) = BichromaticMaxIpToBichromaticMsd.AdditiveToMsd(6, 2, 8);
        Assert.Equal(new Rational(3, 4), alpha);
        Assert.Equal(new Rational(1, 4), gap);
    }

    [Fact]
    public void LemmasA8A12_HalvingCalls_CoverEveryPairExactlyOnce_WithHalvesDifferingByAtMostOne()
    {
        for (int n = 1; n <= 40; n++)
        {
            var calls = MonochromaticByHalving.Calls(n);
            Assert.Equal(Math.Max(0, n - 1), calls.Count);
            var covered = new int[n, n];
            foreach (var (l, m, r) in calls)
            {
                int left = m - l + 1, right = r - m;
                Assert.InRange(left - right, 0, 1);
                for (int i = l; i <= m; i++)
                {
                    for (int j = m + 1; j <= r; j++) covered[i, j]++;
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++) Assert.Equal(1, covered[i, j]);
            }
        }
    }

    [Fact]
    public void LemmasA8A12_Halving_MatchesOracle_ForEveryProblemOnOddAndEvenSizes()
    {
        foreach (var kind in Kinds.Append(ProblemKind.Ov))
        {
            Cases(Instances.Mono(13, 7, allowZero: !kind.IsCosine()), kind).Sample(c => Laws.Hold(MonochromaticByHalving.Instance, c.Instance, c.Problem, c.Oracle), iter: 600);
        }
    }

    [Fact]
    public void LemmaB2_TensorPower_HasInnerProductToTheQ_AndWeightToTheQ()
    {
        Gen.Select(Instances.Mono(5, 4, allowZero: true), Gen.Int[1, 3]).Sample((instance, q) =>
        {
            var v = (BinaryVectors)instance.A;
            var p = Tensoring.Power(v, q);
            Assert.Equal((int)Math.Pow(v.Dimensions, q), p.Dimensions);
            for (int i = 0; i < v.Count; i++)
            {
                Assert.Equal((int)Math.Pow(v.Weight(i), q), p.Weight(i));
                for (int j = 0; j < v.Count; j++) Assert.Equal((long)Math.Pow(PairScoring.InnerProduct(v, i, v, j), q), PairScoring.InnerProduct(p, i, p, j));
            }
        }, iter: 200);
    }

    [Fact]
    public void LemmaB2_Tensoring_MatchesOracle_ExactGammaAndThreshold_MonoAndBi()
    {
        foreach (var kind in Kinds)
        {
            var instances = Gen.OneOf(Instances.Mono(7, 4, allowZero: !kind.IsCosine()), Instances.Bi(5, 4, allowZero: !kind.IsCosine()));
            Gen.Select(Cases(instances, kind), Gen.Int[1, 3]).Sample((c, q) => Laws.Hold(new Tensoring(q), c.Instance, c.Problem, c.Oracle), iter: 375);
        }
    }

    [Fact]
    public void LemmaB2_RefusesHugeTensorPowers()
    {
        var v = BinaryVectors.Parse("1111111111");
        Assert.Throws<ArgumentException>(() => Tensoring.Power(v, 8, 1 << 20));
    }

    [Fact]
    public void Corollaries32And34_CosineCandidates_AreExactlyTheAchievableCosines()
    {
        for (int l = 1; l <= 5; l++)
        {
            var achieved = new HashSet<(long, long)>();
            int all = 1 << l;
            for (int x = 1; x < all; x++)
            {
                for (int y = 1; y < all; y++)
                {
                    long ip = System.Numerics.BitOperations.PopCount((uint)(x & y));
                    long ab = System.Numerics.BitOperations.PopCount((uint)x) * System.Numerics.BitOperations.PopCount((uint)y);
                    achieved.Add(Normalise(ip * ip, ab));
                }
            }

            var candidates = ExactByThresholdSearch.CosineCandidates(l).Select(c => Normalise(c.K2, c.Ab)).ToHashSet();
            Assert.Equal(achieved.OrderBy(x => x), candidates.OrderBy(x => x));
        }

        static (long, long) Normalise(long k2, long ab)
        {
            if (k2 == 0) return (0, 1);
            long g = (long)System.Numerics.BigInteger.GreatestCommonDivisor(k2, ab);
            return (k2 / g, ab / g);
        }
    }

    [Fact]
    public void Corollaries32And34_ThresholdSearch_MatchesExactOracle_WithLogarithmicCalls()
    {
        foreach (var kind in Kinds)
        {
            var instances = Gen.OneOf(Instances.Mono(10, 9, allowZero: !kind.IsCosine()), Instances.Bi(7, 9, allowZero: !kind.IsCosine()));
            instances.Sample(instance =>
            {
                var problem = Problem.Exact(kind);
                Laws.Hold(ExactByThresholdSearch.Instance, instance, problem, BruteForce.Instance);
                var solver = new ReducingSolver(ExactByThresholdSearch.Instance, BruteForce.Instance);
                solver.Solve(instance, problem);
                Assert.True(solver.Stats.QueriesAsked <= Math.Ceiling(Math.Log2(solver.Stats.MaxQueryCount)) + 1,
                    $"{solver.Stats.QueriesAsked} calls for {solver.Stats.MaxQueryCount} candidates");
                Assert.Equal(instance.Dimensions, solver.Stats.MaxDimensions);
            }, iter: 375);
        }
    }

    [Fact]
    public void Corollaries32And34_DyadicThreshold_SeparatesNeighbouringCandidates()
    {
        foreach (int l in new[] { 3, 17, 64, 96 })
        {
            var c = ExactByThresholdSearch.CosineCandidates(l);
            for (int k = 1; k < c.Count; k += Math.Max(1, c.Count / 500))
            {
                // floor(t_k) must lie strictly above candidate k-1 and at most candidate k (compare squares exactly).
                var down = ExactByThresholdSearch.ThresholdFor(c[k].K2, c[k].Ab, l, roundUp: false);
                Assert.True(down.Numerator * down.Numerator * c[k - 1].Ab > c[k - 1].K2 * down.Denominator * down.Denominator);
                Assert.True(down.Numerator * down.Numerator * c[k].Ab <= c[k].K2 * down.Denominator * down.Denominator);
                var up = ExactByThresholdSearch.ThresholdFor(c[k - 1].K2, c[k - 1].Ab, l, roundUp: true);
                Assert.True(up.Numerator * up.Numerator * c[k].Ab < c[k].K2 * up.Denominator * up.Denominator);
                Assert.True(up.Numerator * up.Numerator * c[k - 1].Ab >= c[k - 1].K2 * up.Denominator * up.Denominator);
            }
        }
    }
}
