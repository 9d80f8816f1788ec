using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using static Subquad.Learn.Tests.Ops.GradientCheck;

namespace Subquad.Learn.Tests.Ops;

/// <summary>Every op: float32 forward against its float64 reference, gradients against central differences.</summary>
public sealed class OpGradientTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(6, 9, 4)]
    public void Linear_matches_reference_and_finite_differences(int m, int k, int n)
    {
        var rng = new Random(m * 100 + k * 10 + n);
        GradientCheck.Check("linear", [Normal(rng, m * k), Normal(rng, k * n), Normal(rng, n)], [(m, k), (k, n), (1, n)],
            (t, x) => Linear.Apply(t, x[0], x[1], x[2]), x => Linear.Reference.Forward(x[0], x[1], x[2], m, k, n));
    }

    [Fact]
    public void Matmul_kernels_match_the_scalar_product_at_every_small_size_single_and_multi_threaded()
    {
        var rng = new Random(7);
        foreach (int threads in new[] { 1, 2 })
        {
            int keep = LearnThreads.Max;
            LearnThreads.Max = threads;
            try
            {
                foreach (var (m, k, n) in new[] { (1, 1, 1), (2, 3, 5), (7, 13, 17), (33, 9, 65), (70, 70, 70) })
                {
                    var a = Normal(rng, m * k);
                    var b = Normal(rng, k * n);
                    var c = new float[m * n];
                    MatMul.AddAB(a, b, c, m, k, n);
                    var expected = Linear.Reference.Forward(a.Select(v => (double)v).ToArray(), b.Select(v => (double)v).ToArray(), null, m, k, n);
                    Assert.True(RelativeError(c.Select(v => (double)v).ToArray(), expected) < 1e-5, $"AB {m}x{k}x{n}");

                    var bt = Normal(rng, n * k);
                    var c2 = new float[m * n];
                    MatMul.AddABt(a, bt, c2, m, k, n);
                    var btT = new double[k * n];
                    for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) btT[p * n + j] = bt[j * k + p];
                    Assert.True(RelativeError(c2.Select(v => (double)v).ToArray(), Linear.Reference.Forward(a.Select(v => (double)v).ToArray(), btT, null, m, k, n)) < 1e-5, $"ABt {m}x{k}x{n}");

                    var bm = Normal(rng, m * n);
                    var c3 = new float[k * n];
                    MatMul.AddAtB(a, bm, c3, m, k, n);
                    var aT = new double[k * m];
                    for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) aT[p * m + i] = a[i * k + p];
                    Assert.True(RelativeError(c3.Select(v => (double)v).ToArray(), Linear.Reference.Forward(aT, bm.Select(v => (double)v).ToArray(), null, k, m, n)) < 1e-5, $"AtB {m}x{k}x{n}");
                }
            }
            finally
            {
                LearnThreads.Max = keep;
            }
        }
    }

    [Fact]
    public void Embedding_gathers_rows_and_scatters_gradients_including_repeated_ids()
    {
        var rng = new Random(2);
        int[] ids = [0, 3, 3, 1, 0];
        GradientCheck.Check("embedding", [Normal(rng, 4 * 3)], [(4, 3)], (t, x) => Embedding.Apply(t, x[0], ids), x => Embedding.Reference.Forward(x[0], 3, ids));
    }

    [Fact]
    public void RmsNorm_LayerNorm_and_L2Normalize()
    {
        var rng = new Random(3);
        int m = 5, d = 6;
        GradientCheck.Check("rmsnorm", [Normal(rng, m * d), Normal(rng, d, 0.3, 1)], [(m, d), (1, d)], (t, x) => Norms.RmsNorm(t, x[0], x[1]), x => Norms.Reference.RmsNorm(x[0], x[1], m, d));
        GradientCheck.Check("layernorm", [Normal(rng, m * d), Normal(rng, d, 0.3, 1), Normal(rng, d)], [(m, d), (1, d), (1, d)], (t, x) => Norms.LayerNorm(t, x[0], x[1], x[2]), x => Norms.Reference.LayerNorm(x[0], x[1], x[2], m, d));
        GradientCheck.Check("l2normalize", [Normal(rng, m * d)], [(m, d)], (t, x) => Norms.L2Normalize(t, x[0], 3), x => Norms.Reference.L2Normalize(x[0], m, d, 3));
    }

    [Fact]
    public void Activations_including_softplus_above_its_linear_threshold()
    {
        var rng = new Random(4);
        var x = Normal(rng, 24, 3);
        x[0] = 25; // softplus passes it through
        x[1] = -30;
        (string, Func<Tape, Tensor, Tensor>, Func<double, double>)[] cases =
        [
            ("silu", Activations.Silu, Activations.Reference.Silu),
            ("gelu", Activations.Gelu, Activations.Reference.Gelu),
            ("sigmoid", Activations.Sigmoid, Activations.Reference.Sigmoid),
            ("softplus", Activations.Softplus, Activations.Reference.Softplus),
        ];
        foreach (var (name, op, reference) in cases)
        {
            GradientCheck.Check(name, [x], [(4, 6)], (t, a) => op(t, a[0]), a => a[0].Select(reference).ToArray());
        }
    }

    [Fact]
    public void Add_mul_and_column_slices()
    {
        var rng = new Random(5);
        GradientCheck.Check("add", [Normal(rng, 12), Normal(rng, 12)], [(3, 4), (3, 4)], (t, x) => Elementwise.Add(t, x[0], x[1]), x => x[0].Zip(x[1], (a, b) => a + b).ToArray());
        GradientCheck.Check("mul", [Normal(rng, 12), Normal(rng, 12)], [(3, 4), (3, 4)], (t, x) => Elementwise.Mul(t, x[0], x[1]), x => x[0].Zip(x[1], (a, b) => a * b).ToArray());
        GradientCheck.Check("columns", [Normal(rng, 15)], [(3, 5)], (t, x) => Elementwise.Columns(t, x[0], 1, 3),
            x => Enumerable.Range(0, 3).SelectMany(r => x[0].Skip(r * 5 + 1).Take(3)).ToArray());
        // The same input used twice accumulates both gradients.
        GradientCheck.Check("mul-self", [Normal(rng, 6)], [(2, 3)], (t, x) => Elementwise.Mul(t, x[0], x[0]), x => x[0].Select(a => a * a).ToArray());
    }

    [Fact]
    public void Cross_entropy_ignores_unlabelled_rows()
    {
        var rng = new Random(6);
        int[] targets = [2, -1, 0, 1];
        GradientCheck.Check("cross-entropy", [Normal(rng, 12, 2)], [(4, 3)], (t, x) => CrossEntropy.Apply(t, x[0], targets), x => [CrossEntropy.Reference.Forward(x[0], targets, 3)]);
        var none = CrossEntropy.Apply(new Tape(), new Tensor(2, 3), [-1, -1]);
        Assert.Equal(0f, none.Data[0]);
    }

    [Theory]
    [InlineData(1, 1, 1, 2, null)]
    [InlineData(2, 5, 2, 3, null)]
    [InlineData(2, 6, 1, 4, 2)]
    [InlineData(1, 7, 2, 2, 3)]
    [InlineData(1, 4, 1, 2, 1)]
    [InlineData(1, 70, 2, 3, null)] // three row blocks of the tiled kernel, the last one partial
    [InlineData(2, 67, 1, 4, 40)] // a window that spans two key blocks
    [InlineData(1, 70, 1, 9, 5)] // a window narrower than a block, so key blocks below the band are skipped
    public void Causal_attention_full_and_windowed(int batch, int length, int heads, int d, int? window)
    {
        var rng = new Random(batch * 1000 + length * 10 + heads + (window ?? 0));
        int rows = batch * length, width = heads * d;
        GradientCheck.Check($"attention w={window}", [Normal(rng, rows * width), Normal(rng, rows * width), Normal(rng, rows * width)], [(rows, width), (rows, width), (rows, width)],
            (t, x) => CausalAttention.Apply(t, x[0], x[1], x[2], batch, length, heads, window),
            x => CausalAttention.Reference.Forward(x[0], x[1], x[2], batch, length, heads, width, window));
    }

    [Fact]
    public void Attention_is_causal_a_future_token_changes_nothing_before_it()
    {
        var rng = new Random(8);
        int length = 6, width = 4;
        var q = Normal(rng, length * width);
        var k = Normal(rng, length * width);
        var v = Normal(rng, length * width);
        var y1 = CausalAttention.Apply(new Tape(), new Tensor(length, width, q), new Tensor(length, width, k), new Tensor(length, width, v), 1, length, 2);
        k[5 * width] += 3;
        v[5 * width + 1] -= 2;
        var y2 = CausalAttention.Apply(new Tape(), new Tensor(length, width, q), new Tensor(length, width, k), new Tensor(length, width, v), 1, length, 2);
        Assert.Equal(y1.Data.Take(5 * width), y2.Data.Take(5 * width));
        Assert.NotEqual(y1.Data.Skip(5 * width), y2.Data.Skip(5 * width));
    }

    [Theory]
    [InlineData(1, 1, 1, 4)]
    [InlineData(2, 5, 3, 4)]
    [InlineData(1, 6, 2, 3)]
    public void Causal_conv(int batch, int length, int channels, int kernel)
    {
        var rng = new Random(9 + length);
        int rows = batch * length;
        GradientCheck.Check("conv", [Normal(rng, rows * channels), Normal(rng, channels * kernel), Normal(rng, channels)], [(rows, channels), (channels, kernel), (1, channels)],
            (t, x) => CausalConv.Apply(t, x[0], x[1], x[2], batch, length), x => CausalConv.Reference.Forward(x[0], x[1], x[2], batch, length, channels, kernel));
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 5, 3, 2)]
    [InlineData(1, 7, 2, 4)]
    [InlineData(1, 1, 1, 16)] // one whole Vector512 chunk of states
    [InlineData(2, 4, 2, 17)] // a chunk and a scalar tail
    public void Selective_scan(int batch, int length, int e, int n)
    {
        var rng = new Random(10 + length * e);
        int rows = batch * length;
        // Δ after softplus is positive; A_log as Mamba's S4D-real init (log 1..N) plus noise.
        var aLog = new float[e * n];
        for (int c = 0; c < e; c++) for (int k = 0; k < n; k++) aLog[c * n + k] = (float)(Math.Log(k + 1) + 0.1 * rng.NextDouble());
        GradientCheck.Check("selective scan",
            [Normal(rng, rows * e), Uniform(rng, rows * e, 0.05, 1.0), aLog, Normal(rng, rows * n), Normal(rng, rows * n), Normal(rng, e)],
            [(rows, e), (rows, e), (e, n), (rows, n), (rows, n), (1, e)],
            (t, x) => SelectiveScan.Apply(t, x[0], x[1], x[2], x[3], x[4], x[5], batch, length),
            x => SelectiveScan.Reference.Forward(x[0], x[1], x[2], x[3], x[4], x[5], batch, length, e, n));
    }

    [Fact]
    public void Taylor_feature_map_gives_the_second_order_exponential_kernel()
    {
        var rng = new Random(11);
        int heads = 2, f = 3, rows = 4;
        var x = Normal(rng, rows * heads * f);
        GradientCheck.Check("taylor map", [x], [(rows, heads * f)], (t, a) => LinearAttention.TaylorFeatureMap(t, a[0], heads), a => LinearAttention.Reference.TaylorFeatureMap(a[0], rows, heads, f));
        var phi = LinearAttention.TaylorFeatureMap(new Tape(), new Tensor(rows, heads * f, x), heads);
        int ff = LinearAttention.TaylorFeatures(f);
        double dot = 0, qk = 0;
        for (int c = 0; c < ff; c++) dot += (double)phi.Data[c] * phi.Data[phi.Cols + c];
        for (int c = 0; c < f; c++) qk += (double)x[c] * x[heads * f + c];
        Assert.Equal(1 + qk / Math.Sqrt(f) + qk * qk / (2 * f), dot, 4);
    }

    [Theory]
    [InlineData(1, 1, 1, 3, 2)]
    [InlineData(2, 5, 2, 4, 3)]
    public void Causal_linear_attention_recurrent_form_against_the_quadratic_oracle(int batch, int length, int heads, int ff, int dv)
    {
        var rng = new Random(12 + length);
        int rows = batch * length;
        // Features as the Taylor map makes them: positive kernel values (here: positive features).
        GradientCheck.Check("linear attention", [Uniform(rng, rows * heads * ff, 0.1, 1.5), Uniform(rng, rows * heads * ff, 0.1, 1.5), Normal(rng, rows * heads * dv)],
            [(rows, heads * ff), (rows, heads * ff), (rows, heads * dv)],
            (t, x) => LinearAttention.Causal(t, x[0], x[1], x[2], batch, length, heads),
            x => LinearAttention.Reference.Causal(x[0], x[1], x[2], batch, length, heads, ff, dv));
    }

    [Theory]
    [InlineData(1, 1, 1, 2)]
    [InlineData(2, 5, 2, 3)]
    [InlineData(1, 6, 1, 4)]
    public void Gated_delta_rule(int batch, int length, int heads, int d)
    {
        var rng = new Random(13 + length * d);
        int rows = batch * length, width = heads * d;
        GradientCheck.Check("gated delta rule",
            [Normal(rng, rows * width), Normal(rng, rows * width, 0.5), Normal(rng, rows * width), Uniform(rng, rows * heads, 0.1, 0.9), Uniform(rng, rows * heads, 0.5, 1.0)],
            [(rows, width), (rows, width), (rows, width), (rows, heads), (rows, heads)],
            (t, x) => GatedDeltaRule.Apply(t, x[0], x[1], x[2], x[3], x[4], batch, length, heads),
            x => GatedDeltaRule.Reference.Forward(x[0], x[1], x[2], x[3], x[4], batch, length, heads, d));
    }

    [Fact]
    public void The_check_itself_catches_a_wrong_gradient()
    {
        // A reference that is 1% off in one input's direction must fail the gradient tolerance: the harness can fail.
        var rng = new Random(14);
        var (_, gradient) = GradientCheck.Run([Normal(rng, 6), Normal(rng, 6)], [(2, 3), (2, 3)], (t, x) => Elementwise.Mul(t, x[0], x[1]),
            x => x[0].Zip(x[1], (a, b) => a * b * 1.01).ToArray(), 1);
        Assert.True(gradient.Max() > GradientTolerance);
    }
}
