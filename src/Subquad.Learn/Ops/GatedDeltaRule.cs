using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// The gated delta rule (Gated DeltaNet; ALTERNATIVES.md 3.8 DeltaNet with a decay α as in GLA), per head with
/// state S ∈ ℝ^{d×d}: S_t = α_t (I - β_t k_t k_tᵀ) S_{t-1} + β_t k_t v_tᵀ, o_t = S_tᵀ (q_t / √d). With α = 1 it is
/// DeltaNet's delta_rule_recurrence. q, k, v [batch * length, heads * d]; β, α [batch * length, heads] in (0, 1).
/// </summary>
/// <remarks>
/// Forward, with P = S_{t-1}, p = Pᵀ k and u' = v - α p: S = α P + β k u'ᵀ, one pass over the rows of S (contiguous,
/// S[i, j] at i·d + j) that also accumulates o and the next token's p = Sᵀ k_{t+1}, each row a SIMD loop over j.
/// Backward, with dS the gradient of S_t and w = dSᵀ k: dq = S_t do / √d; dv = β w; dβ = wᵀ u';
/// dα = &lt;dS, P&gt; - β wᵀ p; dk = β dS u' - α β P w; dS_{t-1} = α (dS - β k wᵀ): two passes over the rows per token.
/// Memory: the forward keeps p per token (d numbers) and S only at the start of every chunk of C tokens; the backward
/// rebuilds a chunk's C states from its checkpoint (C·d² numbers, sized to stay in the core's L2) instead of storing
/// every S_t (4 GiB-class traffic at width 128: batch · length · d² floats per layer). The rebuild runs the forward's
/// update on the same inputs with the same instructions, so the rebuilt states equal the forward's bit for bit.
/// Every reduction runs in a fixed order inside one (sequence, head), so results do not depend on the thread count.
/// </remarks>
public static class GatedDeltaRule
{
    /// <summary>Bytes of rebuilt states per chunk in the backward: half of a 1 MiB L2, leaving room for dS and rows.</summary>
    private const int ChunkBytes = 512 * 1024;

    /// <summary>Tokens per checkpoint chunk for head dimension d (1 .. 64).</summary>
    internal static int ChunkTokens(int d) => (int)Math.Clamp(ChunkBytes / Math.Max(1L, (long)d * d * Unsafe.SizeOf<Real>()), 1, 64);

    /// <summary>Output o [batch * length, heads * d].</summary>
    public static Tensor Apply(Tape tape, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor alpha, int batch, int length, int heads) =>
        Apply(tape, q, k, v, beta, alpha, batch, length, heads, ChunkTokens(q.Cols / Math.Max(1, heads)));

