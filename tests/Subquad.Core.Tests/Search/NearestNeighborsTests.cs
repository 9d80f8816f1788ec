using Subquad.Core.Search;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Search;

/// <summary>
/// <see cref="NearestNeighbors.Search"/> against <see cref="NearestNeighbors.Reference"/> (every pair scored by
/// PairScoring, sorted, ties by index): equal indices and bit-equal scores, on random inputs and on the edges
/// (ties, k above the corpus, n = 2, one query, widths around the tile and word sizes).
/// </summary>
public sealed class NearestNeighborsTests
{
    public static TheoryData<NeighborMetric> BinaryMetrics() => new(Enum.GetValues<NeighborMetric>());

    public static TheoryData<NeighborMetric> DenseMetrics() => new(NeighborMetric.Msd, NeighborMetric.Lsd, NeighborMetric.MaxIp, NeighborMetric.MinIp);

    private static BinaryVectors RandomBinary(Random random, int n, int l, double density, bool noZeroRows = true)
    {
        var builder = new BinaryVectors.Builder(n, l);
        for (int i = 0; i < n; i++)
        {
            bool any = false;
            for (int k = 0; k < l; k++)
            {
                if (random.NextDouble() < density)
                {
                    builder.Set(i, k);
                    any = true;
                }
            }

            if (!any && noZeroRows) builder.Set(i, random.Next(l));
        }

        return builder.Build();
    }

    /// <summary>Small-integer floats (ties are common) or Gaussian ones.</summary>
    private static DenseVectors RandomDense(Random random, int n, int d, bool ties)
    {
        var rows = new List<float[]>();
        for (int i = 0; i < n; i++)
        {
            var row = new float[d];
            for (int k = 0; k < d; k++) row[k] = ties ? random.Next(-2, 3) : (float)(random.NextDouble() * 2 - 1);
            if (row.All(x => x == 0)) row[random.Next(d)] = 1;
            rows.Add(row);
        }

        return DenseVectors.FromRows(rows);
    }

    private static void AssertSame(NeighborResult expected, NeighborResult actual)
    {
        Assert.Equal(expected.Indices, actual.Indices);
        Assert.Equal(expected.Scores, actual.Scores); // bit for bit, NaN padding included
        Assert.Equal(expected.InnerProducts, actual.InnerProducts);
        Assert.Equal(expected.Found, actual.Found);
    }

    [Theory]
    [MemberData(nameof(BinaryMetrics))]
    public void Binary_MatchesTheOracle_OnRandomInputsWithTies(NeighborMetric metric)
    {
        var random = new Random(1000 + (int)metric);
        foreach (int l in new[] { 1, 7, 63, 64, 65, 200, 256, 257, 600 })
        {
            for (int trial = 0; trial < 4; trial++)
            {
                int q = random.Next(1, 70), n = random.Next(1, 140), k = random.Next(1, 12);
                var queries = RandomBinary(random, q, l, trial % 2 == 0 ? 0.1 : 0.5);
                var corpus = RandomBinary(random, n, l, trial % 2 == 0 ? 0.1 : 0.5);
                AssertSame(NearestNeighbors.Reference(queries, corpus, metric, k), NearestNeighbors.Search(queries, corpus, metric, k));
            }
        }
    }

    [Theory]
    [MemberData(nameof(DenseMetrics))]
    public void Dense_MatchesTheOracle_OnRandomInputs_AndOnIntegerInputsFullOfTies(NeighborMetric metric)
    {
        var random = new Random(2000 + (int)metric);
        foreach (int d in new[] { 1, 3, 16, 17, 33, 100 })
        {
            for (int trial = 0; trial < 4; trial++)
            {
                int q = random.Next(1, 80), n = random.Next(1, 150), k = random.Next(1, 12);
                bool ties = trial % 2 == 0;
                var queries = RandomDense(random, q, d, ties);
                var corpus = RandomDense(random, n, d, ties);
                AssertSame(NearestNeighbors.Reference(queries, corpus, metric, k), NearestNeighbors.Search(queries, corpus, metric, k));
            }
        }
    }

    [Fact]
    public void AllRowsEqual_TiesGoToTheSmallerIndex()
    {
        var corpus = DenseVectors.FromRows(Enumerable.Range(0, 50).Select(_ => new float[] { 1, 2, 3 }).ToList());
        var result = NearestNeighbors.Search(corpus, corpus, NeighborMetric.Msd, 5);
        for (int i = 0; i < 50; i++) Assert.Equal([0L, 1, 2, 3, 4], result.Indices.AsSpan(i * 5, 5).ToArray());
        var bits = BinaryVectors.Parse(Enumerable.Range(0, 9).Select(_ => "1010").ToArray());
        var hamming = NearestNeighbors.Search(bits, bits, NeighborMetric.Hamming, 3);
        Assert.Equal([0L, 1, 2], hamming.Indices.AsSpan(0, 3).ToArray());
        Assert.All(hamming.Scores, s => Assert.Equal(0, s));
    }

    [Fact]
    public void KAboveTheCorpus_PadsWithMinusOneAndNaN_AsFaissDoes()
    {
        var corpus = BinaryVectors.Parse("110", "011");
        var queries = BinaryVectors.Parse("100");
        var result = NearestNeighbors.Search(queries, corpus, NeighborMetric.MaxIp, 4);
        Assert.Equal([0L, 1, -1, -1], result.Indices);
        Assert.Equal(1, result.Scores[0]);
        Assert.Equal(0, result.Scores[1]);
        Assert.True(double.IsNaN(result.Scores[2]) && double.IsNaN(result.Scores[3]));
        Assert.Equal([1L, 0, -1, -1], result.InnerProducts!);
        Assert.Equal(2, result.Found);
        AssertSame(NearestNeighbors.Reference(queries, corpus, NeighborMetric.MaxIp, 4), result);
    }

    [Fact]
    public void TwoRows_Cosine_IsExact()
    {
        // cos(a, b) = 1 / sqrt(2) for a = 11, b = 10: the score is the float64 the oracle computes.
        var vectors = BinaryVectors.Parse("11", "10");
        var result = NearestNeighbors.Search(vectors, vectors, NeighborMetric.Lsd, 2);
        Assert.Equal([1L, 0, 0, 1], result.Indices);
        Assert.Equal(1 / Math.Sqrt(2), result.Scores[0]);
        Assert.Equal(1.0, result.Scores[1]);
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        var bits = BinaryVectors.Parse("10", "01");
        var zero = BinaryVectors.Parse("00", "01");
        var dense = DenseVectors.FromRows([new float[] { 1, 0 }]);
        Assert.Throws<InputException>(() => NearestNeighbors.Search(bits, dense, NeighborMetric.MaxIp, 1));
        Assert.Throws<InputException>(() => NearestNeighbors.Search(dense, dense, NeighborMetric.Hamming, 1));
        Assert.Throws<InputException>(() => NearestNeighbors.Search(bits, zero, NeighborMetric.Msd, 1));
        Assert.Throws<InputException>(() => NearestNeighbors.Search(bits, BinaryVectors.Parse("101"), NeighborMetric.MaxIp, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NearestNeighbors.Search(bits, bits, NeighborMetric.MaxIp, 0));
        // Zero rows are fine where the score is an inner product or a distance.
        Assert.Equal([0L, 1], NearestNeighbors.Search(zero, zero, NeighborMetric.MaxIp, 1).Indices); // the zero row ties everywhere: index 0
    }
}
