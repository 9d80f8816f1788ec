using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Depthwise short causal convolution (Mamba's conv1d, ALTERNATIVES.md 3.1 step 2; Based's short conv):
/// y[t, c] = b[c] + Σ_{k&lt;K} w[c, k] x[t - (K - 1) + k, c], with x before the start of a sequence taken as 0.
/// PyTorch's Conv1d(groups = C, padding = K - 1) truncated to the first L outputs is the same map.
/// </summary>
public static class CausalConv
{
    /// <summary>x [batch * length, channels], w [channels, K], b [1, channels].</summary>
    public static Tensor Apply(Tape tape, Tensor x, Tensor w, Tensor b, int batch, int length)
    {
        int c = x.Cols, kk = w.Cols;
        if (x.Rows != batch * length || w.Rows != c || b.Cols != c) throw new ArgumentException($"conv: x {x}, w {w}, b {b}");
        var y = tape.Output(x.Rows, c, x, w, b);
        for (int s = 0; s < batch; s++)
        {
            for (int t = 0; t < length; t++)
            {
                var yt = y.Data.AsSpan((s * length + t) * c, c);
                b.Data.AsSpan().CopyTo(yt);
                for (int k = 0; k < kk; k++)
                {
                    int src = t - (kk - 1) + k;
                    if (src < 0) continue;
                    int o = (s * length + src) * c;
                    for (int ch = 0; ch < c; ch++) yt[ch] += w.Data[ch * kk + k] * x.Data[o + ch];
                }
            }
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            var dw = w.RequiresGrad ? w.GradBuffer() : null;
            var db = b.RequiresGrad ? b.GradBuffer() : null;
            for (int s = 0; s < batch; s++)
            {
                for (int t = 0; t < length; t++)
                {
                    int yo = (s * length + t) * c;
                    if (db is not null)
                    {
                        for (int ch = 0; ch < c; ch++) db[ch] += dy[yo + ch];
                    }

                    for (int k = 0; k < kk; k++)
                    {
                        int src = t - (kk - 1) + k;
                        if (src < 0) continue;
                        int o = (s * length + src) * c;
                        for (int ch = 0; ch < c; ch++)
                        {
                            if (dx is not null) dx[o + ch] += w.Data[ch * kk + k] * dy[yo + ch];
                            if (dw is not null) dw[ch * kk + k] += x.Data[o + ch] * dy[yo + ch];
                        }
                    }
                }
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
