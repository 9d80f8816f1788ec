using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Causal linear attention in its recurrent form (ALTERNATIVES.md 3.2): per head, S_i = S_{i-1} + φ(k_i) v_iᵀ,
/// z_i = z_{i-1} + φ(k_i), y_i = φ(q_i)ᵀ S_i / (φ(q_i)ᵀ z_i + ε), with Based's Taylor feature map
/// φ(x) = [1, x / f^{1/4}, vec(x xᵀ) / (√2 √f)], so φ(q)·φ(k) = 1 + q·k/√f + (q·k)²/(2f) &gt; 0.
/// The state per head is F × d_v + F numbers with F = 1 + f + f².
/// </summary>
/// <remarks>
/// Backward in two passes, never storing the states: a forward pass rebuilds S_i, z_i to get
/// dφq_i = S_i dnum_i + z_i dden_i (dnum = dy/den, dden = -dy·y/den); a reverse pass carries
/// dS = Σ_{i≥j} φq_i dnum_iᵀ and dz = Σ_{i≥j} φq_i dden_i to give dφk_j = dS v_j + dz, dv_j = dSᵀ φk_j.
/// Each pass touches a state row once per token: one fused SIMD loop (<see cref="Row"/>) updates the row and takes
/// its dot product and its contribution to the d_v-vector in the same sweep (separate calls read the F × d_v state
/// two or three times per token, and that traffic, not the arithmetic, was the cost). The forward pass 1 is skipped
/// when φq needs no gradient.
/// </remarks>
public static class LinearAttention
{
    /// <summary>ε in the denominator (Katharopoulos et al. / fast-transformers).</summary>
    public const Real Epsilon = (Real)1e-6;

    /// <summary>Feature dimension F of the Taylor map for head dimension f.</summary>
    public static int TaylorFeatures(int f) => 1 + f + f * f;

