using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Elementwise nonlinearities with their derivatives: SiLU, GELU (tanh form, PyTorch's approximate="tanh"),
/// sigmoid, softplus (PyTorch's threshold 20: linear above it).
/// </summary>
public static class Activations
{
    private const float GeluC = 0.7978845608028654f; // sqrt(2/pi)

    /// <summary>x σ(x).</summary>
    public static Tensor Silu(Tape tape, Tensor x) => Unary(tape, x, Reference.SiluF, v =>
    {
        float s = 1f / (1f + MathF.Exp(-v));
        return s * (1 + v * (1 - s));
    });

    /// <summary>0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).</summary>
    public static Tensor Gelu(Tape tape, Tensor x) => Unary(tape, x, Reference.GeluF, v =>
    {
        float u = GeluC * (v + 0.044715f * v * v * v);
        float t = MathF.Tanh(u);
        return 0.5f * (1 + t) + 0.5f * v * (1 - t * t) * GeluC * (1 + 3 * 0.044715f * v * v);
    });

    /// <summary>1 / (1 + e^-x).</summary>
    public static Tensor Sigmoid(Tape tape, Tensor x) => Unary(tape, x, Reference.SigmoidF, v =>
    {
        float s = 1f / (1f + MathF.Exp(-v));
        return s * (1 - s);
    });

    /// <summary>ln(1 + e^x), x above 20 passed through.</summary>
    public static Tensor Softplus(Tape tape, Tensor x) => Unary(tape, x, Reference.SoftplusF, v => v > 20 ? 1f : 1f / (1f + MathF.Exp(-v)));

    private static Tensor Unary(Tape tape, Tensor x, Func<float, float> f, Func<float, float> df)
    {
        var y = Tape.Output(x.Rows, x.Cols, x);
        var xd = x.Data;
        var yd = y.Data;
        for (int i = 0; i < xd.Length; i++) yd[i] = f(xd[i]);
        tape.Record(y, () =>
        {
            var dx = x.GradBuffer();
            var dy = y.Grad!;
            for (int i = 0; i < xd.Length; i++) dx[i] += dy[i] * df(xd[i]);
        });
        return y;
    }

    /// <summary>Float32 forms used by the ops and float64 references used by the tests.</summary>
    public static class Reference
    {
        internal static float SiluF(float v) => v / (1f + MathF.Exp(-v));

        internal static float GeluF(float v) => 0.5f * v * (1 + MathF.Tanh(GeluC * (v + 0.044715f * v * v * v)));

        internal static float SigmoidF(float v) => 1f / (1f + MathF.Exp(-v));

        internal static float SoftplusF(float v) => v > 20 ? v : MathF.Log(1 + MathF.Exp(v));

        /// <summary>x σ(x).</summary>
        public static double Silu(double v) => v / (1 + Math.Exp(-v));

        /// <summary>GELU, tanh form.</summary>
        public static double Gelu(double v) => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));

        /// <summary>σ(x).</summary>
        public static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

        /// <summary>ln(1 + e^x), x above 20 passed through.</summary>
        public static double Softplus(double v) => v > 20 ? v : Math.Log(1 + Math.Exp(v));
    }
}
