using Subquad.Models.Alternatives;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>Reformer-style shared-hash LSH and its asymmetric (ALSH) form against dense masked attention.</summary>
public sealed class SharedLshAttentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneRound_MatchesDenseAttentionMaskedToItsKeySets(bool asymmetric)
    {
        foreach (int n in new[] { 1, 2, 5, 16, 33 })
        {
            foreach (var (buckets, global) in new[] { (2, 0), (4, 1), (8, 0), (6, 2) })
            {
                var (x, w) = AlternativeInputs.Random(n * 31 + buckets, n);
                var lsh = new SharedLshAttention(1, buckets, n + buckets, global, asymmetric);
                var (q, k, v) = (AttentionAlgebra.Multiply(x, w.Q), AttentionAlgebra.Multiply(x, w.K), AttentionAlgebra.Multiply(x, w.V));
                var sets = lsh.KeySets(q, k, 0).Select(s => s.ToHashSet()).ToArray();
                // A query whose chunks hold no key and no global row attends to nothing (zero output).
                var reference = AttentionReference.Masked(q, k, v, (i, j) => sets[i].Contains(j)).Output;
                for (int i = 0; i < n; i++)
                {
                    if (sets[i].Count == 0) reference.Row(i).Clear();
                }

                AlternativeInputs.AssertClose(reference, lsh.Forward(x, w), 1e-10);
            }
        }
    }

    [Fact]
    public void OneBucket_IsFullAttention()
    {
        var (x, w) = AlternativeInputs.Random(3, 20);
        AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new SharedLshAttention(1, 1, 1).Forward(x, w), 1e-10);
        AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new SharedLshAttention(3, 1, 1, asymmetric: true).Forward(x, w), 1e-10);
    }

    [Fact]
    public void AsymmetricTransform_TurnsInnerProductIntoCosine()
    {
        var (x, w) = AlternativeInputs.Random(5, 12);
        var lsh = new SharedLshAttention(1, 4, 1, asymmetric: true);
        var (q, k) = (AttentionAlgebra.Multiply(x, w.Q), AttentionAlgebra.Multiply(x, w.K));
        var tq = lsh.Transform(q, keys: false);
        var tk = lsh.Transform(k, keys: true);
        double maxNorm = Enumerable.Range(0, k.Rows).Max(j => Math.Sqrt(AttentionAlgebra.Dot(k.Row(j), k.Row(j))));
        for (int i = 0; i < q.Rows; i++)
        {
            double qNorm = Math.Sqrt(AttentionAlgebra.Dot(q.Row(i), q.Row(i)));
            for (int j = 0; j < k.Rows; j++)
            {
                Assert.Equal(1, AttentionAlgebra.Dot(tk.Row(j), tk.Row(j)), 9); // unit keys
                Assert.Equal(AttentionAlgebra.Dot(q.Row(i), k.Row(j)) / (maxNorm * qNorm), AttentionAlgebra.Dot(tq.Row(i), tk.Row(j)), 9);
            }
        }
    }

    [Fact]
    public void QueriesAndKeys_ShareOneSequence_SoEveryKeyIsSeenBySomeQueryWithFewBuckets()
    {
        var (x, w) = AlternativeInputs.Random(9, 40);
        var lsh = new SharedLshAttention(1, 4, 2);
        var (q, k) = (AttentionAlgebra.Multiply(x, w.Q), AttentionAlgebra.Multiply(x, w.K));
        var sets = lsh.KeySets(q, k, 0);
        // Each query sees its chunk and the previous one: half the 2n-item sequence, so at most about n keys and at
        // least one chunk's worth of keys overall.
        Assert.All(sets, s => Assert.True(s.Length <= 40));
        Assert.True(sets.SelectMany(s => s).Distinct().Count() > 10);
    }
}
