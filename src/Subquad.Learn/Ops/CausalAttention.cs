using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Multi-head causal softmax attention, Y = softmax(Q Kᵀ / √d + M) V per head (ALTERNATIVES.md 3.10), with an
/// optional sliding window (3.4, Subquad's convention: W keys including self, j in [i - W + 1, i]).
/// q, k, v are [batch * length, heads * d]; head h owns columns [h d, (h + 1) d).
/// </summary>
/// <remarks>
/// Tiled: rows in blocks of <see cref="Block"/>; a row block's scores are one <see cref="Gemm"/> product against only
/// the key blocks the mask can reach (the causal half, or the window's band), the softmax runs on that strip, and
/// Y = P V is a second product on the same strip, so about half of the L × L products of a dense masked
/// implementation are skipped. The probabilities (a [length, length] strip per sequence and head, zero outside the
/// mask) are kept for the backward pass: at the sizes (L = 256) that is 256 KB per head, cheaper than
/// recomputing them flash-style. Backward: dV = Pᵀ dY, dP = dY Vᵀ, dS = P ⊙ (dP − rowdot) / √d with
/// rowdot_i = Σ_j P_ij dP_ij = dY_i · Y_i, dQ = dS K, dK = dSᵀ Q, each a Gemm on the reachable blocks.
/// </remarks>
public static class CausalAttention
{
    /// <summary>Rows per tile (a multiple of the AVX-512 kernel's 8 rows).</summary>
    internal const int Block = 32;