    /// <summary>As <see cref="Apply(Tape, Tensor, Tensor, Tensor, Tensor, Tensor, int, int, int)"/> with an explicit checkpoint chunk (tests).</summary>
    internal static Tensor Apply(Tape tape, Tensor q, Tensor k, Tensor v, Tensor beta, Tensor alpha, int batch, int length, int heads, int chunk)
    {
        if (q.Rows != batch * length || k.Rows != q.Rows || v.Rows != q.Rows || k.Cols != q.Cols || v.Cols != q.Cols || heads < 1 || q.Cols % heads != 0 || beta.Cols != heads || alpha.Cols != heads || beta.Rows != q.Rows || alpha.Rows != q.Rows)
        {
            throw new ArgumentException($"gated delta rule: q {q}, k {k}, v {v}, beta {beta}, alpha {alpha}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        int width = q.Cols, d = width / heads, dd = d * d;
        int chunks = (length + chunk - 1) / chunk;
        Real scale = (Real)1 / RealMath.Sqrt(d);
        var o = tape.Output(q.Rows, width, q, k, v, beta, alpha);
        // p_t per token (the backward's P k without P) and S at the start of chunks 1 .. chunks-1 (chunk 0 starts at 0).
        var pks = tape.Scratch(checked(batch * length * heads * d));
        var checkpoints = tape.Scratch(checked(batch * heads * chunks * dd));
        LearnThreads.For(batch * heads, 6L * length * dd, bh =>
        {
            int s = bh / heads, h = bh % heads;
            var st = ArrayPool<Real>.Shared.Rent(dd);
            var vec = ArrayPool<Real>.Shared.Rent(5 * d);
            try
            {
                var S = st.AsSpan(0, dd);
                S.Clear();
                Span<Real> pk = vec.AsSpan(0, d), pkNext = vec.AsSpan(d, d), uPrime = vec.AsSpan(2 * d, d), u = vec.AsSpan(3 * d, d), acc = vec.AsSpan(4 * d, d);
                pk.Clear();
                for (int t = 0; t < length; t++)
                {
                    int r = s * length + t, off = r * width + h * d;
                    Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h];
                    pk.CopyTo(pks.AsSpan(off, d));
                    Direction(v.Data.AsSpan(off, d), pk, a, b, uPrime, u);
                    var qt = q.Data.AsSpan(off, d);
                    var kt = k.Data.AsSpan(off, d);
                    // The next token's k (zeros after the last token: its p is never used).
                    ReadOnlySpan<Real> kn = t + 1 < length ? k.Data.AsSpan(off + width, d) : default;
                    acc.Clear();
                    pkNext.Clear();
                    for (int i = 0; i < d; i++)
                    {
                        ForwardRow(S.Slice(i * d, d), u, a, kt[i], qt[i], kn.IsEmpty ? 0 : kn[i], acc, pkNext);
                    }

                    TensorPrimitives.Multiply(acc, scale, o.Data.AsSpan(off, d));
                    pkNext.CopyTo(pk);
                    if ((t + 1) % chunk == 0 && t + 1 < length) S.CopyTo(checkpoints.AsSpan((bh * chunks + (t + 1) / chunk) * dd, dd));
                }
            }
            finally
            {
                ArrayPool<Real>.Shared.Return(st);
                ArrayPool<Real>.Shared.Return(vec);
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
            int window = Math.Min(chunk, length);
            LearnThreads.For(batch * heads, 16L * length * dd, bh =>
            {
                int s = bh / heads, h = bh % heads;
                var states = ArrayPool<Real>.Shared.Rent((window + 1) * dd);
                var grad = ArrayPool<Real>.Shared.Rent(dd);
                var vec = ArrayPool<Real>.Shared.Rent(7 * d);
                try
                {
                    var dS = grad.AsSpan(0, dd);
                    dS.Clear();
                    Span<Real> uPrime = vec.AsSpan(0, d), u = vec.AsSpan(d, d), w = vec.AsSpan(2 * d, d), g = vec.AsSpan(3 * d, d);
                    Span<Real> uPrime1 = vec.AsSpan(4 * d, d), w1 = vec.AsSpan(5 * d, d), g1 = vec.AsSpan(6 * d, d);
                    for (int c = chunks - 1; c >= 0; c--)
                    {
                        int t0 = c * chunk, t1 = Math.Min(length, t0 + chunk);
                        // Rebuild S_{t0-1} .. S_{t1-1} into states[0 .. t1-t0].
                        var first = states.AsSpan(0, dd);
                        if (c == 0) first.Clear();
                        else checkpoints.AsSpan((bh * chunks + c) * dd, dd).CopyTo(first);
                        for (int t = t0; t < t1; t++)
                        {
                            int r = s * length + t, off = r * width + h * d;
                            Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h];
                            Direction(v.Data.AsSpan(off, d), pks.AsSpan(off, d), a, b, uPrime, u);
                            var kt = k.Data.AsSpan(off, d);
                            var from = states.AsSpan((t - t0) * dd, dd);
                            var to = states.AsSpan((t - t0 + 1) * dd, dd);
                            for (int i = 0; i < d; i++) UpdateRow(from.Slice(i * d, d), u, a, kt[i], to.Slice(i * d, d));
                        }

                        // Token t1-1 opens the chunk with pass 1 alone; then each token's pass 2 runs fused with the
                        // previous token's pass 1 (one sweep over the rows of dS instead of two), except at t0, whose
                        // previous token's states lie in the chunk before.
                        Pass1(t1 - 1, states.AsSpan((t1 - 1 - t0 + 1) * dd, dd), states.AsSpan((t1 - 1 - t0) * dd, dd), dS, w, g, uPrime, u);
                        for (int t = t1 - 1; t >= t0; t--)
                        {
                            int r = s * length + t, off = r * width + h * d;
                            Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h], ab = a * b;
                            ReadOnlySpan<Real> P = states.AsSpan((t - t0) * dd, dd), kt = k.Data.AsSpan(off, d);
                            if (t == t0)
                            {
                                // Pass 2 alone: dk = β g - α β P w; dS_{t-1} = α dS - α β k wᵀ.
                                for (int i = 0; i < d; i++)
                                {
                                    Real pw = CarryRow(dS.Slice(i * d, d), P.Slice(i * d, d), w, a, -ab * kt[i]);
                                    if (dk is not null) dk[off + i] += b * g[i] - ab * pw;
                                }

                                continue;
                            }

                            int r1 = r - 1, off1 = off - width;
                            Real a1 = alpha.Data[r1 * heads + h], b1 = beta.Data[r1 * heads + h];
                            Direction(v.Data.AsSpan(off1, d), pks.AsSpan(off1, d), a1, b1, uPrime1, u);
                            ReadOnlySpan<Real> P1 = states.AsSpan((t - 1 - t0) * dd, dd), q1 = q.Data.AsSpan(off1, d), k1 = k.Data.AsSpan(off1, d), dO1 = dO.AsSpan(off1, d);
                            w1.Clear();
                            Real dSP = 0;
                            for (int i = 0; i < d; i++)
                            {
                                Real pw = FusedRow(dS.Slice(i * d, d), P.Slice(i * d, d), P1.Slice(i * d, d), w, a, -ab * kt[i], dO1, uPrime1, w1, q1[i] * scale, k1[i], out Real sdo, out Real dsp, out Real gi);
                                if (dk is not null) dk[off + i] += b * g[i] - ab * pw;
                                if (dq is not null) dq[off1 + i] += sdo * scale;
                                dSP += dsp;
                                g1[i] = gi;
                            }

                            Finish(r1, off1, w1, uPrime1, pks.AsSpan(off1, d), a1, b1, dSP);
                            Swap(ref w, ref w1);
                            Swap(ref g, ref g1);
                        }
                    }
                }
                finally
                {
                    ArrayPool<Real>.Shared.Return(states);
                    ArrayPool<Real>.Shared.Return(grad);
                    ArrayPool<Real>.Shared.Return(vec);
                }

                // Pass 1 of token t alone: dS += q doᵀ / √d, then w = dSᵀ k, <dS, P>, g = dS u' and dq = S_t do / √d.
                void Pass1(int t, ReadOnlySpan<Real> St, ReadOnlySpan<Real> P, Span<Real> dS, Span<Real> w, Span<Real> g, Span<Real> uPrime, Span<Real> u)
                {
                    int r = s * length + t, off = r * width + h * d;
                    Real a = alpha.Data[r * heads + h], b = beta.Data[r * heads + h];
                    var pk = pks.AsSpan(off, d);
                    Direction(v.Data.AsSpan(off, d), pk, a, b, uPrime, u);
                    ReadOnlySpan<Real> qt = q.Data.AsSpan(off, d), kt = k.Data.AsSpan(off, d), dOt = dO.AsSpan(off, d);
                    w.Clear();
                    Real dSP = 0;
                    for (int i = 0; i < d; i++)
                    {
                        BackwardRow(dS.Slice(i * d, d), St.Slice(i * d, d), P.Slice(i * d, d), dOt, uPrime, w, qt[i] * scale, kt[i], out Real sdo, out Real dsp, out Real gi);
                        if (dq is not null) dq[off + i] += sdo * scale;
                        dSP += dsp;
                        g[i] = gi;
                    }

                    Finish(r, off, w, uPrime, pk, a, b, dSP);
                }

                // The per-token gradients that pass 1 completes: dv = β w; dβ = wᵀ u'; dα = <dS, P> - β wᵀ p.
                void Finish(int r, int off, ReadOnlySpan<Real> w, ReadOnlySpan<Real> uPrime, ReadOnlySpan<Real> pk, Real a, Real b, Real dSP)
                {
                    if (dv is not null) TensorPrimitives.MultiplyAdd(w, b, dv.AsSpan(off, d), dv.AsSpan(off, d));
                    if (dbeta is not null) dbeta[r * heads + h] += TensorPrimitives.Dot(w, uPrime);
                    if (dalpha is not null) dalpha[r * heads + h] += dSP - b * TensorPrimitives.Dot(w, pk);
                }
            });
        });
        return o;
    }

