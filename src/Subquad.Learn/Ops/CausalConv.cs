using System.Numerics.Tensors;
using Subquad.Learn.Autodiff;
using Tensor = Subquad.Learn.Autodiff.Tensor;

namespace Subquad.Learn.Ops;

/// <summary>
/// Depthwise short causal convolution (Mamba's conv1d, ALTERNATIVES.md 3.1 step 2; Based's short conv):
/// y[t, c] = b[c] + Σ_{k&lt;K} w[c, k] x[t - (K - 1) + k, c], with x before the start of a sequence taken as 0.
/// PyTorch's Conv1d(groups = C, padding = K - 1) truncated to the first L outputs is the same map.
/// </summary>
public static class CausalConv
{
    /// <summary>x [batch * length, channels], w [channels, K], b [1, channels].</summary>
    /// <remarks>
    /// Whole rows at a time: with the taps transposed to [K, channels], each output row is b plus K vector
    /// multiply-adds of earlier input rows, and the backward pass is the same in reverse; sequences run in parallel,
    /// each summing its own dw and db, added in sequence order afterwards (the result does not depend on threads).
    /// </remarks>
    public static Tensor Apply(Tape tape, Tensor x, Tensor w, Tensor b, int batch, int length)
    {
        int c = x.Cols, kk = w.Cols;
        if (x.Rows != batch * length || w.Rows != c || b.Cols != c) throw new ArgumentException($"conv: x {x}, w {w}, b {b}");
        var y = tape.Output(x.Rows, c, zeroed: false, x, w, b); // each row starts as a copy of b
        var wt = new Real[kk * c]; // wt[k, ch] = w[ch, k]
        for (int ch = 0; ch < c; ch++)
        {
            for (int k = 0; k < kk; k++) wt[k * c + ch] = w.Data[ch * kk + k];
        }

        LearnThreads.For(batch, 2L * length * c * kk, s =>
        {
            for (int t = 0; t < length; t++)
            {
                var yt = y.Data.AsSpan((s * length + t) * c, c);
                b.Data.AsSpan(0, c).CopyTo(yt);
                for (int k = Math.Max(0, kk - 1 - t); k < kk; k++)
                {
                    int src = t - (kk - 1) + k;
                    TensorPrimitives.MultiplyAdd(x.Data.AsSpan((s * length + src) * c, c), wt.AsSpan(k * c, c), yt, yt);
                }
            }
        });

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            var dwParts = w.RequiresGrad ? new Real[batch * kk * c] : null; // per sequence, [K, channels]
            var dbParts = b.RequiresGrad ? new Real[batch * c] : null;
            LearnThreads.For(batch, 4L * length * c * kk, s =>
            {
                for (int t = 0; t < length; t++)
                {
                    var dyt = dy.AsSpan((s * length + t) * c, c);
                    if (dbParts is not null)
                    {
                        var db = dbParts.AsSpan(s * c, c);
                        TensorPrimitives.Add(db, dyt, db);
                    }

                    for (int k = Math.Max(0, kk - 1 - t); k < kk; k++)
                    {
                        int o = (s * length + t - (kk - 1) + k) * c;
                        if (dx is not null)
                        {
                            var dxs = dx.AsSpan(o, c);
                            TensorPrimitives.MultiplyAdd(dyt, wt.AsSpan(k * c, c), dxs, dxs);
                        }

                        if (dwParts is not null)
                        {
                            var dws = dwParts.AsSpan((s * kk + k) * c, c);
                            TensorPrimitives.MultiplyAdd(dyt, x.Data.AsSpan(o, c), dws, dws);
                        }
                    }
                }
            });
            if (dwParts is not null)
            {
                var dw = w.GradBuffer();
                var sum = new Real[kk * c];
                for (int s = 0; s < batch; s++) TensorPrimitives.Add(sum, dwParts.AsSpan(s * kk * c, kk * c), sum);
                for (int ch = 0; ch < c; ch++)
                {
                    for (int k = 0; k < kk; k++) dw[ch * kk + k] += sum[k * c + ch];
                }
            }

            if (dbParts is not null)
            {
                var db = b.GradBuffer().AsSpan(0, c);
                for (int s = 0; s < batch; s++) TensorPrimitives.Add(db, dbParts.AsSpan(s * c, c), db);
            }
        });
        return y;
    }

    /// <summary>Float64 scalar reference.</summary>
    public static class Reference
    {
        /// <summary>The causal depthwise convolution.</summary>
        public static double[] Forward(double[] x, double[] w, double[] b, int batch, int length, int c, int kk)
        {
            var y = new double[batch * length * c];
            for (int s = 0; s < batch; s++)
            {
                for (int t = 0; t < length; t++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        double acc = b[ch];
                        for (int k = 0; k < kk; k++)
                        {
                            int src = t - (kk - 1) + k;
                            if (src >= 0) acc += w[ch * kk + k] * x[(s * length + src) * c + ch];
                        }

                        y[(s * length + t) * c + ch] = acc;
                    }
                }
            }

            return y;
        }
    }
}
