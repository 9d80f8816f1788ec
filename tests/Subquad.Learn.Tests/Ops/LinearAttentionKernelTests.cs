extern alias f64;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using static Subquad.Learn.Tests.Ops.GradientCheck;
using F64LinearAttention = f64::Subquad.Learn.Ops.LinearAttention;
using F64Tape = f64::Subquad.Learn.Autodiff.Tape;
using F64Tensor = f64::Subquad.Learn.Autodiff.Tensor;

namespace Subquad.Learn.Tests.Ops;

/// <summary>
/// The fused SIMD rows of causal linear attention against the float64 quadratic oracle on random positive features:
/// in float64 (the same kernel with Real = double) the forward to 1e-12 and every gradient against central differences
/// of the oracle to 1e-6; in float32 the forward to 1e-5. Value widths d_v = 5, 16, 17, 24, 40 run the scalar tail,
/// Vector256 and Vector512 steps; 1 and 2 heads, batch 1, length 1. Results are the same bits on 1 and 2 threads,
/// and dφk, dv do not change when φq needs no gradient (the rebuild pass is then skipped).
/// </summary>
public sealed class LinearAttentionKernelTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // batch, length, heads, F, d_v
        { 1, 1, 1, 3, 17 },
        { 3, 4, 1, 2, 5 },
        { 2, 7, 2, 5, 24 },
        { 1, 9, 1, 21, 40 },
        { 1, 6, 2, 73, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float64_kernel_matches_the_quadratic_oracle_and_its_finite_differences(int batch, int length, int heads, int ff, int dv)
    {
        var rng = new Random(31 * ff + dv + length);
        int rows = batch * length;
        double[][] xs = [Positive(rng, rows * heads * ff), Positive(rng, rows * heads * ff), Normal(rng, rows * heads * dv).Select(x => (double)x).ToArray()];
        (int Rows, int Cols)[] shapes = [(rows, heads * ff), (rows, heads * ff), (rows, heads * dv)];
        var dy = Normal(rng, rows * heads * dv).Select(x => (double)x).ToArray();
        var tensors = xs.Select((a, i) => new F64Tensor(shapes[i].Rows, shapes[i].Cols, (double[])a.Clone(), requiresGrad: true)).ToArray();
        var tape = new F64Tape();
        var y = F64LinearAttention.Causal(tape, tensors[0], tensors[1], tensors[2], batch, length, heads);
        tape.Backward(y, (double[])dy.Clone());
        double[] Oracle(double[][] x) => LinearAttention.Reference.Causal(x[0], x[1], x[2], batch, length, heads, ff, dv);
        double forward = RelativeError(y.Data, Oracle(xs));
        Assert.True(forward <= 1e-12, $"forward {forward:E2}");
        for (int a = 0; a < 3; a++)
        {
            var numeric = CentralDifferences(xs, a, Oracle, dy);

            // The floor compares the ε-sized dφq of length 1 absolutely (its finite differences are rounding noise of 1e-10).
            double error = RelativeError(tensors[a].Grad!, numeric, floor: 1e-3);
            Assert.True(error <= 1e-6, $"gradient of input {a}: relative error {error:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32_kernel_forward_matches_the_oracle(int batch, int length, int heads, int ff, int dv)
    {
        var rng = new Random(17 * ff + dv + length);
        int rows = batch * length;
        var pq = Positive(rng, rows * heads * ff);
        var pk = Positive(rng, rows * heads * ff);
        var v = Normal(rng, rows * heads * dv);
        var y = LinearAttention.Causal(new Tape(), new Tensor(rows, heads * ff, pq.Select(x => (float)x).ToArray()), new Tensor(rows, heads * ff, pk.Select(x => (float)x).ToArray()), new Tensor(rows, heads * dv, v), batch, length, heads);
        var expected = LinearAttention.Reference.Causal(pq.Select(x => (double)(float)x).ToArray(), pk.Select(x => (double)(float)x).ToArray(), v.Select(x => (double)x).ToArray(), batch, length, heads, ff, dv);
        double error = RelativeError(y.Data.Select(x => (double)x).ToArray(), expected);
        Assert.True(error <= 1e-5, $"forward {error:E2}");
    }

    [Fact]
    public void Same_bits_on_one_and_two_threads_and_without_the_query_gradient()
    {
        int batch = 4, length = 30, heads = 2, ff = 21, dv = 24, rows = batch * length;
        var rng = new Random(3);
        float[][] inputs = [Positive(rng, rows * heads * ff).Select(x => (float)x).ToArray(), Positive(rng, rows * heads * ff).Select(x => (float)x).ToArray(), Normal(rng, rows * heads * dv)];
        var dy = Normal(rng, rows * heads * dv);
        int keep = LearnThreads.Max;
        try
        {
            LearnThreads.Max = 1;
            var (y1, g1) = Run(inputs, dy, batch, length, heads, queryGrad: true);
            LearnThreads.Max = 2;
            var (y2, g2) = Run(inputs, dy, batch, length, heads, queryGrad: true);
            var (y3, g3) = Run(inputs, dy, batch, length, heads, queryGrad: false);
            Assert.Equal(y1, y2);
            Assert.Equal(y1, y3);
            for (int a = 0; a < 3; a++) Assert.True(g1[a].AsSpan().SequenceEqual(g2[a]), $"gradient {a} differs between 1 and 2 threads");
            Assert.Null(g3[0]);
            for (int a = 1; a < 3; a++) Assert.True(g1[a].AsSpan().SequenceEqual(g3[a]!), $"gradient {a} differs without the query gradient");
        }
        finally
        {
            LearnThreads.Max = keep;
        }
    }

    private static (float[] Y, float[]?[] Grads) Run(float[][] inputs, float[] dy, int batch, int length, int heads, bool queryGrad)
    {
        int rows = batch * length;
        var t = inputs.Select((a, i) => new Tensor(rows, a.Length / rows, (float[])a.Clone(), requiresGrad: i > 0 || queryGrad)).ToArray();
        var tape = new Tape();
        var y = LinearAttention.Causal(tape, t[0], t[1], t[2], batch, length, heads);
        tape.Backward(y, (float[])dy.Clone());
        return (y.Data.ToArray(), t.Select(x => x.Grad?.ToArray()).ToArray());
    }

    /// <summary>Features as the Taylor map makes them: the kernel values stay positive.</summary>
    private static double[] Positive(Random rng, int count) => Uniform(rng, count, 0.1, 1.5).Select(x => (double)x).ToArray();
}