    /// <summary>Attention output [batch * length, heads * d]; window null = full causal.</summary>
    public static Tensor Apply(Tape tape, Tensor q, Tensor k, Tensor v, int batch, int length, int heads, int? window = null)
    {
        if (q.Rows != batch * length || k.Rows != q.Rows || v.Rows != q.Rows || k.Cols != q.Cols || v.Cols != q.Cols || q.Cols % heads != 0)
        {
            throw new ArgumentException($"attention: q {q}, k {k}, v {v} for batch {batch}, length {length}, heads {heads}");
        }

        if (window is < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 1");
        int width = q.Cols, d = width / heads, L = length;
        int w = window ?? length;
        Real scale = (Real)1 / RealMath.Sqrt(d);
        var y = tape.Output(q.Rows, width, q, k, v);
        var probs = tape.Scratch(checked(batch * heads * L * L));
        LearnThreads.For(batch * heads, 2L * L * L * d, bh =>
        {
            int b = bh / heads, h = bh % heads;
            int head = b * L * width + h * d; // offset of (sequence b, row 0, head h) in q, k, v and y
            long pOff = (long)bh * L * L;
            var kt = Gemm.Transposed(k.Data, head, width, L, d); // [d, L]
            try
            {
                for (int i0 = 0; i0 < L; i0 += Block)
                {
                    int rows = Math.Min(Block, L - i0);
                        var (lo, hi) = KeyRange(i0, rows, w);
                    int strip = (int)(pOff + (long)i0 * L);
                    Gemm.Run(q.Data, head + i0 * width, width, 1, kt, lo, L, probs, strip + lo, L, rows, d, hi - lo, parallel: false);
                    for (int r = 0; r < rows; r++)
                    {
                        int i = i0 + r, from = Math.Max(0, i - w + 1);
                        var row = probs.AsSpan(strip + r * L, L);
                        SoftmaxRow(row[from..(i + 1)], scale);
                        row[lo..from].Clear();
                        row[(i + 1)..hi].Clear();
                    }

                    Gemm.Run(probs, strip + lo, L, 1, v.Data, head + lo * width, width, y.Data, head + i0 * width, width, rows, hi - lo, d, parallel: false);
                }
            }
            finally
            {
                ArrayPool<Real>.Shared.Return(kt);
            }
        });
        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dq = q.RequiresGrad ? q.GradBuffer() : null;
            var dk = k.RequiresGrad ? k.GradBuffer() : null;
            var dv = v.RequiresGrad ? v.GradBuffer() : null;
            LearnThreads.For(batch * heads, 4L * L * L * d, bh =>
            {
                int b = bh / heads, h = bh % heads;
                int head = b * L * width + h * d;
                int pOff = checked((int)((long)bh * L * L));
                var ds = ArrayPool<Real>.Shared.Rent(L * L);
                ds.AsSpan(0, L * L).Clear(); // the key-block products below read whole blocks, zeros outside the strips
                var vt = Gemm.Transposed(v.Data, head, width, L, d);
                try
                {
                    // dS = P ⊙ (dY Vᵀ − rowdot) / √d on the reachable strip of each row block.
                    for (int i0 = 0; i0 < L; i0 += Block)
                    {
                        int rows = Math.Min(Block, L - i0);
                        var (lo, hi) = KeyRange(i0, rows, w);
                        Gemm.Run(dy, head + i0 * width, width, 1, vt, lo, L, ds, i0 * L + lo, L, rows, d, hi - lo, parallel: false);
                        for (int r = 0; r < rows; r++)
                        {
                            int i = i0 + r;
                            Real rowDot = TensorPrimitives.Dot(dy.AsSpan(head + i * width, d), y.Data.AsSpan(head + i * width, d));
                            // Only keys j ≤ i carry probability; the rest of the strip stays zero.
                            int from = Math.Max(lo, i - w + 1);
                            ScoreGradientRow(ds.AsSpan(i * L + from, i + 1 - from), probs.AsSpan(pOff + i * L + from, i + 1 - from), rowDot, scale);
                            ds.AsSpan(i * L + lo, from - lo).Clear();
                            ds.AsSpan(i * L + i + 1, hi - i - 1).Clear();
                        }

                        if (dq is not null) Gemm.Run(ds, i0 * L + lo, L, 1, k.Data, head + lo * width, width, dq, head + i0 * width, width, rows, hi - lo, d, parallel: false);
                    }

                    // dV = Pᵀ dY and dK = dSᵀ Q by key blocks, over the query rows that can reach each block.
                    for (int j0 = 0; j0 < L; j0 += Block)
                    {
                        int cols = Math.Min(Block, L - j0);
                        var (qlo, qhi) = QueryRange(j0, cols, w, L);
                        if (dv is not null) Gemm.Run(probs, pOff + qlo * L + j0, 1, L, dy, head + qlo * width, width, dv, head + j0 * width, width, cols, qhi - qlo, d, parallel: false);
                        if (dk is not null) Gemm.Run(ds, qlo * L + j0, 1, L, q.Data, head + qlo * width, width, dk, head + j0 * width, width, cols, qhi - qlo, d, parallel: false);
                    }
                }
                finally
                {
                    ArrayPool<Real>.Shared.Return(vt);
                    ArrayPool<Real>.Shared.Return(ds);
                }
            });
        });
        return y;
    }

    /// <summary>
    /// s ← softmax(scale · s) in place, in three vector passes (max; exp and sum; normalise) instead of five array calls:
    /// at the sizes the softmax of the 32-row strips cost more than the two products around it.
    /// </summary>
    internal static void SoftmaxRow(Span<Real> s, Real scale)
    {
        Real max = TensorPrimitives.Max<Real>(s);
        var vs = Vector512.Create(scale);
        var shift = Vector512.Create(-scale * max);
        var acc = Vector512<Real>.Zero;
        int n = s.Length, w = Vector512<Real>.Count, i = 0;
        ref Real r = ref MemoryMarshal.GetReference(s);
        for (; i <= n - w; i += w)
        {
            var e = Vector512.Exp(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r, (nuint)i), vs, shift));
            e.StoreUnsafe(ref r, (nuint)i);
            acc += e;
        }

        Real sum = Vector512.Sum(acc);
        if (i < n)
        {
            Span<Real> tail = stackalloc Real[w];
            tail.Fill(max); // pad lanes give exp(0) = 1, not added below
            s[i..].CopyTo(tail);
            var e = Vector512.Exp(Vector512.FusedMultiplyAdd(Vector512.Create<Real>(tail), vs, shift));
            for (int j = 0; j < n - i; j++)
            {
                s[i + j] = e[j];
                sum += e[j];
            }
        }

        TensorPrimitives.Multiply<Real>(s, (Real)1 / sum, s);
    }

    /// <summary>dS ← P ⊙ (dP − rowdot) · scale in place over one row's live keys, one fused pass.</summary>
    internal static void ScoreGradientRow(Span<Real> ds, ReadOnlySpan<Real> p, Real rowDot, Real scale)
    {
        var vd = Vector512.Create(rowDot);
        var vs = Vector512.Create(scale);
        int n = ds.Length, w = Vector512<Real>.Count, i = 0;
        ref Real rd = ref MemoryMarshal.GetReference(ds);
        ref Real rp = ref MemoryMarshal.GetReference(p);
        for (; i <= n - w; i += w)
        {
            ((Vector512.LoadUnsafe(ref rd, (nuint)i) - vd) * (Vector512.LoadUnsafe(ref rp, (nuint)i) * vs)).StoreUnsafe(ref rd, (nuint)i);
        }

        for (; i < n; i++) ds[i] = (ds[i] - rowDot) * (p[i] * scale);
    }

    /// <summary>Keys [lo, hi) that rows [i0, i0 + rows) can attend to under a window of w keys (w = L: causal).</summary>
    private static (int Lo, int Hi) KeyRange(int i0, int rows, int w) => (Math.Max(0, i0 - w + 1), i0 + rows);

    /// <summary>Queries [lo, hi) that can attend to keys [j0, j0 + cols).</summary>
    private static (int Lo, int Hi) QueryRange(int j0, int cols, int w, int length) => (j0, (int)Math.Min(length, (long)j0 + cols - 1 + w));

    private static Real[] Gather(Tensor t, int b, int h, int length, int d) => Gather(t.Data, b, h, length, d, t.Cols);

    internal static Real[] Gather(Real[] data, int b, int h, int length, int d, int width)
    {
        var r = new Real[length * d];
        for (int i = 0; i < length; i++) data.AsSpan((b * length + i) * width + h * d, d).CopyTo(r.AsSpan(i * d, d));
        return r;
    }

    internal static void Scatter(Real[] src, Real[] dst, int b, int h, int length, int d, int width)
    {
        for (int i = 0; i < length; i++) src.AsSpan(i * d, d).CopyTo(dst.AsSpan((b * length + i) * width + h * d, d));
    }

    internal static void ScatterAdd(Real[] src, Real[] dst, int b, int h, int length, int d, int width)
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
