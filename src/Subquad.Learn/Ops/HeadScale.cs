using System.Numerics.Tensors;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// y = x · exp(s_h) on the columns of head h (x is [rows, heads · d], s is [1, heads]): a learned, log-parameterised
/// temperature. Applied to the queries it multiplies head h's attention logits by exp(s_h), so the softmax sharpness is
/// one number per head that Adam moves by about the learning rate per step in log space, instead of a product of two
/// whole matrices that must grow entry by entry.
/// </summary>
/// <remarks>dx = dy · exp(s_h); ds_h = Σ over head h's entries of dy ⊙ y.</remarks>
public static class HeadScale
{
    /// <summary>x scaled per head by exp(s).</summary>
    public static Tensor Apply(Tape tape, Tensor x, Tensor s)
    {
        if (s.Rows != 1 || s.Cols < 1 || x.Cols % s.Cols != 0) throw new ArgumentException($"head scale: {x} with log-scales {s}");
        int heads = s.Cols, d = x.Cols / heads;
        var scale = new Real[heads];
        for (int h = 0; h < heads; h++) scale[h] = RealMath.Exp(s.Data[h]);
        var y = tape.Output(x.Rows, x.Cols, x, s);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int h = 0; h < heads; h++) TensorPrimitives.Multiply(x.Data.AsSpan(r * x.Cols + h * d, d), scale[h], y.Data.AsSpan(r * x.Cols + h * d, d));
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            double[] ds = new double[heads];
            for (int r = 0; r < x.Rows; r++)
            {
                for (int h = 0; h < heads; h++)
                {
                    var g = dy.AsSpan(r * x.Cols + h * d, d);
                    if (dx is not null) TensorPrimitives.MultiplyAdd(g, scale[h], dx.AsSpan(r * x.Cols + h * d, d), dx.AsSpan(r * x.Cols + h * d, d));
                    ds[h] += TensorPrimitives.Dot(g, y.Data.AsSpan(r * x.Cols + h * d, d));
                }
            }

            if (s.RequiresGrad)
            {
                var gs = s.GradBuffer();
                for (int h = 0; h < heads; h++) gs[h] += (Real)ds[h];
            }
        });
        return y;
    }

    /// <summary>Scalar float64 reference.</summary>
    public static class Reference
    {
        /// <summary>y = x · exp(s_h) per head.</summary>
        public static double[] Forward(double[] x, double[] s, int rows, int cols)
        {
            int heads = s.Length, d = cols / heads;
            var y = new double[x.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * Math.Exp(s[c / d]);
            }

            return y;
        }
    }
}
