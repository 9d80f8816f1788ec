using Subquad.Models.Alternatives;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>The random-sparse control: a dense masked reference per query's key set, full attention at k &gt;= n, seeded key sets.</summary>
public sealed class RandomSparseAttentionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomSparse_MatchesDenseAttentionMaskedToItsKeys(int seed)
    {
        foreach (int n in new[] { 1, 2, 3, 7, 16, 33 })
        {
            var (x, w) = AlternativeInputs.Random(seed * 100 + n, n);
            foreach (var (k, global) in new[] { (1, 0), (2, 1), (5, 0), (5, 2), (64, 0) })
            {
                var mixer = new RandomSparseAttention(k, seed, global);
                var keys = Enumerable.Range(0, n).Select(i => mixer.Keys(i, n).ToHashSet()).ToArray();
                var (q, kk, v) = (AttentionAlgebra.Multiply(x, w.Q), AttentionAlgebra.Multiply(x, w.K), AttentionAlgebra.Multiply(x, w.V));
                var reference = AttentionReference.Masked(q, kk, v, (i, j) => keys[i].Contains(j)).Output;
                AlternativeInputs.AssertClose(reference, mixer.Forward(x, w), 1e-10);
                for (int i = 0; i < n; i++)
                {
                    int documents = Math.Max(0, n - global);
                    bool globalRow = i >= documents && global > 0;
                    Assert.Equal(globalRow ? n : Math.Min(k, documents) + Math.Min(global, n), keys[i].Count);
                }
            }
        }
    }

    [Fact]
    public void RandomSparse_WithKAtLeastN_IsFullAttention()
    {
        var (x, w) = AlternativeInputs.Random(7, 20);
        AlternativeInputs.AssertClose(AttentionReference.Instance.Forward(x, w), new RandomSparseAttention(20, 1).Forward(x, w), 1e-10);
    }

    [Fact]
    public void RandomSparse_KeysAreSeeded_AndDifferAcrossSeeds()
    {
        var a = new RandomSparseAttention(4, 1);
        Assert.Equal(a.Keys(3, 100), new RandomSparseAttention(4, 1).Keys(3, 100));
        Assert.NotEqual(a.Keys(3, 100), new RandomSparseAttention(4, 2).Keys(3, 100));
        var cost = a.Cost(100, AlternativeInputs.Random(1, 100).Weights).Flops;
        Assert.True(cost < AttentionReference.Instance.Cost(100, AlternativeInputs.Random(1, 100).Weights).Flops / 5);
    }
}
