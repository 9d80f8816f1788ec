using System.Numerics.Tensors;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Multi-head causal softmax attention, Y = softmax(Q Kᵀ / √d + M) V per head (ALTERNATIVES.md 3.10), with an
/// optional sliding window (3.4, Subquad's convention: W keys including self, j in [i - W + 1, i]).
/// q, k, v are [batch * length, heads * d]; head h owns columns [h d, (h + 1) d).
/// </summary>
/// <remarks>
/// The probabilities are kept for the backward pass ([batch, heads, length, length] floats): dV = Pᵀ dY,
/// dP = dY Vᵀ, dS = P ⊙ (dP - rowsum(dP ⊙ P)), dQ = dS K / √d, dK = dSᵀ Q / √d.
/// </remarks>
public static class CausalAttention
{
    /// <summary>Attention output [batch * length, heads * d]; window null = full causal.</summary>
    public static Tensor Apply(Tape tape, Tensor q, Tensor k, Tensor v, int batch, int length, int heads, int? window = null)
    {
        if (q.Rows != batch * length || k.Rows != q.Rows || v.Rows != q.Rows || k.Cols != q.Cols || v.Cols != q.Cols || q.Cols % heads != 0)
        {
            throw new ArgumentException($"attention: q {q}, k {k}, v {v} for batch {batch}, length {length}, heads {heads}");
        }

        if (window is < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 1");
        int width = q.Cols, d = width / heads;
        int w = window ?? length;
        float scale = 1f / MathF.Sqrt(d);
        var y = Tape.Output(q.Rows, width, q, k, v);
        var probs = new float[batch * heads * length * length];
        LearnThreads.For(batch * heads, 4L * length * length * d, bh =>
        {
            int b = bh / heads, h = bh % heads;
            var (qh, kh, vh) = (Gather(q, b, h, length, d), Gather(k, b, h, length, d), Gather(v, b, h, length, d));
            var yh = new float[length * d];
            for (int i = 0; i < length; i++)
            {
                int lo = Math.Max(0, i - w + 1);
                var p = probs.AsSpan((bh * length + i) * length, length);
                var qi = qh.AsSpan(i * d, d);
                float max = float.NegativeInfinity;
                for (int j = lo; j <= i; j++)
                {
                    p[j] = TensorPrimitives.Dot(qi, kh.AsSpan(j * d, d)) * scale;
                    max = MathF.Max(max, p[j]);
                }

                float sum = 0;
                for (int j = lo; j <= i; j++) sum += p[j] = MathF.Exp(p[j] - max);
                float inv = 1f / sum;
                var yi = yh.AsSpan(i * d, d);
                for (int j = lo; j <= i; j++)
                {
                    p[j] *= inv;
                    TensorPrimitives.MultiplyAdd(vh.AsSpan(j * d, d), p[j], yi, yi);
                }
            }

            Scatter(yh, y.Data, b, h, length, d, width);
        });
        tape.Record(y, () =>
        {
            var dyAll = y.Grad!;
            var dq = q.RequiresGrad ? q.GradBuffer() : null;
            var dk = k.RequiresGrad ? k.GradBuffer() : null;
            var dv = v.RequiresGrad ? v.GradBuffer() : null;
            LearnThreads.For(batch * heads, 8L * length * length * d, bh =>
            {
                int b = bh / heads, h = bh % heads;
                var (qh, kh, vh) = (Gather(q, b, h, length, d), Gather(k, b, h, length, d), Gather(v, b, h, length, d));
                var dyh = Gather(dyAll, b, h, length, d, width);
                var dqh = new float[length * d];
                var dkh = new float[length * d];
                var dvh = new float[length * d];
                var ds = new float[length];
                for (int i = 0; i < length; i++)
                {
                    int lo = Math.Max(0, i - w + 1);
                    var p = probs.AsSpan((bh * length + i) * length, length);
                    var dyi = dyh.AsSpan(i * d, d);
                    float rowDot = 0;
                    for (int j = lo; j <= i; j++)
                    {
                        ds[j] = TensorPrimitives.Dot(dyi, vh.AsSpan(j * d, d));
                        rowDot += ds[j] * p[j];
                        TensorPrimitives.MultiplyAdd(dyi, p[j], dvh.AsSpan(j * d, d), dvh.AsSpan(j * d, d));
                    }

                    var dqi = dqh.AsSpan(i * d, d);
                    var qi = qh.AsSpan(i * d, d);
                    for (int j = lo; j <= i; j++)
                    {
                        float g = p[j] * (ds[j] - rowDot) * scale;
                        if (g == 0) continue;
                        TensorPrimitives.MultiplyAdd(kh.AsSpan(j * d, d), g, dqi, dqi);
                        TensorPrimitives.MultiplyAdd(qi, g, dkh.AsSpan(j * d, d), dkh.AsSpan(j * d, d));
                    }
                }

                // Heads own disjoint columns, so parallel scatters never collide.
                if (dq is not null) ScatterAdd(dqh, dq, b, h, length, d, width);
                if (dk is not null) ScatterAdd(dkh, dk, b, h, length, d, width);
                if (dv is not null) ScatterAdd(dvh, dv, b, h, length, d, width);
            });
        });
        return y;
    }

    private static float[] Gather(Tensor t, int b, int h, int length, int d) => Gather(t.Data, b, h, length, d, t.Cols);

    internal static float[] Gather(float[] data, int b, int h, int length, int d, int width)
    {
        var r = new float[length * d];
        for (int i = 0; i < length; i++) data.AsSpan((b * length + i) * width + h * d, d).CopyTo(r.AsSpan(i * d, d));
        return r;
    }

    internal static void Scatter(float[] src, float[] dst, int b, int h, int length, int d, int width)
    {
        for (int i = 0; i < length; i++) src.AsSpan(i * d, d).CopyTo(dst.AsSpan((b * length + i) * width + h * d, d));
    }

    internal static void ScatterAdd(float[] src, float[] dst, int b, int h, int length, int d, int width)
    {
        for (int i = 0; i < length; i++)
        {
            var target = dst.AsSpan((b * length + i) * width + h * d, d);
            TensorPrimitives.Add(target, src.AsSpan(i * d, d), target);
        }
    }

    /// <summary>Float64 scalar reference: the dense masked score matrix, softmax, times V.</summary>
    public static class Reference
    {
        /// <summary>Attention output.</summary>
        public static double[] Forward(double[] q, double[] k, double[] v, int batch, int length, int heads, int width, int? window = null)
        {
            int d = width / heads, w = window ?? length;
            var y = new double[batch * length * width];
            for (int b = 0; b < batch; b++)
            {
                for (int h = 0; h < heads; h++)
                {
                    for (int i = 0; i < length; i++)
                    {
                        var s = new double[length];
                        double max = double.NegativeInfinity;
                        for (int j = 0; j < length; j++)
                        {
                            if (j > i || j < i - w + 1)
                            {
                                s[j] = double.NegativeInfinity;
                                continue;
                            }

                            double dot = 0;
                            for (int c = 0; c < d; c++) dot += q[(b * length + i) * width + h * d + c] * k[(b * length + j) * width + h * d + c];
                            s[j] = dot / Math.Sqrt(d);
                            max = Math.Max(max, s[j]);
                        }

                        double sum = 0;
                        for (int j = 0; j < length; j++) sum += s[j] = Math.Exp(s[j] - max);
                        for (int j = 0; j < length; j++)
                        {
                            for (int c = 0; c < d; c++) y[(b * length + i) * width + h * d + c] += s[j] / sum * v[(b * length + j) * width + h * d + c];
                        }
                    }
                }
            }

            return y;
        }
    }
}
