using Subquad.Gpu.Attention;
using Subquad.Gpu.Devices;
using Subquad.Models.Attention;

namespace Subquad.Gpu.Tests;

/// <summary>
/// The streaming attention kernel (Def 2.1) against the float64 reference on random inputs: n not a multiple of the
/// tile, m not a multiple of the k-chunk, several output columns, slices of query rows, one row.
/// </summary>
public class GpuAttentionTests
{
    internal static (Matrix X, AttentionWeights Weights) RandomInput(Random random, int n, int d, int m, int o, double scale)
    {
        static Matrix Fill(Random random, int r, int c, double scale)
        {
            var matrix = new Matrix(r, c);
            for (int e = 0; e < matrix.Data.Length; e++) matrix.Data[e] = ((random.NextDouble() * 2) - 1) * scale;
            return matrix;
        }

        return (Fill(random, n, d, 1), new AttentionWeights(Fill(random, d, m, scale), Fill(random, d, m, 1), Fill(random, d, o, 1)));
    }

    internal static void AssertClose(Matrix expected, Matrix actual, double tolerance, string where)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Columns, actual.Columns);
        for (int e = 0; e < expected.Data.Length; e++)
        {
            double diff = Math.Abs(expected.Data[e] - actual.Data[e]);
            Assert.True(diff <= tolerance * (1 + Math.Abs(expected.Data[e])), $"{where}: entry {e}: reference {expected.Data[e]}, gpu {actual.Data[e]}");
        }
    }

    internal static void Check(GpuDevice device, int cases, int maxN, int seed)
    {
        var random = new Random(seed);
        for (int c = 0; c < cases; c++)
        {
            int n = 1 + random.Next(maxN), d = 1 + random.Next(12), m = 1 + random.Next(40), o = 1 + random.Next(5);
            double scale = random.Next(2) == 0 ? 0.3 : 3; // soft and sharp softmax
            var (x, weights) = RandomInput(random, n, d, m, o, scale);
            var mixer = new GpuAttention(device) { RowsPerLaunch = random.Next(2) == 0 ? 8 : 1 << 16 };
            var expected = AttentionReference.AttentionForward(x, weights);
            AssertClose(expected, mixer.Forward(x, weights), 2e-4, $"case {c}: n {n}, d {d}, m {m}, o {o}, scale {scale}");
        }
    }

    [Fact]
    public void Forward_RandomShapes_MatchFloat64ReferenceWithinFloat32Rounding() => Check(Devices.Cpu, Devices.Long ? 40 : 12, 70, 11);

    [Fact]
    public void Forward_NoRowsAndOneRow_AreExact()
    {
        var random = new Random(12);
        var (x, weights) = RandomInput(random, 1, 3, 4, 2, 1);
        var output = new GpuAttention(Devices.Cpu).Forward(x, weights);
        var expected = AttentionReference.AttentionForward(x, weights); // one row: softmax weight 1, output = x V
        AssertClose(expected, output, 1e-6, "one row");
        var (empty, w0) = RandomInput(random, 0, 3, 4, 2, 1);
        Assert.Equal(0, new GpuAttention(Devices.Cpu).Forward(empty, w0).Rows);
    }
}