    /// <summary>φ applied per head: x [rows, heads * f] → [rows, heads * F].</summary>
    public static Tensor TaylorFeatureMap(Tape tape, Tensor x, int heads)
    {
        if (x.Cols % heads != 0) throw new ArgumentException($"taylor map: {x} for {heads} heads");
        int f = x.Cols / heads, ff = TaylorFeatures(f);
        Real c1 = (Real)1 / RealMath.Pow(f, (Real)0.25), c2 = (Real)1 / (RealMath.Sqrt((Real)2) * RealMath.Sqrt(f));
        var y = tape.Output(x.Rows, heads * ff, x);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int h = 0; h < heads; h++)
            {
                var xs = x.Data.AsSpan(r * x.Cols + h * f, f);
                var ys = y.Data.AsSpan(r * y.Cols + h * ff, ff);
                ys[0] = 1;
                for (int a = 0; a < f; a++) ys[1 + a] = xs[a] * c1;
                for (int a = 0; a < f; a++)
                {
                    for (int b = 0; b < f; b++) ys[1 + f + a * f + b] = xs[a] * xs[b] * c2;
                }
            }
        }

        tape.Record(y, () =>
        {
            var dx = x.GradBuffer();
            var dy = y.Grad!;
            for (int r = 0; r < x.Rows; r++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int xo = r * x.Cols + h * f, yo = r * y.Cols + h * ff;
                    for (int a = 0; a < f; a++)
                    {
                        Real g = dy[yo + 1 + a] * c1;
                        for (int b = 0; b < f; b++) g += (dy[yo + 1 + f + a * f + b] + dy[yo + 1 + f + b * f + a]) * c2 * x.Data[xo + b];
                        dx[xo + a] += g;
                    }
                }
            }
        });
        return y;
    }

    /// <summary>Causal linear attention: φq, φk [batch * length, heads * F], v [batch * length, heads * dv].</summary>
    public static Tensor Causal(Tape tape, Tensor phiQ, Tensor phiK, Tensor v, int batch, int length, int heads)
    {
        if (phiQ.Rows != batch * length || phiK.Rows != phiQ.Rows || v.Rows != phiQ.Rows || phiK.Cols != phiQ.Cols || phiQ.Cols % heads != 0 || v.Cols % heads != 0)
        {
            throw new ArgumentException($"linear attention: φq {phiQ}, φk {phiK}, v {v}");
        }

        int ff = phiQ.Cols / heads, dv = v.Cols / heads;
        var y = tape.Output(v.Rows, v.Cols, phiQ, phiK, v);
        var den = tape.Scratch(batch * length * heads);
        LearnThreads.For(batch * heads, 4L * length * ff * dv, bh =>
        {
            int s = bh / heads, h = bh % heads;
            var state = new Real[ff * dv];
            var z = new Real[ff];
            var num = new Real[dv];
            for (int t = 0; t < length; t++)
            {
                int r = s * length + t;
                var pk = phiK.Data.AsSpan(r * phiK.Cols + h * ff, ff);
                var pq = phiQ.Data.AsSpan(r * phiQ.Cols + h * ff, ff);
                var vt = v.Data.AsSpan(r * v.Cols + h * dv, dv);
                // One pass over the rows of S: S_a += φk_a v, num += φq_a S_a.
                Array.Clear(num);
                for (int a = 0; a < ff; a++) Row<No, Yes>(state.AsSpan(a * dv, dv), vt, pk[a], default, num, pq[a]);
                TensorPrimitives.Add(z, pk, z);
                Real dn = TensorPrimitives.Dot(pq, z) + Epsilon;
                den[r * heads + h] = dn;
                TensorPrimitives.Divide(num, dn, y.Data.AsSpan(r * v.Cols + h * dv, dv));
            }
        });
        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dq = phiQ.RequiresGrad ? phiQ.GradBuffer() : null;
            var dk = phiK.RequiresGrad ? phiK.GradBuffer() : null;
            var dvv = v.RequiresGrad ? v.GradBuffer() : null;
            LearnThreads.For(batch * heads, 10L * length * ff * dv, bh =>
            {
                int s = bh / heads, h = bh % heads;
                var dnum = new Real[length * dv];
                var dden = new Real[length];
                for (int t = 0; t < length; t++)
                {
                    int r = s * length + t;
                    Real dn = den[r * heads + h];
                    var dyt = dy.AsSpan(r * v.Cols + h * dv, dv);
                    TensorPrimitives.Divide(dyt, dn, dnum.AsSpan(t * dv, dv));
                    dden[t] = -TensorPrimitives.Dot(dyt, y.Data.AsSpan(r * v.Cols + h * dv, dv)) / dn;
                }

                // Pass 1 (forward, only for dφq): rebuild S_i, z_i; dφq_i = S_i dnum_i + z_i dden_i, one pass over S per token.
                var state = new Real[ff * dv];
                var z = new Real[ff];
                for (int t = 0; t < length && dq is not null; t++)
                {
                    int r = s * length + t;
                    var pk = phiK.Data.AsSpan(r * phiK.Cols + h * ff, ff);
                    var vt = v.Data.AsSpan(r * v.Cols + h * dv, dv);
                    TensorPrimitives.Add(z, pk, z);
                    var dnt = dnum.AsSpan(t * dv, dv);
                    int qo = r * phiQ.Cols + h * ff;
                    for (int a = 0; a < ff; a++) dq[qo + a] += Row<Yes, No>(state.AsSpan(a * dv, dv), vt, pk[a], dnt, default, 0) + z[a] * dden[t];
                }

                // Pass 2 (reverse): dS, dz from the future.
                Array.Clear(state);
                Array.Clear(z);
                for (int t = length - 1; t >= 0; t--)
                {
                    int r = s * length + t;
                    var pq = phiQ.Data.AsSpan(r * phiQ.Cols + h * ff, ff);
                    var dnt = dnum.AsSpan(t * dv, dv);
                    TensorPrimitives.MultiplyAdd(pq, dden[t], z, z);
                    var pk = phiK.Data.AsSpan(r * phiK.Cols + h * ff, ff);
                    var vt = v.Data.AsSpan(r * v.Cols + h * dv, dv);
                    int ko = r * phiK.Cols + h * ff;
                    // One pass over the rows of dS: dS_a += φq_a dnum; dφk_a = dS_a · v + dz_a; dv += φk_a dS_a.
                    if (dvv is not null)
                    {
                        var dvt = dvv.AsSpan(r * v.Cols + h * dv, dv);
                        for (int a = 0; a < ff; a++)
                        {
                            Real dot = Row<Yes, Yes>(state.AsSpan(a * dv, dv), dnt, pq[a], vt, dvt, pk[a]);
                            if (dk is not null) dk[ko + a] += dot + z[a];
                        }
                    }
                    else
                    {
                        for (int a = 0; a < ff; a++)
                        {
                            Real dot = Row<Yes, No>(state.AsSpan(a * dv, dv), dnt, pq[a], vt, default, 0);
                            if (dk is not null) dk[ko + a] += dot + z[a];
                        }
                    }
                }
            });
        });
        return y;
    }

    private struct Yes;

    private struct No;

    /// <summary>
    /// One row of a state, fused: row += c x; then (TDot) returns row · y and (TAcc) acc += e row. Vector512 where the
    /// hardware has it, then Vector256, then scalars; the flags are types so the JIT drops the unused work.
    /// </summary>
    private static Real Row<TDot, TAcc>(Span<Real> row, ReadOnlySpan<Real> x, Real c, ReadOnlySpan<Real> y, Span<Real> acc, Real e)
    {
        bool dot = typeof(TDot) == typeof(Yes), accumulate = typeof(TAcc) == typeof(Yes);
        int n = row.Length, j = 0;
        ref Real rr = ref MemoryMarshal.GetReference(row);
        ref Real rx = ref MemoryMarshal.GetReference(x);
        ref Real ry = ref MemoryMarshal.GetReference(y);
        ref Real ra = ref MemoryMarshal.GetReference(acc);
        Real sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<Real>.Count)
        {
            Vector512<Real> vc = Vector512.Create(c), ve = Vector512.Create(e), s = default;
            for (; j <= n - Vector512<Real>.Count; j += Vector512<Real>.Count)
            {
                var u = Vector512.FusedMultiplyAdd(vc, Vector512.LoadUnsafe(ref rx, (nuint)j), Vector512.LoadUnsafe(ref rr, (nuint)j));
                u.StoreUnsafe(ref rr, (nuint)j);
                if (dot) s = Vector512.FusedMultiplyAdd(u, Vector512.LoadUnsafe(ref ry, (nuint)j), s);
                if (accumulate) Vector512.FusedMultiplyAdd(ve, u, Vector512.LoadUnsafe(ref ra, (nuint)j)).StoreUnsafe(ref ra, (nuint)j);
            }

            if (dot) sum = Vector512.Sum(s);
        }

        if (Vector256.IsHardwareAccelerated && n - j >= Vector256<Real>.Count)
        {
            Vector256<Real> vc = Vector256.Create(c), ve = Vector256.Create(e), s = default;
            for (; j <= n - Vector256<Real>.Count; j += Vector256<Real>.Count)
            {
                var u = Vector256.FusedMultiplyAdd(vc, Vector256.LoadUnsafe(ref rx, (nuint)j), Vector256.LoadUnsafe(ref rr, (nuint)j));
                u.StoreUnsafe(ref rr, (nuint)j);
                if (dot) s = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref ry, (nuint)j), s);
                if (accumulate) Vector256.FusedMultiplyAdd(ve, u, Vector256.LoadUnsafe(ref ra, (nuint)j)).StoreUnsafe(ref ra, (nuint)j);
            }

            if (dot) sum += Vector256.Sum(s);
        }

        for (; j < n; j++)
        {
            Real u = RealMath.FusedMultiplyAdd(c, x[j], row[j]);
            row[j] = u;
            if (dot) sum = RealMath.FusedMultiplyAdd(u, y[j], sum);
            if (accumulate) acc[j] = RealMath.FusedMultiplyAdd(e, u, acc[j]);
        }

        return sum;
    }

    /// <summary>Float64 scalar references.</summary>
    public static class Reference
    {
        /// <summary>Taylor feature map per head.</summary>
        public static double[] TaylorFeatureMap(double[] x, int rows, int heads, int f)
        {
            int ff = TaylorFeatures(f);
            var y = new double[rows * heads * ff];
            double c1 = 1 / Math.Pow(f, 0.25), c2 = 1 / (Math.Sqrt(2) * Math.Sqrt(f));
            for (int r = 0; r < rows; r++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int xo = (r * heads + h) * f, yo = (r * heads + h) * ff;
                    y[yo] = 1;
                    for (int a = 0; a < f; a++) y[yo + 1 + a] = x[xo + a] * c1;
                    for (int a = 0; a < f; a++)
                    {
                        for (int b = 0; b < f; b++) y[yo + 1 + f + a * f + b] = x[xo + a] * x[xo + b] * c2;
                    }
                }
            }

            return y;
        }

        /// <summary>The quadratic oracle: A = tril(φQ φKᵀ), Y = A V / (A 1 + ε).</summary>
        public static double[] Causal(double[] phiQ, double[] phiK, double[] v, int batch, int length, int heads, int ff, int dv)
        {
            var y = new double[batch * length * heads * dv];
            for (int s = 0; s < batch; s++)
            {
                for (int h = 0; h < heads; h++)
                {
                    for (int i = 0; i < length; i++)
                    {
                        double den = Epsilon;
                        var num = new double[dv];
                        for (int j = 0; j <= i; j++)
                        {
                            double a = 0;
                            for (int c = 0; c < ff; c++) a += phiQ[((s * length + i) * heads + h) * ff + c] * phiK[((s * length + j) * heads + h) * ff + c];
                            den += a;
                            for (int c = 0; c < dv; c++) num[c] += a * v[((s * length + j) * heads + h) * dv + c];
                        }

                        for (int c = 0; c < dv; c++) y[((s * length + i) * heads + h) * dv + c] = num[c] / den;
                    }
                }
            }

            return y;
        }
    }
}