    /// <summary>u' = v - α p and u = β u' (the forward and the rebuild share it, so the rebuilt S is bit-equal).</summary>
    private static void Direction(ReadOnlySpan<Real> v, ReadOnlySpan<Real> pk, Real a, Real b, Span<Real> uPrime, Span<Real> u)
    {
        for (int j = 0; j < v.Length; j++)
        {
            uPrime[j] = v[j] - a * pk[j];
            u[j] = b * uPrime[j];
        }
    }

    // Row kernels over one row of S (length d): Vector512 where the hardware has it, then Vector256, then scalars.
    // Each lane keeps its own sums in a fixed order, so a row's result depends only on d and the hardware.

    /// <summary>S_i = α S_i + k_i u (in place); acc += q_i S_i; pkNext += kNext_i S_i.</summary>
    private static void ForwardRow(Span<Real> row, ReadOnlySpan<Real> u, Real a, Real ki, Real qi, Real kni, Span<Real> acc, Span<Real> pkNext)
    {
        int n = row.Length, j = 0;
        ref Real rs = ref MemoryMarshal.GetReference(row);
        ref Real ru = ref MemoryMarshal.GetReference(u);
        ref Real ro = ref MemoryMarshal.GetReference(acc);
        ref Real rp = ref MemoryMarshal.GetReference(pkNext);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> va = Vector512.Create(a), vk = Vector512.Create(ki), vq = Vector512.Create(qi), vn = Vector512.Create(kni);
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                var x = Vector512.FusedMultiplyAdd(vk, Vector512.LoadUnsafe(ref ru, (nuint)j), va * Vector512.LoadUnsafe(ref rs, (nuint)j));
                x.StoreUnsafe(ref rs, (nuint)j);
                Vector512.FusedMultiplyAdd(vq, x, Vector512.LoadUnsafe(ref ro, (nuint)j)).StoreUnsafe(ref ro, (nuint)j);
                Vector512.FusedMultiplyAdd(vn, x, Vector512.LoadUnsafe(ref rp, (nuint)j)).StoreUnsafe(ref rp, (nuint)j);
            }
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> va = Vector256.Create(a), vk = Vector256.Create(ki), vq = Vector256.Create(qi), vn = Vector256.Create(kni);
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                var x = Vector256.FusedMultiplyAdd(vk, Vector256.LoadUnsafe(ref ru, (nuint)j), va * Vector256.LoadUnsafe(ref rs, (nuint)j));
                x.StoreUnsafe(ref rs, (nuint)j);
                Vector256.FusedMultiplyAdd(vq, x, Vector256.LoadUnsafe(ref ro, (nuint)j)).StoreUnsafe(ref ro, (nuint)j);
                Vector256.FusedMultiplyAdd(vn, x, Vector256.LoadUnsafe(ref rp, (nuint)j)).StoreUnsafe(ref rp, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            Real x = RealMath.FusedMultiplyAdd(ki, u[j], a * row[j]);
            row[j] = x;
            acc[j] = RealMath.FusedMultiplyAdd(qi, x, acc[j]);
            pkNext[j] = RealMath.FusedMultiplyAdd(kni, x, pkNext[j]);
        }
    }

    /// <summary>to = α from + k_i u: the forward's state update alone, with the same instructions (the rebuild).</summary>
    private static void UpdateRow(ReadOnlySpan<Real> from, ReadOnlySpan<Real> u, Real a, Real ki, Span<Real> to)
    {
        int n = from.Length, j = 0;
        ref Real rf = ref MemoryMarshal.GetReference(from);
        ref Real ru = ref MemoryMarshal.GetReference(u);
        ref Real rt = ref MemoryMarshal.GetReference(to);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> va = Vector512.Create(a), vk = Vector512.Create(ki);
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                Vector512.FusedMultiplyAdd(vk, Vector512.LoadUnsafe(ref ru, (nuint)j), va * Vector512.LoadUnsafe(ref rf, (nuint)j)).StoreUnsafe(ref rt, (nuint)j);
            }
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> va = Vector256.Create(a), vk = Vector256.Create(ki);
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                Vector256.FusedMultiplyAdd(vk, Vector256.LoadUnsafe(ref ru, (nuint)j), va * Vector256.LoadUnsafe(ref rf, (nuint)j)).StoreUnsafe(ref rt, (nuint)j);
            }
        }

        for (; j < n; j++) to[j] = RealMath.FusedMultiplyAdd(ki, u[j], a * from[j]);
    }

    /// <summary>
    /// dS_i += qs_i do (in place); then sdo = S_i · do, dsp = dS_i · P_i, g = dS_i · u', and w += k_i dS_i.
    /// </summary>
    private static void BackwardRow(Span<Real> ds, ReadOnlySpan<Real> st, ReadOnlySpan<Real> p, ReadOnlySpan<Real> dO, ReadOnlySpan<Real> uPrime, Span<Real> w, Real qs, Real ki, out Real sdo, out Real dsp, out Real g)
    {
        int n = ds.Length, j = 0;
        ref Real rd = ref MemoryMarshal.GetReference(ds);
        ref Real rs = ref MemoryMarshal.GetReference(st);
        ref Real rp = ref MemoryMarshal.GetReference(p);
        ref Real ro = ref MemoryMarshal.GetReference(dO);
        ref Real ru = ref MemoryMarshal.GetReference(uPrime);
        ref Real rw = ref MemoryMarshal.GetReference(w);
        sdo = 0;
        dsp = 0;
        g = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> vq = Vector512.Create(qs), vk = Vector512.Create(ki), a1 = default, a2 = default, a3 = default;
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                var o = Vector512.LoadUnsafe(ref ro, (nuint)j);
                var x = Vector512.FusedMultiplyAdd(vq, o, Vector512.LoadUnsafe(ref rd, (nuint)j));
                x.StoreUnsafe(ref rd, (nuint)j);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rs, (nuint)j), o, a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref rp, (nuint)j), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref ru, (nuint)j), a3);
                Vector512.FusedMultiplyAdd(vk, x, Vector512.LoadUnsafe(ref rw, (nuint)j)).StoreUnsafe(ref rw, (nuint)j);
            }

            sdo = Vector512.Sum(a1);
            dsp = Vector512.Sum(a2);
            g = Vector512.Sum(a3);
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> vq = Vector256.Create(qs), vk = Vector256.Create(ki), a1 = default, a2 = default, a3 = default;
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                var o = Vector256.LoadUnsafe(ref ro, (nuint)j);
                var x = Vector256.FusedMultiplyAdd(vq, o, Vector256.LoadUnsafe(ref rd, (nuint)j));
                x.StoreUnsafe(ref rd, (nuint)j);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rs, (nuint)j), o, a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref rp, (nuint)j), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref ru, (nuint)j), a3);
                Vector256.FusedMultiplyAdd(vk, x, Vector256.LoadUnsafe(ref rw, (nuint)j)).StoreUnsafe(ref rw, (nuint)j);
            }

            sdo += Vector256.Sum(a1);
            dsp += Vector256.Sum(a2);
            g += Vector256.Sum(a3);
        }

        for (; j < n; j++)
        {
            Real x = RealMath.FusedMultiplyAdd(qs, dO[j], ds[j]);
            ds[j] = x;
            sdo = RealMath.FusedMultiplyAdd(st[j], dO[j], sdo);
            dsp = RealMath.FusedMultiplyAdd(x, p[j], dsp);
            g = RealMath.FusedMultiplyAdd(x, uPrime[j], g);
            w[j] = RealMath.FusedMultiplyAdd(ki, x, w[j]);
        }
    }

    /// <summary>Returns P_i · w and carries dS_i = α dS_i + c w (c = -α β k_i) to the previous token.</summary>
    private static Real CarryRow(Span<Real> ds, ReadOnlySpan<Real> p, ReadOnlySpan<Real> w, Real a, Real c)
    {
        int n = ds.Length, j = 0;
        ref Real rd = ref MemoryMarshal.GetReference(ds);
        ref Real rp = ref MemoryMarshal.GetReference(p);
        ref Real rw = ref MemoryMarshal.GetReference(w);
        Real pw = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> va = Vector512.Create(a), vc = Vector512.Create(c), acc = default;
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                var x = Vector512.LoadUnsafe(ref rw, (nuint)j);
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rp, (nuint)j), x, acc);
                Vector512.FusedMultiplyAdd(vc, x, va * Vector512.LoadUnsafe(ref rd, (nuint)j)).StoreUnsafe(ref rd, (nuint)j);
            }

            pw = Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> va = Vector256.Create(a), vc = Vector256.Create(c), acc = default;
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                var x = Vector256.LoadUnsafe(ref rw, (nuint)j);
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rp, (nuint)j), x, acc);
                Vector256.FusedMultiplyAdd(vc, x, va * Vector256.LoadUnsafe(ref rd, (nuint)j)).StoreUnsafe(ref rd, (nuint)j);
            }

            pw += Vector256.Sum(acc);
        }

        for (; j < n; j++)
        {
            pw = RealMath.FusedMultiplyAdd(p[j], w[j], pw);
            ds[j] = RealMath.FusedMultiplyAdd(c, w[j], a * ds[j]);
        }

        return pw;
    }

    private static void Swap(ref Span<Real> x, ref Span<Real> y)
    {
        var keep = x;
        x = y;
        y = keep;
    }

    /// <summary>
    /// Pass 2 of token t and pass 1 of token t-1 on one row, in one sweep with the same arithmetic as
    /// <see cref="CarryRow"/> then <see cref="BackwardRow"/> (so the same bits): returns P_i · w_t; dS_i = α dS_i + c w_t;
    /// then dS_i += qs do', sdo = S_{t-1,i} · do', dsp = dS_i · S_{t-2,i}, g = dS_i · u'', w' += k'_i dS_i (primes: token t-1).
    /// </summary>
    private static Real FusedRow(Span<Real> ds, ReadOnlySpan<Real> p, ReadOnlySpan<Real> p1, ReadOnlySpan<Real> w, Real a, Real c, ReadOnlySpan<Real> dO1, ReadOnlySpan<Real> u1, Span<Real> w1, Real qs, Real ki, out Real sdo, out Real dsp, out Real g)
    {
        int n = ds.Length, j = 0;
        ref Real rd = ref MemoryMarshal.GetReference(ds);
        ref Real rp = ref MemoryMarshal.GetReference(p);
        ref Real rp1 = ref MemoryMarshal.GetReference(p1);
        ref Real rw = ref MemoryMarshal.GetReference(w);
        ref Real ro = ref MemoryMarshal.GetReference(dO1);
        ref Real ru = ref MemoryMarshal.GetReference(u1);
        ref Real rw1 = ref MemoryMarshal.GetReference(w1);
        Real pw = 0;
        sdo = 0;
        dsp = 0;
        g = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> va = Vector512.Create(a), vc = Vector512.Create(c), vq = Vector512.Create(qs), vk = Vector512.Create(ki), a0 = default, a1 = default, a2 = default, a3 = default;
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                var wt = Vector512.LoadUnsafe(ref rw, (nuint)j);
                var pt = Vector512.LoadUnsafe(ref rp, (nuint)j);
                a0 = Vector512.FusedMultiplyAdd(pt, wt, a0);
                var x = Vector512.FusedMultiplyAdd(vc, wt, va * Vector512.LoadUnsafe(ref rd, (nuint)j));
                var o = Vector512.LoadUnsafe(ref ro, (nuint)j);
                x = Vector512.FusedMultiplyAdd(vq, o, x);
                x.StoreUnsafe(ref rd, (nuint)j);
                a1 = Vector512.FusedMultiplyAdd(pt, o, a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref rp1, (nuint)j), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref ru, (nuint)j), a3);
                Vector512.FusedMultiplyAdd(vk, x, Vector512.LoadUnsafe(ref rw1, (nuint)j)).StoreUnsafe(ref rw1, (nuint)j);
            }

            pw = Vector512.Sum(a0);
            sdo = Vector512.Sum(a1);
            dsp = Vector512.Sum(a2);
            g = Vector512.Sum(a3);
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> va = Vector256.Create(a), vc = Vector256.Create(c), vq = Vector256.Create(qs), vk = Vector256.Create(ki), a0 = default, a1 = default, a2 = default, a3 = default;
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                var wt = Vector256.LoadUnsafe(ref rw, (nuint)j);
                var pt = Vector256.LoadUnsafe(ref rp, (nuint)j);
                a0 = Vector256.FusedMultiplyAdd(pt, wt, a0);
                var x = Vector256.FusedMultiplyAdd(vc, wt, va * Vector256.LoadUnsafe(ref rd, (nuint)j));
                var o = Vector256.LoadUnsafe(ref ro, (nuint)j);
                x = Vector256.FusedMultiplyAdd(vq, o, x);
                x.StoreUnsafe(ref rd, (nuint)j);
                a1 = Vector256.FusedMultiplyAdd(pt, o, a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref rp1, (nuint)j), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref ru, (nuint)j), a3);
                Vector256.FusedMultiplyAdd(vk, x, Vector256.LoadUnsafe(ref rw1, (nuint)j)).StoreUnsafe(ref rw1, (nuint)j);
            }

            pw += Vector256.Sum(a0);
            sdo += Vector256.Sum(a1);
            dsp += Vector256.Sum(a2);
            g += Vector256.Sum(a3);
        }

        for (; j < n; j++)
        {
            pw = RealMath.FusedMultiplyAdd(p[j], w[j], pw);
            Real x = RealMath.FusedMultiplyAdd(c, w[j], a * ds[j]);
            x = RealMath.FusedMultiplyAdd(qs, dO1[j], x);
            ds[j] = x;
            sdo = RealMath.FusedMultiplyAdd(p[j], dO1[j], sdo);
            dsp = RealMath.FusedMultiplyAdd(x, p1[j], dsp);
            g = RealMath.FusedMultiplyAdd(x, u1[j], g);
            w1[j] = RealMath.FusedMultiplyAdd(ki, x, w1[j]);
        }

        return pw;
    }

    /// <summary>Float64 scalar reference: the recurrence with the update written as (I - β k kᵀ), and its backward.</summary>
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

        /// <summary>
        /// Gradients (dq, dk, dv, dβ, dα) of Σ dO ⊙ o: every state stored, the formulas of the remarks written out as
        /// plain loops over i, j (the kernel before its SIMD rewrite; checked against finite differences and PyTorch).
        /// </summary>
        public static double[][] Backward(double[] q, double[] k, double[] v, double[] beta, double[] alpha, double[] dO, int batch, int length, int heads, int d)
        {
            int width = heads * d;
            double scale = 1 / Math.Sqrt(d);
            double[] dq = new double[q.Length], dk = new double[k.Length], dv = new double[v.Length], dbeta = new double[beta.Length], dalpha = new double[alpha.Length];
            for (int s = 0; s < batch; s++)
            {
                for (int h = 0; h < heads; h++)
                {
                    // states[t + 1] = S_t, states[0] = 0.
                    var states = new double[length + 1][];
                    states[0] = new double[d * d];
                    for (int t = 0; t < length; t++)
                    {
                        int r = s * length + t, off = r * width + h * d;
                        double a = alpha[r * heads + h], b = beta[r * heads + h];
                        var prev = states[t];
                        var pk = new double[d];
                        for (int i = 0; i < d; i++)
                        {
                            for (int j = 0; j < d; j++) pk[j] += prev[i * d + j] * k[off + i];
                        }

                        var st = new double[d * d];
                        for (int i = 0; i < d; i++)
                        {
                            for (int j = 0; j < d; j++) st[i * d + j] = a * prev[i * d + j] + b * k[off + i] * (v[off + j] - a * pk[j]);
                        }

                        states[t + 1] = st;
                    }

                    var dS = new double[d * d];
                    for (int t = length - 1; t >= 0; t--)
                    {
                        int r = s * length + t, off = r * width + h * d;
                        double[] st = states[t + 1], prev = states[t];
                        double a = alpha[r * heads + h], b = beta[r * heads + h];
                        for (int i = 0; i < d; i++)
                        {
                            double acc = 0;
                            for (int j = 0; j < d; j++)
                            {
                                dS[i * d + j] += q[off + i] * scale * dO[off + j];
                                acc += st[i * d + j] * dO[off + j];
                            }

                            dq[off + i] += acc * scale;
                        }

                        double[] pk = new double[d], w = new double[d], dSpk = new double[d], pw = new double[d];
                        for (int i = 0; i < d; i++)
                        {
                            for (int j = 0; j < d; j++)
                            {
                                pk[j] += prev[i * d + j] * k[off + i];
                                w[j] += dS[i * d + j] * k[off + i];
                            }
                        }

                        double dSP = 0, kdSv = 0, wpk = 0;
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
                            kdSv += w[j] * v[off + j];
                            wpk += w[j] * pk[j];
                            dv[off + j] += b * w[j];
                        }

                        dbeta[r * heads + h] += kdSv - a * wpk;
                        dalpha[r * heads + h] += dSP - b * wpk;
                        for (int i = 0; i < d; i++)
                        {
                            double dSv = 0;
                            for (int j = 0; j < d; j++) dSv += dS[i * d + j] * v[off + j];
                            dk[off + i] += b * dSv - a * b * (dSpk[i] + pw[i]);
                        }

                        for (int i = 0; i < d; i++)
                        {
                            for (int j = 0; j < d; j++) dS[i * d + j] = a * (dS[i * d + j] - b * k[off + i] * w[j]);
                        }
                    }
                }
            }

            return [dq, dk, dv, dbeta, dalpha];
        }
    }
}
