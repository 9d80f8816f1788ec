extern alias f64;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using static Subquad.Learn.Tests.Ops.GradientCheck;
using F64Rule = f64::Subquad.Learn.Ops.GatedDeltaRule;
using F64Tape = f64::Subquad.Learn.Autodiff.Tape;
using F64Tensor = f64::Subquad.Learn.Autodiff.Tensor;

namespace Subquad.Learn.Tests.Ops;

/// <summary>
/// The SIMD gated delta rule (row kernels, checkpointed backward) against its float64 scalar reference on random
/// inputs: forward and all five gradients, in float64 (the same kernel compiled with Real = double) to 1e-12 and in
/// float32 to 1e-4, at head dimensions that exercise every lane path (d = 1, 5, 17, 24, 40: scalar tails, one
/// Vector256 step, Vector512 steps plus tails), 1 and 2 heads, batch 1, length 1, and checkpoint chunks that do and
/// do not divide the length. The backward rebuilds states from checkpoints; it must give the same bits whatever the
/// chunk, and the same bits on 1 and 2 threads.
/// </summary>
public sealed class GatedDeltaRuleKernelTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // batch, length, heads, d, chunk (0: the default chunk for d)
        { 1, 1, 1, 1, 0 },
        { 1, 1, 1, 5, 0 },
        { 1, 1, 2, 17, 1 },
        { 2, 7, 2, 5, 3 },
        { 1, 9, 1, 17, 2 },
        { 2, 20, 1, 17, 4 },
        { 1, 70, 1, 5, 0 },
        { 1, 13, 2, 24, 5 },
        { 3, 6, 1, 40, 6 },
        { 1, 11, 1, 40, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float64_kernel_matches_the_scalar_reference_forward_and_backward(int batch, int length, int heads, int d, int chunk)
    {
        var (q, k, v, beta, alpha) = Inputs(new Random(100 * d + 10 * length + heads), batch, length, heads, d);
        var dO = Normal(new Random(7 * d + length), batch * length * heads * d).Select(x => (double)x).ToArray();
        int rows = batch * length, width = heads * d;
        var xs = new[] { q, k, v, beta, alpha }.Select(a => a.Select(x => (double)x).ToArray()).ToArray();
        var tensors = xs.Select((a, i) => new F64Tensor(rows, i < 3 ? width : heads, (double[])a.Clone(), requiresGrad: true)).ToArray();
        var tape = new F64Tape();
        var o = chunk == 0
            ? F64Rule.Apply(tape, tensors[0], tensors[1], tensors[2], tensors[3], tensors[4], batch, length, heads)
            : F64Rule.Apply(tape, tensors[0], tensors[1], tensors[2], tensors[3], tensors[4], batch, length, heads, chunk);
        tape.Backward(o, (double[])dO.Clone());
        var expected = F64Rule.Reference.Forward(xs[0], xs[1], xs[2], xs[3], xs[4], batch, length, heads, d);
        Assert.True(RelativeError(o.Data, expected) <= 1e-12, $"forward {RelativeError(o.Data, expected):E2}");
        var grads = F64Rule.Reference.Backward(xs[0], xs[1], xs[2], xs[3], xs[4], dO, batch, length, heads, d);
        string[] names = ["dq", "dk", "dv", "dbeta", "dalpha"];
        for (int a = 0; a < 5; a++)
        {
            double error = RelativeError(tensors[a].Grad!, grads[a]);
            Assert.True(error <= 1e-12, $"{names[a]}: relative error {error:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32_kernel_matches_the_float64_reference_forward_and_backward(int batch, int length, int heads, int d, int chunk)
    {
        var (q, k, v, beta, alpha) = Inputs(new Random(200 * d + 10 * length + heads), batch, length, heads, d);
        var dO = Normal(new Random(9 * d + length), batch * length * heads * d);
        var (o, grads) = RunFloat32([q, k, v, beta, alpha], dO, batch, length, heads, chunk);
        var xs = new[] { q, k, v, beta, alpha }.Select(a => a.Select(x => (double)x).ToArray()).ToArray();
        var expected = GatedDeltaRule.Reference.Forward(xs[0], xs[1], xs[2], xs[3], xs[4], batch, length, heads, d);
        Assert.True(RelativeError(ToDouble(o), expected) <= 1e-5, $"forward {RelativeError(ToDouble(o), expected):E2}");
        var reference = GatedDeltaRule.Reference.Backward(xs[0], xs[1], xs[2], xs[3], xs[4], ToDouble(dO), batch, length, heads, d);
        for (int a = 0; a < 5; a++)
        {
            double error = RelativeError(ToDouble(grads[a]), reference[a]);
            Assert.True(error <= 1e-4, $"gradient {a}: relative error {error:E2}");
        }
    }

    [Fact]
    public void Gradients_do_not_depend_on_the_checkpoint_chunk_or_the_thread_count()
    {
        int batch = 3, length = 37, heads = 2, d = 24;
        var (q, k, v, beta, alpha) = Inputs(new Random(5), batch, length, heads, d);
        var dO = Normal(new Random(6), batch * length * heads * d);
        int keep = LearnThreads.Max;
        try
        {
            LearnThreads.Max = 1;
            var (o1, g1) = RunFloat32([q, k, v, beta, alpha], dO, batch, length, heads, 0);
            foreach (var (threads, chunk) in new[] { (2, 0), (2, 1), (1, 5), (2, 36), (2, 37), (2, 64) })
            {
                LearnThreads.Max = threads;
                var (o2, g2) = RunFloat32([q, k, v, beta, alpha], dO, batch, length, heads, chunk);
                Assert.Equal(o1, o2);
                for (int a = 0; a < 5; a++) Assert.True(g1[a].AsSpan().SequenceEqual(g2[a]), $"gradient {a} differs with {threads} threads, chunk {chunk}");
            }
        }
        finally
        {
            LearnThreads.Max = keep;
        }
    }

    [Fact]
    public void Default_chunk_keeps_the_rebuilt_states_within_half_a_mebibyte()
    {
        Assert.Equal(64, GatedDeltaRule.ChunkTokens(8));
        Assert.Equal(8, GatedDeltaRule.ChunkTokens(128));
        Assert.Equal(1, GatedDeltaRule.ChunkTokens(512));
        Assert.Equal(64, GatedDeltaRule.ChunkTokens(0));
        Assert.Equal(1, GatedDeltaRule.ChunkTokens(100_000));
        foreach (int d in new[] { 16, 32, 64, 100, 128, 256 }) Assert.True(GatedDeltaRule.ChunkTokens(d) * d * d * sizeof(float) <= 512 * 1024);
    }

    private static (float[] O, float[][] Grads) RunFloat32(float[][] inputs, float[] dO, int batch, int length, int heads, int chunk)
    {
        int rows = batch * length, width = inputs[0].Length / rows;
        var t = inputs.Select((a, i) => new Tensor(rows, i < 3 ? width : heads, (float[])a.Clone(), requiresGrad: true)).ToArray();
        var tape = new Tape();
        var o = chunk == 0
            ? GatedDeltaRule.Apply(tape, t[0], t[1], t[2], t[3], t[4], batch, length, heads)
            : GatedDeltaRule.Apply(tape, t[0], t[1], t[2], t[3], t[4], batch, length, heads, chunk);
        tape.Backward(o, (float[])dO.Clone());
        return (o.Data.ToArray(), t.Select(x => x.Grad!.ToArray()).ToArray());
    }

    /// <summary>q, k unit-norm per head (as the mixer feeds them: the update then stays contractive), v normal, β, α in (0, 1).</summary>
    private static (float[] Q, float[] K, float[] V, float[] Beta, float[] Alpha) Inputs(Random rng, int batch, int length, int heads, int d)
    {
        int rows = batch * length, width = heads * d;
        return (UnitRows(Normal(rng, rows * width), d), UnitRows(Normal(rng, rows * width), d), Normal(rng, rows * width), Uniform(rng, rows * heads, 0.1, 0.9), Uniform(rng, rows * heads, 0.5, 1.0));
    }

    private static float[] UnitRows(float[] x, int d)
    {
        for (int r = 0; r < x.Length / d; r++)
        {
            var s = x.AsSpan(r * d, d);
            double n = 0;
            foreach (float e in s) n += (double)e * e;
            for (int i = 0; i < d; i++) s[i] = (float)(s[i] / Math.Sqrt(n));
        }

        return x;
    }

    private static double[] ToDouble(float[] x) => x.Select(e => (double)e).ToArray();
}
