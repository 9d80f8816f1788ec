using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using static Subquad.Learn.Tests.Ops.GradientCheck;

namespace Subquad.Learn.Tests.Ops;

/// <summary>
/// The SIMD kernels against the scalar loops they replace, on the same random inputs: forward values and every input
/// gradient within float32 rounding, at the edges of the vector width (a dimension below one vector, exactly one, one
/// more, several with a tail), batch 1, length 1, and on 1 and 2 threads (bit-equal: each thread owns whole sequences
/// and the parameter gradients are reduced in sequence order).
/// </summary>
public sealed class VectorKernelTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, 1, 1, 16)]
    [InlineData(1, 9, 3, 5)]
    [InlineData(2, 7, 3, 16)]
    [InlineData(3, 6, 4, 17)]
    [InlineData(2, 5, 2, 40)]
    [InlineData(4, 33, 8, 16)]
    public void Selective_scan_vector_kernel_equals_the_scalar_loop(int batch, int length, int e, int n)
    {
        var rng = new Random(batch * 1000 + length * 100 + e * 10 + n);
        int rows = batch * length;
        var aLog = new float[e * n];
        for (int c = 0; c < e; c++) for (int k = 0; k < n; k++) aLog[c * n + k] = (float)(Math.Log(k + 1) + 0.3 * rng.NextDouble());
        float[][] inputs = [Normal(rng, rows * e), Uniform(rng, rows * e, 0.001, 1.5), aLog, Normal(rng, rows * n), Normal(rng, rows * n), Normal(rng, e)];
        (int, int)[] shapes = [(rows, e), (rows, e), (e, n), (rows, n), (rows, n), (1, e)];
        var seed = Normal(rng, rows * e);
        var scalar = Run(inputs, shapes, seed, 1, (t, x) => SelectiveScan.Apply(t, x[0], x[1], x[2], x[3], x[4], x[5], batch, length, vectorised: false));
        var vector1 = Run(inputs, shapes, seed, 1, (t, x) => SelectiveScan.Apply(t, x[0], x[1], x[2], x[3], x[4], x[5], batch, length, vectorised: true));
        var vector2 = Run(inputs, shapes, seed, 2, (t, x) => SelectiveScan.Apply(t, x[0], x[1], x[2], x[3], x[4], x[5], batch, length, vectorised: true));
        AssertClose("selective scan", scalar, vector1);
        AssertBitEqual("selective scan, 1 vs 2 threads", vector1, vector2);
    }

    /// <summary>
    /// The vector activations on many values over a wide range (saturation at both ends, softplus's threshold 20 and one
    /// float either side of it, zero), at lengths around the vector width and across a parallel block boundary: values
    /// against the float64 reference and gradients against per-element central differences of it (elementwise ops:
    /// d y_i / d x_i only), and bit-equal on 1 and 2 threads.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(VectorMap.Block + 33)]
    public void Activations_match_the_float64_reference_at_every_length(int count)
    {
        var rng = new Random(count);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() < 0.5 ? 30 * (2 * rng.NextDouble() - 1) : 3 * (2 * rng.NextDouble() - 1));
        float[] edges = [0, 20, MathF.BitIncrement(20), MathF.BitDecrement(20), -90, 90, 1e-4f, -1e-4f];
        for (int i = 0; i < Math.Min(count, edges.Length); i++) x[(i * 7919) % count] = edges[i];
        (string, Func<Tape, Tensor, Tensor>, Func<double, double>)[] cases =
        [
            ("silu", Activations.Silu, Activations.Reference.Silu),
            ("gelu", Activations.Gelu, Activations.Reference.Gelu),
            ("sigmoid", Activations.Sigmoid, Activations.Reference.Sigmoid),
            ("softplus", Activations.Softplus, Activations.Reference.Softplus),
        ];
        var seed = Normal(rng, count);
        foreach (var (name, op, reference) in cases)
        {
            var one = Run([x], [(1, count)], seed, 1, (t, a) => op(t, a[0]));
            var two = Run([x], [(1, count)], seed, 2, (t, a) => op(t, a[0]));
            AssertBitEqual(name + ", 1 vs 2 threads", one, two);
            for (int i = 0; i < count; i++)
            {
                double v = x[i], expected = reference(v);
                Assert.True(Math.Abs(one[0][i] - expected) <= 2e-6 * Math.Max(1, Math.Abs(expected)), $"{name}({v:R}) = {one[0][i]:R}, reference {expected:R}");
                if (name == "softplus" && v == 20) continue; // the kink: one-sided slopes 1 and σ(20)
                double h = 1e-5 * Math.Max(1, Math.Abs(v)), slope = (reference(v + h) - reference(v - h)) / (2 * h);
                Assert.True(Math.Abs(one[1][i] - seed[i] * slope) <= 2e-5 * Math.Max(1, Math.Abs(seed[i] * slope)), $"{name}'({v:R}) · {seed[i]:R} = {one[1][i]:R}, central difference {seed[i] * slope:R}");
            }
        }
    }

    [Fact]
    public void Causal_conv_by_rows_matches_the_reference_and_is_the_same_on_1_and_2_threads()
    {
        var rng = new Random(21);
        int batch = 3, length = 9, c = 20, kk = 4, rows = batch * length;
        GradientCheck.Check("conv rows", [Normal(rng, rows * c), Normal(rng, c * kk), Normal(rng, c)], [(rows, c), (c, kk), (1, c)],
            (t, x) => CausalConv.Apply(t, x[0], x[1], x[2], batch, length), x => CausalConv.Reference.Forward(x[0], x[1], x[2], batch, length, c, kk));
        batch = 8;
        length = 40;
        c = 33;
        rows = batch * length;
        float[][] inputs = [Normal(rng, rows * c), Normal(rng, c * kk), Normal(rng, c)];
        (int, int)[] shapes = [(rows, c), (c, kk), (1, c)];
        var seed = Normal(rng, rows * c);
        AssertBitEqual("conv, 1 vs 2 threads", Run(inputs, shapes, seed, 1, (t, x) => CausalConv.Apply(t, x[0], x[1], x[2], batch, length)),
            Run(inputs, shapes, seed, 2, (t, x) => CausalConv.Apply(t, x[0], x[1], x[2], batch, length)));
    }

    [Fact]
    public void Linear_bias_gradient_over_several_row_blocks_matches_the_reference_and_is_the_same_on_1_and_2_threads()
    {
        var rng = new Random(22);
        int m = 2 * Linear.SumBlock + 77, k = 3, n = 37; // three blocks of the column sum, the last partial; n past a vector
        GradientCheck.Check("linear, many rows", [Normal(rng, m * k), Normal(rng, k * n), Normal(rng, n)], [(m, k), (k, n), (1, n)],
            (t, x) => Linear.Apply(t, x[0], x[1], x[2]), x => Linear.Reference.Forward(x[0], x[1], x[2], m, k, n));
        float[][] inputs = [Normal(rng, m * k), Normal(rng, k * n), Normal(rng, n)];
        (int, int)[] shapes = [(m, k), (k, n), (1, n)];
        var seed = Normal(rng, m * n);
        AssertBitEqual("linear, 1 vs 2 threads", Run(inputs, shapes, seed, 1, (t, x) => Linear.Apply(t, x[0], x[1], x[2])), Run(inputs, shapes, seed, 2, (t, x) => Linear.Apply(t, x[0], x[1], x[2])));
    }

    [Theory]
    [InlineData(5, 6)]
    [InlineData(3, 16)]
    [InlineData(Norms.RowBlock + 9, 21)] // two row blocks, the last partial; a vector plus a tail
    public void RmsNorm_rows_match_the_reference_and_are_the_same_on_1_and_2_threads(int m, int d)
    {
        var rng = new Random(m * 31 + d);
        GradientCheck.Check("rmsnorm rows", [Normal(rng, m * d), Normal(rng, d, 0.3, 1)], [(m, d), (1, d)], (t, x) => Norms.RmsNorm(t, x[0], x[1]), x => Norms.Reference.RmsNorm(x[0], x[1], m, d));
        int rows = 3 * Norms.RowBlock + 1;
        float[][] inputs = [Normal(rng, rows * d), Normal(rng, d, 0.3, 1)];
        (int, int)[] shapes = [(rows, d), (1, d)];
        var seed = Normal(rng, rows * d);
        AssertBitEqual("rmsnorm, 1 vs 2 threads", Run(inputs, shapes, seed, 1, (t, x) => Norms.RmsNorm(t, x[0], x[1])), Run(inputs, shapes, seed, 2, (t, x) => Norms.RmsNorm(t, x[0], x[1])));
    }

    [Fact]
    public void Add_mul_and_columns_over_many_blocks_are_exact_and_the_same_on_1_and_2_threads()
    {
        var rng = new Random(23);
        int rows = 1000, cols = 70, n = rows * cols; // several parallel blocks, a partial last vector
        float[][] inputs = [Normal(rng, n), Normal(rng, n)];
        (int, int)[] shapes = [(rows, cols), (rows, cols)];
        var seed = Normal(rng, n);
        foreach (int threads in new[] { 1, 2 })
        {
            var add = Run(inputs, shapes, seed, threads, (t, x) => Elementwise.Add(t, x[0], x[1]));
            var mul = Run(inputs, shapes, seed, threads, (t, x) => Elementwise.Mul(t, x[0], x[1]));
            var col = Run(inputs, shapes, seed[..(rows * 9)], threads, (t, x) => Elementwise.Columns(t, x[0], 61, 9));
            for (int i = 0; i < n; i++)
            {
                // One float operation each: exactly what the scalar expression gives.
                Assert.Equal(inputs[0][i] + inputs[1][i], add[0][i]);
                Assert.Equal(seed[i], add[1][i]);
                Assert.Equal(inputs[0][i] * inputs[1][i], mul[0][i]);
                Assert.Equal(seed[i] * inputs[1][i], mul[1][i]);
                Assert.Equal(seed[i] * inputs[0][i], mul[2][i]);
                int r = i / cols, c = i % cols;
                Assert.Equal(c >= 61 ? inputs[0][i] : 0f, c >= 61 ? col[0][r * 9 + c - 61] : 0f);
                Assert.Equal(c >= 61 ? seed[r * 9 + c - 61] : 0f, col[1][i]);
            }
        }
    }

    /// <summary>Output then each input's gradient, for one op on fresh copies of the inputs with a fixed seed gradient.</summary>
    internal static float[][] Run(float[][] inputs, (int Rows, int Cols)[] shapes, float[] seed, int threads, Func<Tape, Tensor[], Tensor> op)
    {
        int keep = LearnThreads.Max;
        LearnThreads.Max = threads;
        try
        {
            var tensors = inputs.Select((d, i) => new Tensor(shapes[i].Rows, shapes[i].Cols, (float[])d.Clone(), requiresGrad: true)).ToArray();
            var tape = new Tape();
            var y = op(tape, tensors);
            tape.Backward(y, seed);
            return [(float[])y.Data.Clone(), .. tensors.Select(t => t.Grad ?? new float[t.Length])];
        }
        finally
        {
            LearnThreads.Max = keep;
        }
    }

    internal static void AssertClose(string op, float[][] expected, float[][] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double err = RelativeError(actual[i].Select(v => (double)v).ToArray(), expected[i].Select(v => (double)v).ToArray(), floor: 1e-6);
            Assert.True(err <= Tolerance, $"{op}: {(i == 0 ? "output" : $"gradient of input {i - 1}")} differs from the scalar loop by {err:E2} (relative)");
        }
    }

    internal static void AssertBitEqual(string op, float[][] expected, float[][] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{op}: {(i == 0 ? "output" : $"gradient of input {i - 1}")} not bit-equal");
    }
}
