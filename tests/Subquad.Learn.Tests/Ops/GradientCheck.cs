using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Tests.Ops;

/// <summary>
/// Finite-difference check of one op: the float32 tape's forward against the float64 reference, and the tape's
/// gradients (seeded with a random direction g) against central differences of Σ g ⊙ reference(x) in float64.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Largest forward error, relative to the largest reference value.</summary>
    public const double ForwardTolerance = 1e-4;

    /// <summary>Largest gradient error, relative to the largest finite-difference gradient of that input.</summary>
    public const double GradientTolerance = 2e-3;

    public static (double Forward, double[] Gradient) Run(float[][] inputs, (int Rows, int Cols)[] shapes, Func<Tape, Tensor[], Tensor> op, Func<double[][], double[]> reference, int seed, bool[]? differentiable = null)
    {
        var rng = new Random(seed);
        var tensors = inputs.Select((d, i) => new Tensor(shapes[i].Rows, shapes[i].Cols, (float[])d.Clone(), requiresGrad: differentiable?[i] ?? true)).ToArray();
        var tape = new Tape();
        var y = op(tape, tensors);
        var xs = inputs.Select(d => d.Select(v => (double)v).ToArray()).ToArray();
        var yRef = reference(xs);
        Assert.Equal(yRef.Length, y.Length);
        double forward = RelativeError(y.Data.Select(v => (double)v).ToArray(), yRef);
        var seedGrad = new float[y.Length];
        for (int i = 0; i < seedGrad.Length; i++) seedGrad[i] = (float)(rng.NextDouble() * 2 - 1);
        tape.Backward(y, seedGrad);

        var errors = new double[inputs.Length];
        for (int a = 0; a < inputs.Length; a++)
        {
            if (differentiable is not null && !differentiable[a]) continue;
            var numeric = CentralDifferences(xs, a, reference, seedGrad.Select(v => (double)v).ToArray());
            var analytic = tensors[a].Grad?.Select(v => (double)v).ToArray() ?? new double[numeric.Length];
            errors[a] = RelativeError(analytic, numeric, floor: 1e-3);
        }

        return (forward, errors);
    }

    /// <summary>Runs and asserts both tolerances, naming the input that fails.</summary>
    public static void Check(string op, float[][] inputs, (int Rows, int Cols)[] shapes, Func<Tape, Tensor[], Tensor> f, Func<double[][], double[]> reference, int seed = 1, bool[]? differentiable = null)
    {
        var (forward, gradient) = Run(inputs, shapes, f, reference, seed, differentiable);
        Xunit.Assert.True(forward <= ForwardTolerance, $"{op}: forward relative error {forward:E2} > {ForwardTolerance:E0}");
        for (int a = 0; a < gradient.Length; a++)
        {
            Xunit.Assert.True(gradient[a] <= GradientTolerance, $"{op}: gradient of input {a} relative error {gradient[a]:E2} > {GradientTolerance:E0}");
        }
    }

    /// <summary>
    /// max |actual - expected| / max(max |expected|, floor). The floor makes a gradient that is zero up to float32
    /// cancellation (linear attention's dy/dφq at length 1 is ε-sized) compare absolutely.
    /// </summary>
    public static double RelativeError(double[] actual, double[] expected, double floor = 0)
    {
        double max = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        scale = Math.Max(scale, floor);
        return scale == 0 ? max : max / scale;
    }

    public static float[] Normal(Random rng, int count, double std = 1, double mean = 0)
    {
        var r = new float[count];
        for (int i = 0; i < count; i++) r[i] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return r;
    }

    public static float[] Uniform(Random rng, int count, double lo, double hi)
    {
        var r = new float[count];
        for (int i = 0; i < count; i++) r[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return r;
    }

    /// <summary>
    /// ∂/∂x_a of Σ g ⊙ reference(x) by central differences in float64 (step 1e-6 · max(1, |x|)); x is restored.
    /// </summary>
    public static double[] CentralDifferences(double[][] xs, int a, Func<double[][], double[]> reference, double[] g)
    {
        var numeric = new double[xs[a].Length];
        for (int i = 0; i < numeric.Length; i++)
        {
            double keep = xs[a][i], h = 1e-6 * Math.Max(1, Math.Abs(keep));
            xs[a][i] = keep + h;
            double plus = Dot(reference(xs), g);
            xs[a][i] = keep - h;
            double minus = Dot(reference(xs), g);
            xs[a][i] = keep;
            numeric[i] = (plus - minus) / (2 * h);
        }

        return numeric;
    }

    private static double Dot(double[] y, double[] g)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += y[i] * g[i];
        return s;
    }
}
