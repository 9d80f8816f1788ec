using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Mamba-1's selective scan (S6, ALTERNATIVES.md 3.1 steps 5-6, as mamba's selective_scan_ref):
/// A = -exp(A_log); h_t = exp(Δ_t ⊗ A) ⊙ h_{t-1} + (Δ_t ⊗ B_t) ⊙ x_t (zero-order hold on A, Euler on B);
/// y_t = h_t C_t + D ⊙ x_t; h_0 = 0.
/// Shapes: x, Δ [batch * length, E]; A_log [E, N]; B, C [batch * length, N]; D [1, E]. Δ is taken after softplus.
/// </summary>
/// <remarks>
/// Backward is its own reverse scan over the stored states (batch * length * E * N floats):
/// dh_t += dy_t ⊗ C_t; dC_t = Σ_c dy_t,c h_t,c; dΔ_t,c = Σ_n dh (A Ā h_{t-1} + B x);
/// dA += dh Δ Ā h_{t-1}; dB_t = Σ_c dh Δ x; dx_t += Σ_n dh Δ B + dy D; dh_{t-1} = dh ⊙ Ā; dA_log = dA ⊙ A.
/// </remarks>
public static class SelectiveScan
{
    /// <summary>The scan output y [batch * length, E].</summary>
    public static Tensor Apply(Tape tape, Tensor x, Tensor delta, Tensor aLog, Tensor bm, Tensor cm, Tensor dSkip, int batch, int length)
    {
        int e = x.Cols, n = aLog.Cols;
        if (x.Rows != batch * length || delta.Rows != x.Rows || delta.Cols != e || aLog.Rows != e || bm.Rows != x.Rows || bm.Cols != n || cm.Rows != x.Rows || cm.Cols != n || dSkip.Cols != e)
        {
            throw new ArgumentException($"selective scan: x {x}, delta {delta}, A_log {aLog}, B {bm}, C {cm}, D {dSkip}");
        }

        var a = new Real[e * n];
        for (int i = 0; i < a.Length; i++) a[i] = -RealMath.Exp(aLog.Data[i]);
        var y = tape.Output(x.Rows, e, x, delta, aLog, bm, cm, dSkip);
        var states = tape.Scratch((long)batch * length * e * n is var size && size < int.MaxValue ? (int)size : throw new InvalidOperationException($"selective scan: {size} state floats exceed one array"));
        LearnThreads.For(batch, 6L * length * e * n, s =>
        {
            var h = new Real[e * n];
            for (int t = 0; t < length; t++)
            {
                int r = s * length + t;
                for (int c = 0; c < e; c++)
                {
                    Real dt = delta.Data[r * e + c], xv = x.Data[r * e + c];
                    Real acc = 0;
                    for (int k = 0; k < n; k++)
                    {
                        int ck = c * n + k;
                        h[ck] = RealMath.Exp(dt * a[ck]) * h[ck] + dt * bm.Data[r * n + k] * xv;
                        acc += h[ck] * cm.Data[r * n + k];
                    }

                    y.Data[r * e + c] = acc + dSkip.Data[c] * xv;
                }

                h.AsSpan().CopyTo(states.AsSpan(r * e * n, e * n));
            }
        });
        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            var ddelta = delta.RequiresGrad ? delta.GradBuffer() : null;
            var db = bm.RequiresGrad ? bm.GradBuffer() : null;
            var dc = cm.RequiresGrad ? cm.GradBuffer() : null;
            // Parameter gradients are summed per sequence, then reduced in order (deterministic for any thread count).
            var daParts = new Real[batch][];
            var dDParts = new Real[batch][];
            LearnThreads.For(batch, 10L * length * e * n, s =>
            {
                var dh = new Real[e * n];
                var da = daParts[s] = new Real[e * n];
                var dD = dDParts[s] = new Real[e];
                for (int t = length - 1; t >= 0; t--)
                {
                    int r = s * length + t;
                    var h = states.AsSpan(r * e * n, e * n);
                    var hPrev = t > 0 ? states.AsSpan((r - 1) * e * n, e * n) : Span<Real>.Empty;
                    for (int c = 0; c < e; c++)
                    {
                        Real g = dy[r * e + c], dt = delta.Data[r * e + c], xv = x.Data[r * e + c];
                        dD[c] += g * xv;
                        Real dxv = g * dSkip.Data[c], ddt = 0;
                        for (int k = 0; k < n; k++)
                        {
                            int ck = c * n + k;
                            if (dc is not null) dc[r * n + k] += g * h[ck];
                            Real dhk = dh[ck] + g * cm.Data[r * n + k];
                            Real abar = RealMath.Exp(dt * a[ck]);
                            Real hp = t > 0 ? hPrev[ck] : (Real)0;
                            Real bk = bm.Data[r * n + k];
                            ddt += dhk * (a[ck] * abar * hp + bk * xv);
                            da[ck] += dhk * dt * abar * hp;
                            if (db is not null) db[r * n + k] += dhk * dt * xv;
                            dxv += dhk * dt * bk;
                            dh[ck] = dhk * abar;
                        }

                        if (ddelta is not null) ddelta[r * e + c] += ddt;
                        if (dx is not null) dx[r * e + c] += dxv;
                    }
                }
            });
            if (aLog.RequiresGrad)
            {
                var dAlog = aLog.GradBuffer();
                for (int s = 0; s < batch; s++)
                {
                    for (int i = 0; i < a.Length; i++) dAlog[i] += daParts[s][i] * a[i];
                }
            }

            if (dSkip.RequiresGrad)
            {
                var dd = dSkip.GradBuffer();
                for (int s = 0; s < batch; s++)
                {
                    for (int c = 0; c < e; c++) dd[c] += dDParts[s][c];
                }
            }
        });
        return y;
    }

    /// <summary>Float64 scalar reference, the recurrence exactly as written.</summary>
    public static class Reference
    {
        /// <summary>The scan output.</summary>
        public static double[] Forward(double[] x, double[] delta, double[] aLog, double[] bm, double[] cm, double[] dSkip, int batch, int length, int e, int n)
        {
            var y = new double[batch * length * e];
            for (int s = 0; s < batch; s++)
            {
                var h = new double[e * n];
                for (int t = 0; t < length; t++)
                {
                    int r = s * length + t;
                    for (int c = 0; c < e; c++)
                    {
                        double acc = 0;
                        for (int k = 0; k < n; k++)
                        {
                            double a = -Math.Exp(aLog[c * n + k]);
                            h[c * n + k] = Math.Exp(delta[r * e + c] * a) * h[c * n + k] + delta[r * e + c] * bm[r * n + k] * x[r * e + c];
                            acc += h[c * n + k] * cm[r * n + k];
                        }

                        y[r * e + c] = acc + dSkip[c] * x[r * e + c];
                    }
                }
            }

            return y;
        }
    }
}
