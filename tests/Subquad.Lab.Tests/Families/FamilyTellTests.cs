using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Lab.Analysis;
using Subquad.Lab.Families;

namespace Subquad.Lab.Tests.Families;

/// <summary>
/// The cheap detectors a reviewer would try first, on every hard family as the duel draws it (balanced, column-permuted):
/// each must score at most 0.55 balanced accuracy (upper end of its 95% interval) on fresh instances. Thresholds are
/// fitted on a separate training batch (the best threshold and direction), so a real tell would be found.
/// </summary>
public sealed class FamilyTellTests
{
    private const int Train = 200;
    private const int Test = 600; // 0.5 on 600 balanced instances has upper bound 0.540

    public static TheoryData<string> HardFamilies => ["planted", "critical", "sat"];

    private static IInstanceFamily Family(string name) => name switch
    {
        "planted" => new PlantedFamily(0.3, 2),
        "critical" => new CriticalOvFamily(),
        _ => new SatFamily(),
    };

    [Theory]
    [MemberData(nameof(HardFamilies))]
    public void CheapDetectors_DoNoBetterThanChance(string name)
    {
        var sampler = new BalancedSampler(Family(name), Problem.OrthogonalVectors, bichromatic: false);
        const int n = 64, l = 12; // l = 2 log2 n
        var train = Enumerable.Range(0, Train).Select(t => sampler.Sample(n, l, 1, t)).ToList();
        var test = Enumerable.Range(0, Test).Select(t => sampler.Sample(n, l, 2, t)).ToList();
        Assert.Equal(Test / 2, test.Count(d => d.Truth));

        var detectors = new Dictionary<string, Func<SimilarityInstance, double>>
        {
            ["one-bit block check"] = BlockCheck,
            ["lightest row weight"] = i => Weights(i).Min(),
            ["two lightest rows' weight"] = i => Weights(i).Order().Take(2).Sum(),
            ["weight spread"] = i => Weights(i).Max() - Weights(i).Min(),
            ["always yes"] = _ => 1,
            ["always no"] = _ => 0,
        };
        foreach (var (detector, feature) in detectors)
        {
            var rule = Fit(train.Select(d => (feature(d.Instance), d.Truth)).ToList());
            var accuracy = BalancedAccuracy.From(test.Select(d => (d.Truth, rule(feature(d.Instance)) == d.Truth)));
            Assert.True(accuracy.Ci95High <= 0.55, $"{name}: detector \"{detector}\" scores {accuracy} (balanced accuracy, 95%)");
        }
    }

    /// <summary>1 when some row lacks a column that all but at most two rows have (the old planted family's tell).</summary>
    private static double BlockCheck(SimilarityInstance instance)
    {
        var a = (BinaryVectors)instance.A;
        for (int c = 0; c < a.Dimensions; c++)
        {
            int ones = Enumerable.Range(0, a.Count).Count(i => a[i, c]);
            if (ones >= a.Count - 2 && ones < a.Count) return 1;
        }

        return 0;
    }

    private static int[] Weights(SimilarityInstance instance)
    {
        var a = (BinaryVectors)instance.A;
        return Enumerable.Range(0, a.Count).Select(a.Weight).ToArray();
    }

    /// <summary>The best "feature >= t" or "feature &lt; t" rule on the training set, by balanced accuracy.</summary>
    private static Func<double, bool> Fit(List<(double Feature, bool Truth)> train)
    {
        var thresholds = train.Select(t => t.Feature).Distinct().Append(double.PositiveInfinity).ToList();
        double best = -1;
        Func<double, bool> rule = _ => true;
        foreach (double t in thresholds)
        {
            foreach (bool above in new[] { true, false })
            {
                bool Say(double f) => above ? f >= t : f < t;
                double score = BalancedAccuracy.From(train.Select(x => (x.Truth, Say(x.Feature) == x.Truth))).Rate;
                if (score > best)
                {
                    best = score;
                    rule = Say;
                }
            }
        }

        return rule;
    }

    [Fact]
    public void BalancedSampler_GivesHalfYes_WithTheOraclesTruth_AndPermutedColumns()
    {
        var sampler = new BalancedSampler(new CriticalOvFamily(), Problem.OrthogonalVectors, bichromatic: false);
        var draws = Enumerable.Range(0, 40).Select(t => sampler.Sample(48, 12, 9, t)).ToList();
        Assert.Equal(20, draws.Count(d => d.Truth));
        foreach (var d in draws) Assert.Equal(ExactSolvers.Oracle.Solve(d.Instance, Problem.OrthogonalVectors).Found, d.Truth);
        // Every pair of consecutive trials is one yes and one no.
        for (int t = 0; t < 40; t += 2) Assert.NotEqual(draws[t].Truth, draws[t + 1].Truth);
    }

    [Fact]
    public void ControlFamily_CannotBeBalanced_AndIsDrawnAsIs()
    {
        var random = new RandomFamily(0.25);
        Assert.True(((IInstanceFamily)random).IsControl);
        var sampler = new BalancedSampler(random, Problem.OrthogonalVectors, bichromatic: false);
        var draws = Enumerable.Range(0, 10).Select(t => sampler.Sample(256, 16, 1, t)).ToList();
        Assert.All(draws, d => Assert.Equal(1, d.Attempts));
        Assert.True(draws.All(d => d.Truth), "random(p = 0.25) at n = 256, l = 16 is the constant-answer control");
    }

    [Fact]
    public void HardFamily_ThatCannotGiveAnAnswer_IsRefused()
    {
        // A planted family asked for a size where the sampler has one draw: half the trials need the other answer.
        var sampler = new BalancedSampler(new CriticalOvFamily(), Problem.OrthogonalVectors, bichromatic: false, maxAttempts: 1);
        var error = Assert.Throws<NotSupportedException>(() => Enumerable.Range(0, 20).Select(t => sampler.Sample(256, 8, 1, t)).ToList());
        Assert.Contains("cannot be balanced", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnPermutation_KeepsEveryInnerProduct()
    {
        var instance = new PlantedFamily(0.3, 2).Generate(30, 20, Problem.OrthogonalVectors, false, 4);
        var permuted = ColumnPermutation.Apply(instance, 99);
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)permuted.A;
        Assert.False(a.Words.SequenceEqual(b.Words));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a.Weight(i), b.Weight(i));
            for (int j = 0; j < a.Count; j++) Assert.Equal(PairScoring.Score(ProblemKind.MinIp, a, i, a, j), PairScoring.Score(ProblemKind.MinIp, b, i, b, j));
        }
    }
}
