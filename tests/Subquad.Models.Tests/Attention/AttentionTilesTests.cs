using System.Runtime.Intrinsics;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Attention;

/// <summary>The Vector512 tiled kernels against their scalar references, and the tiled engine against the float64 oracle.</summary>
public sealed unsafe class AttentionTilesTests
{
    private static void RequireVector512()
    {
        if (!Vector512.IsHardwareAccelerated) Assert.Skip("Vector512 is not hardware accelerated on this machine");
    }

    private static Matrix Random(Random random, int rows, int columns, double scale, double zeroFraction = 0)
    {
        var m = new Matrix(rows, columns);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = random.NextDouble() < zeroFraction ? 0 : scale * ((2 * random.NextDouble()) - 1);
        return m;
    }

    [Fact]
    public void ExpNonPositive_Vector512_IsWithinOneUlp()
    {
        RequireVector512();
        var xs = new List<float> { 0f, -0f, -float.Epsilon, -1e-30f, -1e-7f, -0.5f, -0.6931472f, -0.34657359f, -1f, -10f, -85.99f, -86f, -86.01f, -87.5f, -103.9f, -104f, -104.1f, -200f, -1e30f, float.MinValue };
        for (double x = -86; x <= 0; x += 1.7e-4) xs.Add((float)x);
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++) xs.Add(-(float)(random.NextDouble() * 120));
        while (xs.Count % 16 != 0) xs.Add(-1f);
        var input = xs.ToArray();
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i += 16)
        {
            AttentionTiles.ExpNonPositiveVector512(Vector512.Create(input.AsSpan(i, 16))).CopyTo(output.AsSpan(i, 16));
        }

        double worst = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            double exact = Math.Exp(x);
            if (x < AttentionTiles.FloatExpUnderflow)
            {
                Assert.True(output[i] == 0, $"e^{x} should round to 0 but gave {output[i]}");
            }
            else if (x < -86)
            {
                Assert.True(Math.Abs(output[i] - exact) <= 4.5e-38, $"e^{x}: {output[i]} vs {exact}");
            }
            else
            {
                double relative = Math.Abs(output[i] - exact) / exact;
                worst = Math.Max(worst, relative);
                Assert.True(relative <= 1.2e-7, $"e^{x}: {output[i]} vs {exact}, relative {relative}");
            }
        }

        Assert.True(worst > 0, "the sweep compared nothing");
    }

    [Fact]
    public void ScorePanels_Vector512_MatchesScalar_Float32AndFloat64()
    {
        RequireVector512();
        var random = new Random(17);
        for (int trial = 0; trial < 60; trial++)
        {
            int m = random.Next(1, 131), rowBlocks = random.Next(1, 9), panelCount = random.Next(1, 5);
            CheckScores<float>(random, m, rowBlocks, panelCount, 2e-6);
            CheckScores<double>(random, m, rowBlocks, panelCount, 1e-14);
        }
    }

    private static void CheckScores<T>(Random random, int m, int rowBlocks, int panelCount, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int p = AttentionTiles.PanelWidth<T>();
        int rows = rowBlocks * AttentionTiles.RowBlock, keys = panelCount * p, stride = keys + (random.Next(0, 3) * Vector512<T>.Count);
        int qStride = m + random.Next(0, 3);
        var q = new T[rows * qStride];
        var panels = new T[keys * m];
        for (int i = 0; i < q.Length; i++) q[i] = T.CreateTruncating((2 * random.NextDouble()) - 1);
        for (int i = 0; i < panels.Length; i++) panels[i] = T.CreateTruncating((2 * random.NextDouble()) - 1);
        var expected = new T[rows * stride];
        var actual = new T[rows * stride];
        AttentionTiles.ScorePanelsScalar<T>(q, qStride, rowBlocks, panels, panelCount, m, p, expected, stride);
        fixed (T* qp = q, kp = panels, sp = actual)
        {
            AttentionTiles.ScorePanelsVector512(qp, qStride, rowBlocks, kp, panelCount, m, sp, stride);
        }

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < keys; j++)
            {
                // FMA and the plain loop round differently; both are within m ulps of the sum of |terms| <= m.
                double e = double.CreateTruncating(expected[(r * stride) + j]), a = double.CreateTruncating(actual[(r * stride) + j]);
                Assert.True(Math.Abs(e - a) <= tolerance * m, $"{typeof(T).Name} m = {m}, row {r}, key {j}: {a} vs {e}");
            }
        }
    }

    [Fact]
    public void SoftmaxRow_Vector512_MatchesAPlainSoftmaxOverAllTiles()
    {
        // A row streamed over several tiles (the maximum moving up, down and not at all between tiles, tails of every
        // length, some tiles entirely underflowing) must give the plain softmax-weighted sums: a / l = sum_j
        // softmax_j v_j, and l = sum_j exp(s_j - max_j s_j).
        RequireVector512();
        var random = new Random(57);
        for (int trial = 0; trial < 200; trial++)
        {
            int o = trial % 3 == 0 ? 3 : 1, tiles = random.Next(1, 5), width = 64 * random.Next(1, 4);
            var valid = new int[tiles];
            for (int t = 0; t < tiles; t++) valid[t] = t < tiles - 1 ? width : random.Next(1, width + 1);
            var scores = new List<double>();
            var values = new List<double[]>();
            double shift = 0;
            var state = new float[] { float.NegativeInfinity };
            var sum = Vector512<float>.Zero;
            var accumulator = new Vector512<float>[o];
            for (int t = 0; t < tiles; t++)
            {
                // Each tile draws around its own level: later tiles can raise the maximum by hundreds or stay far below it.
                shift = random.Next(4) switch { 0 => shift + 300, 1 => shift - 300, _ => shift };
                var s = new float[width];
                var v = new float[o * width];
                for (int j = 0; j < width; j++) s[j] = (float)(shift + (random.NextDouble() * 20) - 10);
                for (int i = 0; i < v.Length; i++) v[i] = (float)((2 * random.NextDouble()) - 1);
                for (int j = 0; j < valid[t]; j++)
                {
                    scores.Add(s[j]);
                    values.Add(Enumerable.Range(0, o).Select(c => (double)v[(c * width) + j]).ToArray());
                }

                fixed (float* sp = s, vp = v)
                fixed (Vector512<float>* ap = accumulator)
                {
                    AttentionTiles.SoftmaxRowVector512(sp, valid[t], vp, width, o, ref state[0], &sum, ap);
                }
            }

            double max = scores.Max(), l = 0;
            var a = new double[o];
            for (int j = 0; j < scores.Count; j++)
            {
                double e = Math.Exp(scores[j] - max);
                l += e;
                for (int c = 0; c < o; c++) a[c] += e * values[j][c];
            }

            Assert.Equal(max, state[0]);
            double total = Vector512.Sum(sum);
            Assert.True(Math.Abs(total - l) <= 1e-5 * l, $"trial {trial}: sum {total} vs {l}");
            for (int c = 0; c < o; c++)
            {
                double got = Vector512.Sum(accumulator[c]) / total, expected = a[c] / l;
                Assert.True(Math.Abs(got - expected) <= 1e-5, $"trial {trial}, column {c}: {got} vs {expected}");
            }
        }
    }

    [Fact]
    public void ProjectRow_Vector512_MatchesScalar()
    {
        RequireVector512();
        var random = new Random(23);
        for (int trial = 0; trial < 50; trial++)
        {
            int d = random.Next(1, 120), width = 64 * random.Next(1, 6);
            var x = new double[d];
            for (int k = 0; k < d; k++) x[k] = random.NextDouble() < 0.6 ? 0 : (2 * random.NextDouble()) - 1;
            var w = new float[d * width];
            for (int i = 0; i < w.Length; i++) w[i] = (float)((2 * random.NextDouble()) - 1);
            var expected = new float[width];
            var actual = new float[width];
            AttentionTiles.ProjectRowScalar<float>(x, w, width, expected);
            var scratch = new int[d];
            fixed (double* xp = x)
            fixed (float* wp = w, ap = actual)
            fixed (int* sp = scratch)
            {
                AttentionTiles.ProjectRowVector512(xp, d, wp, width, ap, sp);
            }

            for (int c = 0; c < width; c++) Assert.True(Math.Abs(expected[c] - actual[c]) <= 2e-6 * d, $"d = {d}, column {c}: {actual[c]} vs {expected[c]}");
        }
    }

    [Fact]
    public void TiledEngine_PastTheSerialProjectionLimit_MatchesReference()
    {
        // Above 2,048 rows the projections run in parallel chunks of 256 rows; 2,049 and 2,600 end mid-chunk and mid-panel.
        RequireVector512();
        var random = new Random(41);
        foreach (int n in new[] { 2049, 2600 })
        {
            var x = Random(random, n, 7, 1, zeroFraction: 0.3);
            var w = new AttentionWeights(Random(random, 7, 9, 2), Random(random, 7, 9, 2), Random(random, 7, 2, 1));
            var expected = AttentionReference.AttentionForward(x, w);
            var f64 = new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Vector512 }).Forward(x, w);
            var f32 = new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Vector512, Precision = AttentionPrecision.Float32 }).Forward(x, w);
            for (int i = 0; i < expected.Data.Length; i++)
            {
                double e = expected.Data[i];
                Assert.True(Math.Abs(e - f64.Data[i]) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"f64 n = {n}, entry {i}: {f64.Data[i]} vs {e}");
                Assert.True(Math.Abs(e - f32.Data[i]) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"f32 n = {n}, entry {i}: {f32.Data[i]} vs {e}");
            }
        }
    }

    [Fact]
    public void TiledEngine_EveryN1To300_MatchesReference()
    {
        RequireVector512();
        var random = new Random(31);
        var shapes = new (int RowTile, int KeyTile)[] { (4, 32), (8, 64), (32, 256), (12, 96) };
        for (int n = 1; n <= 300; n++)
        {
            // m and d_out deliberately off the vector width; every n exercises a different tail.
            int d = random.Next(1, 24), m = random.Next(1, 40), o = n % 5 == 0 ? 3 : 1;
            var (rowTile, keyTile) = shapes[n % shapes.Length];
            var x = Random(random, n, d, 1, zeroFraction: 0.3);
            // Every seventh n uses scores of hundreds, so most exps underflow and whole vectors are skipped.
            double scale = n % 7 == 0 ? 12 : 2;
            var w = new AttentionWeights(Random(random, d, m, scale), Random(random, d, m, scale), Random(random, d, o, 1));
            var expected = AttentionReference.AttentionForward(x, w);
            var f64 = new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Vector512, RowTile = rowTile, KeyTile = keyTile }).Forward(x, w);
            var f32 = new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Vector512, Precision = AttentionPrecision.Float32, RowTile = rowTile, KeyTile = keyTile }).Forward(x, w);
            for (int i = 0; i < expected.Data.Length; i++)
            {
                double e = expected.Data[i];
                Assert.True(Math.Abs(e - f64.Data[i]) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"f64 n = {n}, d = {d}, m = {m}, o = {o}, entry {i}: {f64.Data[i]} vs {e}");
                if (scale < 10)
                {
                    Assert.True(Math.Abs(e - f32.Data[i]) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"f32 n = {n}, d = {d}, m = {m}, o = {o}, entry {i}: {f32.Data[i]} vs {e}");
                }
            }
        }
    }
}
