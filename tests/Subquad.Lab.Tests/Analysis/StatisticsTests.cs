using Subquad.Lab.Analysis;

namespace Subquad.Lab.Tests.Analysis;

public sealed class StatisticsTests
{
    [Theory]
    // Reference values: Wilson score interval, z = 1.959964 (e.g. statsmodels proportion_confint(method="wilson")).
    [InlineData(16, 16, 0.80639, 1.0)]
    [InlineData(8, 8, 0.67559, 1.0)]
    [InlineData(400, 400, 0.99049, 1.0)]
    [InlineData(0, 10, 0.0, 0.27753)]
    [InlineData(189, 200, 0.90421, 0.96902)] // issue 12: planted LSH, 0.945 [0.904, 0.969]
    [InlineData(5, 10, 0.23659, 0.76341)]
    public void Wilson_MatchesReferenceValues(int k, int n, double low, double high)
    {
        var p = new Proportion(k, n);
        Assert.Equal(low, p.Ci95Low, 4);
        Assert.Equal(high, p.Ci95High, 4);
        Assert.InRange(p.Rate, p.Ci95Low, p.Ci95High);
    }

    [Fact]
    public void TrialsForLowerBound_IsTheFirstAllCorrectCountThatReachesIt()
    {
        int need = Proportion.TrialsForLowerBound(0.99);
        Assert.Equal(381, need);
        Assert.True(new Proportion(need, need).Ci95Low >= 0.99);
        Assert.True(new Proportion(need - 1, need - 1).Ci95Low < 0.99);
    }

    [Fact]
    public void AlwaysYesAndAlwaysNo_HaveBalancedAccuracyOneHalf_WhateverTheYesRate()
    {
        foreach (int yes in new[] { 10, 50, 90 })
        {
            var outcomes = Enumerable.Range(0, 100).Select(i => (Truth: i < yes, Correct: i < yes)).ToList(); // always yes
            var ba = BalancedAccuracy.From(outcomes);
            Assert.Equal(0.5, ba.Rate, 12);
            Assert.Equal(1, ba.Recall.Rate);
            Assert.Equal(0, ba.Specificity.Rate);
            var no = BalancedAccuracy.From(outcomes.Select(o => (o.Truth, !o.Correct)));
            Assert.Equal(0.5, no.Rate, 12);
        }
    }

    [Fact]
    public void BalancedAccuracy_WithEqualClasses_IsTheWilsonIntervalOfAccuracy()
    {
        var outcomes = Enumerable.Range(0, 400).Select(i => (Truth: i % 2 == 0, Correct: i % 40 != 0)).ToList();
        var ba = BalancedAccuracy.From(outcomes);
        var plain = new Proportion(outcomes.Count(o => o.Correct), outcomes.Count);
        Assert.Equal(plain.Rate, ba.Rate, 12);
        Assert.Equal(plain.Ci95Low, ba.Ci95Low, 9);
        Assert.Equal(plain.Ci95High, ba.Ci95High, 9);
        // 200 + 200 all right reaches 0.99; 199 + 200 does not.
        Assert.True(BalancedAccuracy.From(Enumerable.Range(0, 400).Select(i => (i % 2 == 0, true))).Ci95Low >= 0.99);
        Assert.True(BalancedAccuracy.From(Enumerable.Range(0, 400).Select(i => (i % 2 == 0, i != 0))).Ci95Low < 0.99);
    }

    [Fact]
    public void Bootstrap_CoversAKnownPowerLaw_AndNarrowsWithLessNoise()
    {
        var random = new Random(3);
        IReadOnlyList<(double, IReadOnlyList<double>)> Points(double noise) =>
            new[] { 64.0, 128, 256, 512, 1024 }.Select(n => (n, (IReadOnlyList<double>)Enumerable.Range(0, 50).Select(_ => n * n * Math.Exp(noise * ((2 * random.NextDouble()) - 1))).ToList())).ToList();
        var wide = BootstrapInterval.Slope(Points(1.0), v => v.Average())!.Value;
        var narrow = BootstrapInterval.Slope(Points(0.05), v => v.Average())!.Value;
        Assert.InRange(2.0, wide.Low, wide.High);
        Assert.InRange(2.0, narrow.Low, narrow.High);
        Assert.True(narrow.High - narrow.Low < wide.High - wide.Low);
    }
}

