using System.Runtime.Intrinsics;
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
    /// <remarks>Backward recomputes σ(x) (one vector exp) rather than keeping a second [rows × width] array.</remarks>
    public static Tensor Silu(Tape tape, Tensor x) => Unary<SiluF, SiluGrad>(tape, x, fromOutput: false);

    /// <summary>0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).</summary>
    /// <remarks>
    /// As x σ(2u) with u = √(2/π)(x + 0.044715 x³) (0.5 (1 + tanh u) = σ(2u)): one vector exp per element, in one pass.
    /// The gate s = σ(2u) is kept for the backward pass: dy/dx = s + 2 x s (1 - s) √(2/π) (1 + 3·0.044715 x²).
    /// </remarks>
    public static Tensor Gelu(Tape tape, Tensor x)
    {
        var y = tape.Output(x.Rows, x.Cols, zeroed: false, x);
        var xd = x.Data;
        var s = tape.Scratch(xd.Length, zeroed: false);
        VectorMap.Map<GeluGate>(xd, xd, s);
        VectorMap.Map<Product>(xd, s, y.Data, cost: 1);
        tape.Record(y, () => VectorMap.MultiplyAdd<GeluGrad>(y.Grad!, xd, s, x.GradBuffer()));
        return y;
    }

    /// <summary>1 / (1 + e^-x).</summary>
    /// <remarks>Backward from the output: σ' = σ (1 - σ).</remarks>
    public static Tensor Sigmoid(Tape tape, Tensor x) => Unary<SigmoidF, SigmoidGrad>(tape, x, fromOutput: true);

    /// <summary>ln(1 + e^x), x above 20 passed through.</summary>
    public static Tensor Softplus(Tape tape, Tensor x) => Unary<SoftplusF, SoftplusGrad>(tape, x, fromOutput: false);

    /// <summary>y = F(x); backward dx += dy ⊙ G(x) (or G(y) when <paramref name="fromOutput"/>), both whole-array vector passes.</summary>
    private static Tensor Unary<F, G>(Tape tape, Tensor x, bool fromOutput)
        where F : IVectorFunction
        where G : IVectorFunction
    {
        var y = tape.Output(x.Rows, x.Cols, zeroed: false, x);
        var xd = x.Data;
        VectorMap.Map<F>(xd, xd, y.Data);
        tape.Record(y, () =>
        {
            var at = fromOutput ? y.Data : xd;
            VectorMap.MultiplyAdd<G>(y.Grad!, at, at, x.GradBuffer());
        });
        return y;
    }

    private static Vector512<Real> Sigma(Vector512<Real> v) => Vector512<Real>.One / (Vector512<Real>.One + Vector512.Exp(-v));

    private readonly struct SiluF : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a * Sigma(a);
    }

    private readonly struct SiluGrad : IVectorFunction
    {
        // σ (1 + x (1 - σ))
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b)
        {
            var s = Sigma(a);
            return s * Vector512.FusedMultiplyAdd(a, Vector512<Real>.One - s, Vector512<Real>.One);
        }
    }

    private readonly struct SigmoidF : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => Sigma(a);
    }

    private readonly struct SigmoidGrad : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a * (Vector512<Real>.One - a);
    }

    private readonly struct SoftplusF : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create((Real)20)), a, Vector512.Log(Vector512<Real>.One + Vector512.Exp(a)));
    }

    private readonly struct SoftplusGrad : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create((Real)20)), Vector512<Real>.One, Sigma(a));
    }

    private readonly struct GeluGate : IVectorFunction
    {
        // σ(2u), u = √(2/π) (x + 0.044715 x³)
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b)
        {
            var u = a * Vector512.FusedMultiplyAdd(a * a, Vector512.Create((Real)0.044715), Vector512<Real>.One);
            return Sigma(u * Vector512.Create(2 * GeluC));
        }
    }

    private readonly struct GeluGrad : IVectorFunction
    {
        // s + 2 x s (1 - s) √(2/π) (1 + 3·0.044715 x²), with a = x and b = s
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b)
        {
            var du = Vector512.FusedMultiplyAdd(a * a, Vector512.Create(3 * (Real)0.044715), Vector512<Real>.One) * Vector512.Create(2 * GeluC);
            return Vector512.FusedMultiplyAdd(a * b * (Vector512<Real>.One - b), du, b);
        }
    }

    private readonly struct Product : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a * b;
    }

    /// <summary>Float64 scalar references (the tests compare the vector kernels with them).</summary>
    public static class Reference
    {
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
