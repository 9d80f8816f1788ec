using System.Runtime.Intrinsics;
using Subquad.Models.Alternatives;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>
/// The block-sparse paths of window, LSH, ALSH, random-sparse and clustered attention against their scalar per-query
/// references, bit for bit, on random inputs with the edges (n = 1, 2, chunk and panel boundaries 31/32/33, one
/// bucket = full attention, budgets at or above n, tied scores, the construction's huge score spread); and the
/// exact-order kernels against the scalar softmax-sum (including scores one step either side of the skip cutoff, and
/// NaN / infinite scores). Agreement with dense masked attention is checked by the mixers' own tests, which now run
/// the fast path.
/// </summary>
public sealed unsafe class BlockSparseExactnessTests
{
    private static void RequireVector512()
    {
        if (!Vector512.IsHardwareAccelerated) Assert.Skip("Vector512 is not hardware accelerated here: Forward is the reference itself");
    }

    private static void AssertBitwise(Matrix expected, Matrix actual, string what)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Columns, actual.Columns);
        for (int i = 0; i < expected.Data.Length; i++)
        {
            long e = BitConverter.DoubleToInt64Bits(expected.Data[i]), a = BitConverter.DoubleToInt64Bits(actual.Data[i]);
            Assert.True(e == a, $"{what}: entry {i} (row {i / Math.Max(1, expected.Columns)}): reference {expected.Data[i]:R}, fast {actual.Data[i]:R}");
        }
    }

    // Gaussian inputs, OV-shaped inputs (scores -lambda x inner product: the construction's spread, far past the skip
    // cutoff), and small-integer inputs (many exactly tied scores).
    public static IEnumerable<(string Name, Matrix X, AttentionWeights W)> Inputs(int seed, int n)
    {
        var (x, w) = AlternativeInputs.Random(seed, n, dIn: 5, m: 7, dOut: 2, scale: 1.5);
        yield return ("gaussian", x, w);
        var (ox, ow) = AlternativeInputs.OvShaped(seed, Math.Max(1, n - 1), 9);
        yield return ("ov", ox, ow);
        var random = new Random(seed);
        var ix = new Matrix(n, 4);
        for (int i = 0; i < ix.Data.Length; i++) ix.Data[i] = random.Next(-1, 2);
        var iq = new Matrix(4, 3);
        var ik = new Matrix(4, 3);
        var iv = new Matrix(4, 1);
        for (int i = 0; i < iq.Data.Length; i++) iq.Data[i] = random.Next(-2, 3);
        for (int i = 0; i < ik.Data.Length; i++) ik.Data[i] = random.Next(-2, 3);
        for (int i = 0; i < iv.Data.Length; i++) iv.Data[i] = random.Next(-1, 2);
        yield return ("ties", ix, new AttentionWeights(iq, ik, iv));
    }

    private static readonly int[] Sizes = [1, 2, 3, 7, 31, 32, 33, 64, 65, 100, 130];

    [Fact]
    public void Window_BlockSparse_IsBitwiseTheReference()
    {
        RequireVector512();
        int cases = 0;
        foreach (int n in Sizes)
        {
            foreach (var (name, x, w) in Inputs(n * 7, n))
            {
                foreach (int window in new[] { 1, 2, 3, 4, 5, 8, 17, 33, 64, 200 })
                {
                    foreach (var (causal, global) in new[] { (false, 0), (false, 1), (false, 2), (true, 0) })
                    {
                        var mixer = new SlidingWindowAttention(window, causal, global);
                        AssertBitwise(mixer.ForwardReference(x, w), mixer.Forward(x, w), $"{name} n={n} {mixer.Name}");
                        cases++;
                    }
                }
            }
        }

        Assert.True(cases > 400);
    }

    [Fact]
    public void RandomSparse_BlockSparse_IsBitwiseTheReference()
    {
        RequireVector512();
        foreach (int n in Sizes)
        {
            foreach (var (name, x, w) in Inputs(n * 11, n))
            {
                foreach (int k in new[] { 1, 2, 5, 8, 31, 32, 33, 64, 500 })
                {
                    foreach (int global in new[] { 0, 1, 2 })
                    {
                        var mixer = new RandomSparseAttention(k, n + k, global);
                        AssertBitwise(mixer.ForwardReference(x, w), mixer.Forward(x, w), $"{name} n={n} {mixer.Name}");
                    }
                }
            }
        }
    }

    [Fact]
    public void SharedLsh_AndAlsh_BlockSparse_IsBitwiseTheReference()
    {
        RequireVector512();
        foreach (int n in Sizes)
        {
            foreach (var (name, x, w) in Inputs(n * 13, n))
            {
                foreach (int buckets in new[] { 1, 2, 4, 6, 16, 34 })
                {
                    foreach (int rounds in new[] { 1, 3 })
                    {
                        foreach (var (global, asymmetric) in new[] { (0, false), (1, false), (1, true), (2, true) })
                        {
                            var mixer = new SharedLshAttention(rounds, buckets, n + buckets + rounds, global, asymmetric);
                            AssertBitwise(mixer.ForwardReference(x, w), mixer.Forward(x, w), $"{name} n={n} {mixer.Name}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Lsh_VectorisedHashes_AreTheScalarHashes()
    {
        var random = new Random(3);
        foreach (int buckets in new[] { 1, 2, 4, 14, 16, 18, 64, 130 })
        {
            var parameters = new LshParameters(1, buckets, 5, 0);
            var rows = AlternativeInputs.Gaussian(random, 50, 9, 1);
            for (int i = 0; i < 5; i++) rows.Row(i).Clear(); // all-zero rows: every projection ties
            var rotation = AlternativeInputs.Gaussian(random, 9, Math.Max(1, buckets / 2), 1);
            var fast = new int[rows.Rows];
            parameters.HashRows(rows, rotation, fast);
            for (int i = 0; i < rows.Rows; i++) Assert.Equal(parameters.Hash(rows.Row(i), rotation), fast[i]);
        }
    }

    [Fact]
    public void Clustered_BlockSparse_AndVectorisedKMeans_AreBitwiseTheReference()
    {
        RequireVector512();
        foreach (int n in Sizes)
        {
            foreach (var (name, x, w) in Inputs(n * 17, n))
            {
                foreach (int clusters in new[] { 1, 2, 3, 8, 9, 16, 17, 200 })
                {
                    var mixer = new ClusteredAttention(clusters, n + clusters);
                    AssertBitwise(mixer.ForwardReference(x, w), mixer.Forward(x, w), $"{name} n={n} {mixer.Name}");
                    var points = AttentionAlgebra.Multiply(x, w.Q);
                    var (fastCentroids, fastAssignment) = KMeans.Cluster(points, clusters, 10, n);
                    var (centroids, assignment) = KMeans.ClusterReference(points, clusters, 10, n);
                    AssertBitwise(centroids, fastCentroids, $"{name} n={n} k-means centroids");
                    Assert.Equal(assignment, fastAssignment);
                }
            }
        }
    }

    [Fact]
    public void Projections_Vectorised_AreBitwiseTheScalarProduct()
    {
        var random = new Random(12);
        foreach (int columns in new[] { 1, 7, 8, 9, 16, 26, 27, 41 })
        {
            var x = AlternativeInputs.Gaussian(random, 30, 11, 1);
            for (int i = 0; i < x.Data.Length; i += 3) x.Data[i] = 0; // the skipped zeros of the constructions' one-hot rows
            var w = AlternativeInputs.Gaussian(random, 11, columns, 2);
            var expected = new Matrix(30, columns);
            for (int r = 0; r < 30; r++)
            {
                for (int a = 0; a < 11; a++)
                {
                    if (x[r, a] == 0) continue;
                    for (int b = 0; b < columns; b++) expected[r, b] += x[r, a] * w[a, b];
                }
            }

            AssertBitwise(expected, AttentionAlgebra.Multiply(x, w), $"X W with {columns} columns");
        }
    }

    [Fact]
    public void ExactExpCutoff_MathExpIsZeroAtAndBelowIt_AndNotFarAbove()
    {
        Assert.Equal(0d, Math.Exp(AttentionTiles.ExactExpZeroBelow));
        var random = new Random(1);
        for (int i = 0; i < 100_000; i++) Assert.Equal(0d, Math.Exp(AttentionTiles.ExactExpZeroBelow - (random.NextDouble() * 1e4)));
        Assert.Equal(0d, Math.Exp(double.NegativeInfinity));
        Assert.True(Math.Exp(-745.0) > 0, "the cutoff is not needlessly low: e^-745 is still a subnormal");
    }

    [Fact]
    public void SoftmaxSumExactOrder_IsBitwiseTheScalarSoftmaxSum()
    {
        RequireVector512();
        var random = new Random(9);
        double cut = AttentionTiles.ExactExpZeroBelow;
        for (int trial = 0; trial < 3000; trial++)
        {
            int count = trial % 41, o = 1 + (trial % 3), rows = 50;
            var v = AlternativeInputs.Gaussian(random, rows, o, 1);
            var keys = Enumerable.Range(0, count).Select(_ => random.Next(rows)).ToArray();
            var scores = new double[count + 8];
            double top = random.NextDouble() * 100;
            for (int t = 0; t < count; t++)
            {
                scores[t] = (trial % 5) switch
                {
                    0 => random.NextDouble() * 4,                                                    // all near the max
                    1 => top - (random.Next(4) * 400),                                               // the construction's spread, with ties
                    2 => random.Next(4) switch { 0 => cut, 1 => Math.BitIncrement(cut), 2 => Math.BitDecrement(cut), _ => cut + 1e-9 }, // max 0: s - max on, and one ulp either side of, the cutoff
                    3 => random.Next(2) == 0 ? top : top + cut + ((random.NextDouble() - 0.5) * 1e-9),
                    _ => random.Next(3) - 1,                                                         // integer ties
                };
            }

            if (count > 0 && trial % 5 == 2) scores[random.Next(count)] = 0;
            if (count > 3 && trial % 97 == 0) scores[1] = trial % 2 == 0 ? double.NaN : double.PositiveInfinity;
            if (count > 3 && trial % 89 == 0) scores[2] = double.NegativeInfinity;
            var expected = new double[o];
            double expectedLse = AttentionAlgebra.SoftmaxSum(scores.AsSpan(0, count), keys, v, expected);
            var actual = new double[o];
            double actualLse;
            fixed (double* s = scores) actualLse = AttentionTiles.SoftmaxSumExactOrder(s, count, keys, v.Data, o, actual);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expectedLse), BitConverter.DoubleToInt64Bits(actualLse));
            for (int c = 0; c < o; c++) Assert.True(BitConverter.DoubleToInt64Bits(expected[c]) == BitConverter.DoubleToInt64Bits(actual[c]), $"trial {trial} count {count} c {c}: {expected[c]:R} vs {actual[c]:R}");
        }
    }

    [Fact]
    public void ScoreKernels_AreBitwiseTheScalarDots()
    {
        RequireVector512();
        var random = new Random(4);
        foreach (int m in new[] { 1, 3, 8, 21 })
        {
            foreach (int count in new[] { 1, 31, 32, 33, 70 })
            {
                var k = AlternativeInputs.Gaussian(random, 80, m, 3);
                var q = AlternativeInputs.Gaussian(random, 9, m, 3);
                var keys = Enumerable.Range(0, count).Select(_ => random.Next(80)).ToArray();
                var gather = new BlockSparseGather(k, new Matrix(80, 1));
                gather.Pack(keys);
                var queries = Enumerable.Range(0, q.Rows).ToArray();
                foreach (var block in new[] { queries, queries[..1], queries[..4], queries[..5] })
                {
                    gather.ScoreBlock(q, block);
                    var destination = new double[1];
                    for (int r = 0; r < block.Length; r++)
                    {
                        // One key: lse = max + log(1) = the score itself, so the kernel's score is read back exactly.
                        for (int t = 0; t < count; t++)
                        {
                            double expected = AttentionAlgebra.Dot(q.Row(block[r]), k.Row(keys[t]));
                            double lse = gather.Softmax(r, [t], [keys[t]], destination);
                            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(lse));
                        }
                    }
                }
            }
        }
    }
}