public sealed class LambdaSweepTests
{
    [Fact]
    public void KernelApproximations_AreAccurateAtSmallScores_AndFailAtTheConstructionsScale()
    {
        var instance = new Subquad.Lab.Families.CriticalOvFamily().Generate(64, 12, Core.Problems.Problem.OrthogonalVectors, false, 3);
        var construction = Subquad.Lab.Duel.DuelRunner.Construct(instance, Core.Problems.Problem.OrthogonalVectors);
        var points = Subquad.Lab.Analysis.LambdaSweep.Run("critical", 64, 0, construction, Models.Attention.AttentionReference.Instance).ToList();
        double top = points.Max(p => p.ScoreBound);
        Assert.True(top > 16, $"construction's score bound {top}");
        Assert.Contains(points, p => p.Contender.StartsWith("causal ", StringComparison.Ordinal));
        foreach (string contender in points.Select(p => p.Contender).Distinct())
        {
            double small = points.Single(p => p.Contender == contender && p.ScoreBound == 0.5).RelativeError;
            double large = points.Single(p => p.Contender == contender && p.ScoreBound == top).RelativeError;
            Assert.True(small < 0.1, $"{contender} at B = 0.5: error {small}");
            Assert.True(large > 10 * small, $"{contender}: error {small} at B = 0.5, {large} at B = {top}");
        }
    }

    [Fact]
    public void CausalReference_LastRowIsFullAttention_FirstRowIsItsOwnValue()
    {
        // The last row of causal attention sees every key, so it equals non-causal exact attention's last row; row 0 sees
        // only itself, so it is v_0 exactly.
        var instance = new Subquad.Lab.Families.CriticalOvFamily().Generate(32, 12, Core.Problems.Problem.OrthogonalVectors, false, 5);
        var c = Subquad.Lab.Duel.DuelRunner.Construct(instance, Core.Problems.Problem.OrthogonalVectors);
        var weights = new Models.Attention.AttentionWeights(Subquad.Lab.Tests.Analysis.LambdaSweepTestsHelpers.Scale(c.Weights.Q, 0.01), c.Weights.K, c.Weights.V);
        int last = c.X.Rows - 1;
        var causal = Subquad.Lab.Analysis.LambdaSweep.CausalSoftmaxRows(c.X, weights, [0, last]);
        var full = Models.Attention.AttentionReference.Instance.Forward(c.X, weights);
        var v = new Models.Attention.Matrix(c.X.Rows, weights.V.Columns);
        for (int a = 0; a < weights.V.Columns; a++)
        {
            double v0 = 0;
            for (int t = 0; t < c.X.Columns; t++) v0 += c.X[0, t] * weights.V[t, a];
            Assert.Equal(v0, causal[0, a], 9);
            Assert.Equal(full[last, a], causal[1, a], 9);
        }

        Assert.Equal([0, 1, 2], Subquad.Lab.Analysis.LambdaSweep.SampleRows(3, 256));
        Assert.Equal(256, Subquad.Lab.Analysis.LambdaSweep.SampleRows(5000, 256).Length);
    }
}

internal static class LambdaSweepTestsHelpers
{
    public static Models.Attention.Matrix Scale(Models.Attention.Matrix m, double factor)
    {
        var r = new Models.Attention.Matrix(m.Rows, m.Columns);
        for (int t = 0; t < m.Data.Length; t++) r.Data[t] = m.Data[t] * factor;
        return r;
    }
}
