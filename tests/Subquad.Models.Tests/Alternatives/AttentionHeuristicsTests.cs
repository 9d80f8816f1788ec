using Subquad.Models.Alternatives;
using Subquad.Models.Alternatives.Reference;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>Every attention heuristic against its slow reference, and each one's exact limit against full attention.</summary>
public sealed class AttentionHeuristicsTests
{
    private static readonly int[] Sizes = [1, 2, 3, 7, 16, 33];
    private const double Tight = 1e-10;

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 6));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SlidingWindow_EveryWindowAndMode_MatchesDenseMask(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (int window in new[] { 1, 2, 3, 5, 40 })
            {
                foreach (var mixer in new[] { new SlidingWindowAttention(window), new SlidingWindowAttention(window, causal: true), new SlidingWindowAttention(window, globalRows: 1), new SlidingWindowAttention(window, globalRows: 2) })
                {
                    AlternativeInputs.AssertClose(SlidingWindowAttentionReference.Forward(mixer, x, w), mixer.Forward(x, w), Tight);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SlidingWindow_WindowAtLeastN_IsFullAttention(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new SlidingWindowAttention(n).Forward(x, w), Tight);
            var (q, k, v) = (Multiply(x, w.Q), Multiply(x, w.K), Multiply(x, w.V));
            var causal = AttentionReference.Masked(q, k, v, (i, j) => j <= i).Output;
            AlternativeInputs.AssertClose(causal, new SlidingWindowAttention(n, causal: true).Forward(x, w), Tight);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lsh_EveryRoundAndBucketCount_MatchesDenseMaskPerRound(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (var (rounds, buckets, global) in new[] { (1, 2, 0), (2, 4, 0), (3, 8, 1), (4, 2, 1), (2, 6, 2) })
            {
                var lsh = new LshAttention(rounds, buckets, seed, global);
                AlternativeInputs.AssertClose(LshAttentionReference.Forward(lsh, x, w), lsh.Forward(x, w), Tight);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lsh_OneBucket_IsFullAttention_ForAnyNumberOfRounds(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            var full = AttentionReference.Instance.Forward(x, w);
            AlternativeInputs.AssertClose(full, new LshAttention(1, 1, seed).Forward(x, w), Tight);
            AlternativeInputs.AssertClose(full, new LshAttention(3, 1, seed).Forward(x, w), Tight);
        }
    }

    [Fact]
    public void Lsh_OnTheOvConstruction_IsNotFullAttention_WithManyBuckets()
    {
        // The heuristic really drops pairs: with 16 buckets over 129 rows, some row's output differs from full attention.
        var (x, w) = AlternativeInputs.OvShaped(3, 128, 14);
        double error = AlternativeInputs.MaxRelativeError(AttentionReference.Instance.Forward(x, w), new LshAttention(1, 16, 3).Forward(x, w));
        Assert.True(error > 1e-3, $"max relative error {error}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Performer_FastForm_MatchesQuadraticForm(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (int f in new[] { 1, 5, 6, 13, 64 })
            {
                foreach (bool orthogonal in new[] { true, false })
                {
                    var performer = new RandomFeatureAttention(f, seed, orthogonal);
                    AlternativeInputs.AssertClose(RandomFeatureAttentionReference.Forward(performer, x, w), performer.Forward(x, w), Tight);
                }
            }
        }
    }

    [Fact]
    public void OrthogonalRandomFeatures_RowsWithinABlock_AreOrthogonal()
    {
        int m = 7;
        var w = OrthogonalRandomFeatures.Draw(17, m, 5);
        for (int block = 0; block * m < 17; block++)
        {
            for (int a = block * m; a < Math.Min(17, (block + 1) * m); a++)
            {
                for (int b = a + 1; b < Math.Min(17, (block + 1) * m); b++)
                {
                    double dot = 0;
                    for (int c = 0; c < m; c++) dot += w[a, c] * w[b, c];
                    Assert.True(Math.Abs(dot) < 1e-9, $"rows {a}, {b}: dot {dot}");
                }
            }
        }
    }

    [Fact]
    public void Performer_ConvergesToSoftmaxAttention_AsFeaturesGrow()
    {
        // Mean absolute error against exact softmax attention, averaged over seeds: it must fall at every step
        // (the estimator's error shrinks like 1/sqrt(f); each step is 8x more features).
        int[] features = [4, 32, 256, 2048];
        var errors = new double[features.Length];
        for (int seed = 1; seed <= 4; seed++)
        {
            var (x, w) = AlternativeInputs.Random(seed, 24, dIn: 6, m: 6, dOut: 2, scale: 0.15);
            var exact = AttentionReference.Instance.Forward(x, w);
            for (int s = 0; s < features.Length; s++)
            {
                errors[s] += AlternativeInputs.MeanAbsoluteError(exact, new RandomFeatureAttention(features[s], 1000 + seed).Forward(x, w)) / 4;
            }
        }

        for (int s = 1; s < features.Length; s++) Assert.True(errors[s] < errors[s - 1], $"errors {string.Join(", ", errors)}");
        Assert.True(errors[^1] < 0.05, $"error at 2048 features: {errors[^1]}");
        Assert.True(errors[^1] < errors[0] / 4, $"errors {string.Join(", ", errors)}");
    }

    [Fact]
    public void Performer_OnTheOvConstruction_DoesNotConverge_LargeEntries()
    {
        // The construction's scores are -lambda <v_i, v_j> with lambda = ln(4 n (n+1) l) + 1 (about 10 here): the
        // regime where fast attention is impossible (paper.md section 5). With 16x more features than on the moderate
        // inputs above, the output is still far from exact attention, and more features do not bring it closer.
        var (x, w) = AlternativeInputs.OvShaped(2, 40, 10, density: 0.3);
        var exact = AttentionReference.Instance.Forward(x, w);
        double at256 = AlternativeInputs.MeanAbsoluteError(exact, new RandomFeatureAttention(256, 5).Forward(x, w));
        double at4096 = AlternativeInputs.MeanAbsoluteError(exact, new RandomFeatureAttention(4096, 5).Forward(x, w));
        double typical = exact.Data.Average(Math.Abs);
        Assert.True(at4096 > 0.25 * typical, $"error {at4096} against mean |output| {typical}");
        Assert.True(at4096 > 0.5 * at256, $"errors {at256} (256 features), {at4096} (4096 features)");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Linformer_MatchesExplicitSums(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (int rank in new[] { 1, 2, 5, 32 })
            {
                var linformer = new LowRankAttention(rank, seed);
                AlternativeInputs.AssertClose(LowRankAttentionReference.Forward(linformer, x, w), linformer.Forward(x, w), Tight);
            }
        }
    }

    [Fact]
    public void Linformer_ProjectionsGeneratedOnTheFly_AreSeededPrefixStable_AndScaled()
    {
        // Row j depends on (seed, j) only: the n = 40 projection is the first 40 rows of the n = 200 one; another seed
        // differs; entries are N(0, 1/k) (mean near 0, variance near 1/k over 200 x 64 x 2 draws).
        var linformer = new LowRankAttention(64, 3);
        var (e40, f40) = linformer.Projections(40);
        var (e200, f200) = linformer.Projections(200);
        Assert.Equal(e40.Data, e200.Data.AsSpan(0, e40.Data.Length).ToArray());
        Assert.Equal(f40.Data, f200.Data.AsSpan(0, f40.Data.Length).ToArray());
        Assert.NotEqual(e40.Data, new LowRankAttention(64, 4).Projections(40).E.Data);
        var all = e200.Data.Concat(f200.Data).ToArray();
        double mean = all.Average(), variance = all.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance * 64, 0.95, 1.05);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Linformer_IdentityProjectionAtRankN_IsFullAttention(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new LowRankAttention(n, seed, LowRankProjection.Identity).Forward(x, w), Tight);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Clustered_MatchesCentroidReference(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (int clusters in new[] { 1, 2, 4, 9 })
            {
                var clustered = new ClusteredAttention(clusters, seed);
                AlternativeInputs.AssertClose(ClusteredAttentionReference.Forward(clustered, x, w), clustered.Forward(x, w), Tight);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Clustered_AtLeastNClusters_IsFullAttention(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new ClusteredAttention(n, seed).Forward(x, w), Tight);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LinearAttention_NonCausal_MatchesQuadraticForm(int seed)
    {
        foreach (int n in Sizes)
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n, dIn: 4, m: 3);
            foreach (var map in new Subquad.Models.Alternatives.Recurrent.IFeatureMap[] { Subquad.Models.Alternatives.Recurrent.EluPlusOneFeatureMap.Instance, new Subquad.Models.Alternatives.Recurrent.TaylorExpFeatureMap(2) })
            {
                var linear = new LinearAttention(map);
                AlternativeInputs.AssertClose(LinearAttentionReference.Forward(linear, x, w), linear.Forward(x, w), Tight);
            }
        }
    }

    [Fact]
    public void AllHeuristics_AreReproducibleFromTheirSeed()
    {
        var (x, w) = AlternativeInputs.OvShaped(9, 40, 10);
        IAttentionMixer[] Make() => [new LshAttention(2, 8, 77, 1), new RandomFeatureAttention(16, 77), new LowRankAttention(8, 77), new ClusteredAttention(5, 77)];
        var first = Make().Select(m => m.Forward(x, w)).ToArray();
        var second = Make().Select(m => m.Forward(x, w)).ToArray();
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i].Data, second[i].Data);
    }

    [Fact]
    public void Costs_ScaleAsAdvertised()
    {
        var (_, w) = AlternativeInputs.OvShaped(1, 8, 16);
        double Ratio(IAttentionMixer m) => m.Cost(4096, w).Flops / m.Cost(1024, w).Flops;
        Assert.InRange(Ratio(AttentionReference.Instance), 15, 16.1);
        Assert.InRange(Ratio(new SlidingWindowAttention(16, globalRows: 1)), 3.9, 4.1);
        Assert.InRange(Ratio(new RandomFeatureAttention(64, 1)), 3.9, 4.1);
        Assert.InRange(Ratio(new LowRankAttention(32, 1)), 3.9, 4.1);
        Assert.InRange(Ratio(new ClusteredAttention(16, 1)), 3.9, 4.1);
    }

    private static Matrix Multiply(Matrix x, Matrix w)
    {
        var r = new Matrix(x.Rows, w.Columns);
        for (int i = 0; i < x.Rows; i++) for (int k = 0; k < x.Columns; k++) for (int j = 0; j < w.Columns; j++) r[i, j] += x[i, k] * w[k, j];
        return r;
    }
}
