using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Alternatives.Reference;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>Linear attention and Mamba: every form equal to the others and to the oracle; causality; state sizes.</summary>
public sealed class RecurrentMixerTests
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 5));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void CausalLinearAttention_RecurrentEqualsChunkedEqualsQuadratic(int seed)
    {
        foreach (int length in new[] { 1, 2, 5, 17, 70 })
        {
            var random = new Random(seed * 1000 + length);
            var x = AlternativeInputs.Gaussian(random, length, 4, 1.0);
            foreach (IFeatureMap map in new IFeatureMap[] { EluPlusOneFeatureMap.Instance, new TaylorExpFeatureMap(2) })
            {
                var attention = new CausalLinearAttention(map, AlternativeInputs.Gaussian(random, 4, 3, 0.5), AlternativeInputs.Gaussian(random, 4, 3, 0.5), AlternativeInputs.Gaussian(random, 4, 2, 1.0));
                var oracle = LinearAttentionReference.Forward(attention, x);
                AlternativeInputs.AssertClose(oracle, attention.Forward(x), 1e-10);
                foreach (int chunk in new[] { 1, 3, 64 }) AlternativeInputs.AssertClose(oracle, attention.ForwardChunked(x, chunk), 1e-10);
            }
        }
    }

    [Fact]
    public void CausalLinearAttention_IsCausal()
    {
        var random = new Random(5);
        var x = AlternativeInputs.Gaussian(random, 12, 4, 1.0);
        var attention = new CausalLinearAttention(EluPlusOneFeatureMap.Instance, AlternativeInputs.Gaussian(random, 4, 3, 0.5), AlternativeInputs.Gaussian(random, 4, 3, 0.5), AlternativeInputs.Gaussian(random, 4, 2, 1.0));
        AssertCausal(m => attention.Forward(m), x);
    }

    [Fact]
    public void CausalLinearAttention_StateIsFeaturesTimesValuesPlusNormaliser()
    {
        var w = new AttentionWeights(new Matrix(5, 3), new Matrix(5, 3), new Matrix(5, 2));
        var elu = CausalLinearAttention.ForConstruction(EluPlusOneFeatureMap.Instance, w).Cost(100);
        Assert.Equal(3 * (2 + 1), elu.StateNumbers);
        Assert.Equal(3 * (2 + 1) * 32, elu.StateBits);
        var taylor = CausalLinearAttention.ForConstruction(new TaylorExpFeatureMap(2), w).Cost(100);
        Assert.Equal((1 + 3 + 9) * 3, taylor.StateNumbers);
    }

    [Fact]
    public void TaylorMap_InnerProduct_IsTheTruncatedExponentialSeries()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 50; trial++)
        {
            int m = 1 + random.Next(4), order = random.Next(5);
            var map = new TaylorExpFeatureMap(order);
            var q = AlternativeInputs.Gaussian(random, 1, m, 1.0).Row(0).ToArray();
            var k = AlternativeInputs.Gaussian(random, 1, m, 1.0).Row(0).ToArray();
            var pq = new double[map.Dimension(m)];
            var pk = new double[map.Dimension(m)];
            map.Map(q, pq);
            map.Map(k, pk);
            double dot = q.Zip(k, (a, b) => a * b).Sum();
            double series = 0, term = 1;
            for (int r = 0; r <= order; r++)
            {
                series += term;
                term *= dot / (r + 1);
            }

            Assert.Equal(series, pq.Zip(pk, (a, b) => a * b).Sum(), 1e-10);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mamba_ParallelScan_StepForm_AndSequentialReference_Agree(int seed)
    {
        foreach (var (width, length, stateSize, conv) in new[] { (4, 1, 4, 4), (4, 9, 16, 4), (8, 33, 16, 4), (3, 20, 5, 1), (17, 12, 8, 3) })
        {
            var mamba = new Mamba(MambaWeights.Initialise(width, seed, stateSize, conv));
            var u = AlternativeInputs.Gaussian(new Random(seed + length), length, width, 1.0);
            var reference = SelectiveScanReference.Forward(mamba, u);
            AlternativeInputs.AssertClose(reference, mamba.Forward(u), 1e-10);
            AlternativeInputs.AssertClose(reference, mamba.ForwardStepwise(u), 1e-10);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mamba_ChangingTokenTPlusOne_NeverChangesOutputsUpToT(int seed)
    {
        var mamba = new Mamba(MambaWeights.Initialise(6, seed));
        var u = AlternativeInputs.Gaussian(new Random(seed), 16, 6, 1.0);
        AssertCausal(m => mamba.Forward(m), u);
        AssertCausal(m => mamba.ForwardStepwise(m), u);
        AssertCausal(m => SelectiveScanReference.Forward(mamba, m), u);
    }

    [Fact]
    public void Mamba_Initialisation_FollowsTheReference()
    {
        var w = MambaWeights.Initialise(32, 7);
        Assert.Equal(64, w.Inner);
        Assert.Equal(2, w.DtRank);
        for (int c = 0; c < w.Inner; c++)
        {
            Assert.Equal(1.0, w.D[c]);
            double dt = Mamba.Softplus(w.DtBias[c]); // the inverse-softplus bias maps back to dt in [1e-3, 0.1]
            Assert.InRange(dt, 1e-3 - 1e-12, 0.1 + 1e-12);
            for (int n = 0; n < w.StateSize; n++) Assert.Equal(Math.Log(n + 1), w.ALog[c, n], 1e-15);
        }
    }

    [Fact]
    public void Mamba_StateSize_IsChannelsTimesStatePlusConvHistory()
    {
        var mamba = new Mamba(MambaWeights.Initialise(16, 1));
        var cost = mamba.Cost(1000);
        Assert.Equal((32 * 16) + (32 * 3), cost.StateNumbers);
        Assert.Equal(cost.StateNumbers * 32, cost.StateBits);
        Assert.Equal(2 * mamba.Cost(500).Flops, cost.Flops, 1e-6);
    }

    private static void AssertCausal(Func<Matrix, Matrix> forward, Matrix u)
    {
        var baseline = forward(u);
        for (int t = 0; t + 1 < u.Rows; t++)
        {
            var changed = u.Clone();
            for (int c = 0; c < u.Columns; c++) changed[t + 1, c] += 3.0 + c;
            var y = forward(changed);
            for (int s = 0; s <= t; s++) Assert.Equal(baseline.Row(s).ToArray(), y.Row(s).ToArray());
            Assert.NotEqual(baseline.Row(t + 1).ToArray(), y.Row(t + 1).ToArray());
        }
    }
}
