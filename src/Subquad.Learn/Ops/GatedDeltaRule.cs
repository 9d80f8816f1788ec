using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// The gated delta rule (Gated DeltaNet; ALTERNATIVES.md 3.8 DeltaNet with a decay α as in GLA), per head with
/// state S ∈ ℝ^{d×d}: S_t = α_t (I - β_t k_t k_tᵀ) S_{t-1} + β_t k_t v_tᵀ, o_t = S_tᵀ (q_t / √d). With α = 1 it is
/// DeltaNet's delta_rule_recurrence. q, k, v [batch * length, heads * d]; β, α [batch * length, heads] in (0, 1).
/// </summary>
/// <remarks>
/// Backward (states stored, batch * length * heads * d² floats), with P = S_{t-1} and dS the gradient of S_t:
/// dq = S_t do / √d; w = dSᵀ k; dv = β w; dβ = kᵀ dS v - α kᵀ dS (Pᵀ k); dα = &lt;dS, P&gt; - β wᵀ (Pᵀ k);
/// dk = β dS v - α β (dS (Pᵀ k) + P w); dS_{t-1} = α (dS - β k wᵀ).
/// </remarks>
public static class GatedDeltaRule
{
    /// <summary>Output o [batch * length, heads * d].</summary>
    public static Tensor Apply(Tape tape, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor alpha, int batch, int length, int heads)
    {
        if (q.Rows != batch * length || k.Rows != q.Rows || v.Rows != q.Rows || k.Cols != q.Cols || v.Cols != q.Cols || q.Cols % heads != 0 || beta.Cols != heads || alpha.Cols != heads || beta.Rows != q.Rows || alpha.Rows != q.Rows)
        {
            throw new ArgumentException($"gated delta rule: q {q}, k {k}, v {v}, beta {beta}, alpha {alpha}");
        }

        int width = q.Cols, d = width / heads, dd = d * d;
        Real scale = (Real)1 / RealMath.Sqrt(d);
        var o = tape.Output(q.Rows, width, q, k, v, beta, alpha);
        var states = tape.Scratch(checked(batch * length * heads * dd));
        LearnThreads.For(batch * heads, 6L * length * dd, bh =>
        {
            int s = bh / heads, h = bh % heads;
            var st = new Real[dd];
            var pk = new Real[d];
            for (int t = 0; t < length; t++)
            {
                int r = s * length + t, off = r * width + h * d;
                Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h];
                // pk = Pᵀ k; S = α P + β k (v - α Pᵀ k)ᵀ.
                Array.Clear(pk);
                for (int i = 0; i < d; i++)
                {
                    Real ki = k.Data[off + i];
                    for (int j = 0; j < d; j++) pk[j] += st[i * d + j] * ki;
                }

                for (int i = 0; i < d; i++)
                {
                    Real ki = k.Data[off + i];
                    for (int j = 0; j < d; j++) st[i * d + j] = a * st[i * d + j] + b * ki * (v.Data[off + j] - a * pk[j]);
                }

                for (int j = 0; j < d; j++)
                {
                    Real acc = 0;
                    for (int i = 0; i < d; i++) acc += st[i * d + j] * q.Data[off + i];
                    o.Data[off + j] = acc * scale;
                }

                st.AsSpan().CopyTo(states.AsSpan((bh * length + t) * dd, dd));
            }
        });
        tape.Record(o, () =>
        {
            var dO = o.Grad!;
            var dq = q.RequiresGrad ? q.GradBuffer() : null;
            var dk = k.RequiresGrad ? k.GradBuffer() : null;
            var dv = v.RequiresGrad ? v.GradBuffer() : null;
            var dbeta = beta.RequiresGrad ? beta.GradBuffer() : null;
            var dalpha = alpha.RequiresGrad ? alpha.GradBuffer() : null;
            LearnThreads.For(batch * heads, 14L * length * dd, bh =>
            {
                int s = bh / heads, h = bh % heads;
                var dS = new Real[dd];
                var pk = new Real[d];
                var w = new Real[d];
                var dSpk = new Real[d];
                var pw = new Real[d];
                var zero = new Real[dd];
                for (int t = length - 1; t >= 0; t--)
                {
                    int r = s * length + t, off = r * width + h * d;
                    var st = states.AsSpan((bh * length + t) * dd, dd);
                    ReadOnlySpan<Real> prev = t > 0 ? states.AsSpan((bh * length + t - 1) * dd, dd) : zero;
                    Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h];
                    // o = Sᵀ q scale: dS += q doᵀ scale; dq = S do scale.
                    for (int i = 0; i < d; i++)
                    {
                        Real qi = q.Data[off + i] * scale, acc = 0;
                        for (int j = 0; j < d; j++)
                        {
                            dS[i * d + j] += qi * dO[off + j];
                            acc += st[i * d + j] * dO[off + j];
                        }

                        if (dq is not null) dq[off + i] += acc * scale;
                    }

                    Array.Clear(pk);
                    Array.Clear(w);
                    Array.Clear(dSpk);
                    Array.Clear(pw);
                    for (int i = 0; i < d; i++)
                    {
                        Real ki = k.Data[off + i];
                        for (int j = 0; j < d; j++)
                        {
                            pk[j] += prev[i * d + j] * ki;
                            w[j] += dS[i * d + j] * ki;
                        }
                    }

                    Real dSP = 0, kdSv = 0, kdSpk = 0, wpk = 0;
                    for (int i = 0; i < d; i++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            dSP += dS[i * d + j] * prev[i * d + j];
                            dSpk[i] += dS[i * d + j] * pk[j];
                            pw[i] += prev[i * d + j] * w[j];
                        }
                    }

                    for (int j = 0; j < d; j++)
                    {
                        kdSv += w[j] * v.Data[off + j];
                        kdSpk += w[j] * pk[j];
                        wpk += w[j] * pk[j];
                    }

                    if (dv is not null)
                    {
                        for (int j = 0; j < d; j++) dv[off + j] += b * w[j];
                    }

                    if (dbeta is not null) dbeta[r * heads + h] += kdSv - a * kdSpk;
                    if (dalpha is not null) dalpha[r * heads + h] += dSP - b * wpk;
                    if (dk is not null)
                    {
                        for (int i = 0; i < d; i++)
                        {
                            Real dSv = 0;
                            for (int j = 0; j < d; j++) dSv += dS[i * d + j] * v.Data[off + j];
                            dk[off + i] += b * dSv - a * b * (dSpk[i] + pw[i]);
                        }
                    }

                    for (int i = 0; i < d; i++)
                    {
                        Real ki = k.Data[off + i];
                        for (int j = 0; j < d; j++) dS[i * d + j] = a * (dS[i * d + j] - b * ki * w[j]);
                    }
                }
            });
        });
        return o;
    }

    /// <summary>Float64 scalar reference: the recurrence with the update written as (I - β k kᵀ).</summary>
    public static class Reference
    {
        /// <summary>The output o.</summary>
        public static double[] Forward(double[] q, double[] k, double[] v, double[] beta, double[] alpha, int batch, int length, int heads, int d)
        {
            int width = heads * d;
            var o = new double[batch * length * width];
            for (int s = 0; s < batch; s++)
            {
                for (int h = 0; h < heads; h++)
                {
                    var st = new double[d, d];
                    for (int t = 0; t < length; t++)
                    {
                        int r = s * length + t, off = r * width + h * d;
                        double a = alpha[r * heads + h], b = beta[r * heads + h];
                        var next = new double[d, d];
                        for (int i = 0; i < d; i++)
                        {
                            for (int j = 0; j < d; j++)
                            {
                                double m = 0;
                                for (int p = 0; p < d; p++) m += ((i == p ? 1 : 0) - b * k[off + i] * k[off + p]) * st[p, j];
                                next[i, j] = a * m + b * k[off + i] * v[off + j];
                            }
                        }

                        st = next;
                        for (int j = 0; j < d; j++)
                        {
                            double acc = 0;
                            for (int i = 0; i < d; i++) acc += st[i, j] * q[off + i];
                            o[off + j] = acc / Math.Sqrt(d);
                        }
                    }
                }
            }

            return o;
        }
    }
}
