using System.Numerics.Tensors;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Elementwise nonlinearities with their derivatives: SiLU, GELU (tanh form, PyTorch's approximate="tanh"),
/// sigmoid, softplus (PyTorch's threshold 20: linear above it).
/// </summary>
public static class Activations
{
    private const Real GeluC = (Real)0.7978845608028654; // sqrt(2/pi)

    /// <summary>x σ(x).</summary>
    public static Tensor Silu(Tape tape, Tensor x) => Unary(tape, x, Reference.SiluF, v =>
    {
        Real s = (Real)1 / ((Real)1 + RealMath.Exp(-v));
        return s * (1 + v * (1 - s));
    });

    /// <summary>0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).</summary>
    /// <remarks>
    /// Whole-array <see cref="TensorPrimitives"/> passes (SIMD tanh) instead of a per-element delegate: GELU sits on
    /// the MLP's widest activation. tanh is kept for the backward pass.
    /// </remarks>
    public static Tensor Gelu(Tape tape, Tensor x)
    {
        var y = tape.Output(x.Rows, x.Cols, x);
        var xd = x.Data;
        var t = tape.Scratch(xd.Length);
        TensorPrimitives.Multiply(xd, xd, t);
        TensorPrimitives.Multiply(t, (Real)0.044715, t);
        TensorPrimitives.Add(t, (Real)1, t); // 1 + 0.044715 x²
        TensorPrimitives.Multiply(t, xd, t); // x + 0.044715 x³
        TensorPrimitives.Multiply(t, GeluC, t);
        TensorPrimitives.Tanh(t, t);
        TensorPrimitives.MultiplyAdd(t, xd, xd, y.Data); // x (1 + t)
        TensorPrimitives.Multiply(y.Data, (Real)0.5, y.Data);
        tape.Record(y, () =>
        {
            var dx = x.GradBuffer();
            var dy = y.Grad!;
            for (int i = 0; i < xd.Length; i++)
            {
                Real v = xd[i], ti = t[i];
                dx[i] += dy[i] * ((Real)0.5 * (1 + ti) + (Real)0.5 * v * (1 - ti * ti) * GeluC * (1 + 3 * (Real)0.044715 * v * v));
            }
        });
        return y;
    }

    /// <summary>1 / (1 + e^-x).</summary>
    public static Tensor Sigmoid(Tape tape, Tensor x) => Unary(tape, x, Reference.SigmoidF, v =>
    {
        Real s = (Real)1 / ((Real)1 + RealMath.Exp(-v));
        return s * (1 - s);
    });

    /// <summary>ln(1 + e^x), x above 20 passed through.</summary>
    public static Tensor Softplus(Tape tape, Tensor x) => Unary(tape, x, Reference.SoftplusF, v => v > 20 ? (Real)1 : (Real)1 / ((Real)1 + RealMath.Exp(-v)));

    private static Tensor Unary(Tape tape, Tensor x, Func<Real, Real> f, Func<Real, Real> df)
    {
        var y = tape.Output(x.Rows, x.Cols, x);
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
        internal static Real SiluF(Real v) => v / ((Real)1 + RealMath.Exp(-v));

        internal static Real GeluF(Real v) => (Real)0.5 * v * (1 + RealMath.Tanh(GeluC * (v + (Real)0.044715 * v * v * v)));

        internal static Real SigmoidF(Real v) => (Real)1 / ((Real)1 + RealMath.Exp(-v));

        internal static Real SoftplusF(Real v) => v > 20 ? v : RealMath.Log(1 + RealMath.Exp(v));

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
