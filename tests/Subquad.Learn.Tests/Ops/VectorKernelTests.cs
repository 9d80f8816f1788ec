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
