using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Subquad.Learn.Autodiff;
using Tensor = Subquad.Learn.Autodiff.Tensor;

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
    public static Tensor Apply(Tape tape, Tensor x, Tensor delta, Tensor aLog, Tensor bm, Tensor cm, Tensor dSkip, int batch, int length) =>
        Apply(tape, x, delta, aLog, bm, cm, dSkip, batch, length, Vector512.IsHardwareAccelerated);

    /// <summary>
    /// As <see cref="Apply(Tape, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, int, int)"/>, choosing the kernel:
    /// <paramref name="vectorised"/> runs the state dimension N in Vector512 chunks (exp included) with a scalar tail for
    /// N not a multiple of the vector width; false runs the scalar loops (the tests run both on the same inputs).
    /// </summary>
    internal static Tensor Apply(Tape tape, Tensor x, Tensor delta, Tensor aLog, Tensor bm, Tensor cm, Tensor dSkip, int batch, int length, bool vectorised)
    {
        int e = x.Cols, n = aLog.Cols;
        if (x.Rows != batch * length || delta.Rows != x.Rows || delta.Cols != e || aLog.Rows != e || bm.Rows != x.Rows || bm.Cols != n || cm.Rows != x.Rows || cm.Cols != n || dSkip.Cols != e)
        {
            throw new ArgumentException($"selective scan: x {x}, delta {delta}, A_log {aLog}, B {bm}, C {cm}, D {dSkip}");
        }

        var a = new Real[e * n];
        for (int i = 0; i < a.Length; i++) a[i] = -RealMath.Exp(aLog.Data[i]);
        var y = tape.Output(x.Rows, e, zeroed: false, x, delta, aLog, bm, cm, dSkip);
        // h_t of every step, written in full by the forward scan (so not zeroed first) and read back by the backward one.
        var states = tape.Scratch((long)batch * length * e * n is var size && size < int.MaxValue ? (int)size : throw new InvalidOperationException($"selective scan: {size} state floats exceed one array"), zeroed: false);
        LearnThreads.For(batch, 6L * length * e * n, s =>
        {
            if (vectorised) ForwardVector(x.Data, delta.Data, a, bm.Data, cm.Data, dSkip.Data, y.Data, states, s, length, e, n);
            else ForwardScalar(x.Data, delta.Data, a, bm.Data, cm.Data, dSkip.Data, y.Data, states, s, length, e, n);
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
                daParts[s] = new Real[e * n];
                dDParts[s] = new Real[e];
                var g = new Gradients(dy, dx, ddelta, db, dc, daParts[s], dDParts[s]);
                if (vectorised) BackwardVector(x.Data, delta.Data, a, bm.Data, cm.Data, dSkip.Data, states, g, s, length, e, n);
                else BackwardScalar(x.Data, delta.Data, a, bm.Data, cm.Data, dSkip.Data, states, g, s, length, e, n);
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

    /// <summary>Where one sequence's backward writes: the inputs' gradients (null when not needed) and its own dA, dD parts.</summary>
    private sealed record Gradients(Real[] Dy, Real[]? Dx, Real[]? Ddelta, Real[]? Db, Real[]? Dc, Real[] Da, Real[] DSkip);

    /// <summary>Sequence s forward, scalar: h_t (row r of states) from h_{t-1} (row r - 1, or 0 at t = 0).</summary>
    private static void ForwardScalar(Real[] x, Real[] delta, Real[] a, Real[] bm, Real[] cm, Real[] dSkip, Real[] y, Real[] states, int s, int length, int e, int n)
    {
        int en = e * n;
        for (int t = 0; t < length; t++)
        {
            int r = s * length + t;
            for (int c = 0; c < e; c++)
            {
                Real dt = delta[r * e + c], xv = x[r * e + c];
                Real acc = 0;
                for (int k = 0; k < n; k++)
                {
                    int ck = c * n + k;
                    Real hp = t > 0 ? states[(r - 1) * en + ck] : 0;
                    Real h = RealMath.Exp(dt * a[ck]) * hp + dt * bm[r * n + k] * xv;
                    states[r * en + ck] = h;
                    acc += h * cm[r * n + k];
                }

                y[r * e + c] = acc + dSkip[c] * xv;
            }
        }
    }

    /// <summary>
    /// Sequence s forward with the state dimension in Vector512 chunks: per (t, c) Ā = exp(Δ A_c) over N at once,
    /// h = Ā ⊙ h + (Δ x) B, y = h · C; k from the last whole chunk on in scalar.
    /// </summary>
    private static void ForwardVector(Real[] x, Real[] delta, Real[] a, Real[] bm, Real[] cm, Real[] dSkip, Real[] y, Real[] states, int s, int length, int e, int n)
    {
        int en = e * n, w = Vector512<Real>.Count, nv = n - n % w;
        ref Real ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref Real rb = ref MemoryMarshal.GetArrayDataReference(bm);
        ref Real rc = ref MemoryMarshal.GetArrayDataReference(cm);
        ref Real rh = ref MemoryMarshal.GetArrayDataReference(states);
        for (int t = 0; t < length; t++)
        {
            int r = s * length + t;
            nint hOff = (nint)r * en, pOff = hOff - en, bOff = (nint)r * n;
            for (int c = 0; c < e; c++)
            {
                Real dt = delta[r * e + c], xv = x[r * e + c], dtx = dt * xv;
                var dtv = Vector512.Create(dt);
                var dtxv = Vector512.Create(dtx);
                var acc = Vector512<Real>.Zero;
                nint ck = (nint)c * n;
                for (int k = 0; k < nv; k += w)
                {
                    var abar = Vector512.Exp(dtv * Vector512.LoadUnsafe(ref ra, (nuint)(ck + k)));
                    var bv = Vector512.LoadUnsafe(ref rb, (nuint)(bOff + k));
                    var h = dtxv * bv;
                    if (t > 0) h = Vector512.FusedMultiplyAdd(abar, Vector512.LoadUnsafe(ref rh, (nuint)(pOff + ck + k)), h);
                    h.StoreUnsafe(ref rh, (nuint)(hOff + ck + k));
                    acc = Vector512.FusedMultiplyAdd(h, Vector512.LoadUnsafe(ref rc, (nuint)(bOff + k)), acc);
                }

                Real sum = Vector512.Sum(acc);
                for (int k = nv; k < n; k++)
                {
                    nint i = ck + k;
                    Real h = dtx * bm[bOff + k];
                    if (t > 0) h += RealMath.Exp(dt * a[i]) * states[pOff + i];
                    states[hOff + i] = h;
                    sum += h * cm[bOff + k];
                }

                y[r * e + c] = sum + dSkip[c] * xv;
            }
        }
    }

    /// <summary>Sequence s backward, scalar: the reverse scan over the stored states.</summary>
    private static void BackwardScalar(Real[] x, Real[] delta, Real[] a, Real[] bm, Real[] cm, Real[] dSkip, Real[] states, Gradients grads, int s, int length, int e, int n)
    {
        int en = e * n;
        var (dy, dx, ddelta, db, dc, da, dD) = grads;
        var dh = new Real[en];
        for (int t = length - 1; t >= 0; t--)
        {
            int r = s * length + t;
            for (int c = 0; c < e; c++)
            {
                Real g = dy[r * e + c], dt = delta[r * e + c], xv = x[r * e + c];
                dD[c] += g * xv;
                Real dxv = g * dSkip[c], ddt = 0;
                for (int k = 0; k < n; k++)
                {
                    int ck = c * n + k;
                    if (dc is not null) dc[r * n + k] += g * states[r * en + ck];
                    Real dhk = dh[ck] + g * cm[r * n + k];
                    Real abar = RealMath.Exp(dt * a[ck]);
                    Real hp = t > 0 ? states[(r - 1) * en + ck] : (Real)0;
                    Real bk = bm[r * n + k];
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
    }

    /// <summary>
    /// Sequence s backward with N in Vector512 chunks (Ā recomputed, one vector exp per chunk); dB_t and dC_t are summed
    /// over the channels in a row buffer and added once per step. Same formulas as the scalar loop.
    /// </summary>
    private static void BackwardVector(Real[] x, Real[] delta, Real[] a, Real[] bm, Real[] cm, Real[] dSkip, Real[] states, Gradients grads, int s, int length, int e, int n)
    {
        int en = e * n, w = Vector512<Real>.Count, nv = n - n % w;
        var (dy, dx, ddelta, db, dc, da, dD) = grads;
        var dh = new Real[en];
        var dbRow = new Real[n];
        var dcRow = new Real[n];
        ref Real ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref Real rb = ref MemoryMarshal.GetArrayDataReference(bm);
        ref Real rc = ref MemoryMarshal.GetArrayDataReference(cm);
        ref Real rh = ref MemoryMarshal.GetArrayDataReference(states);
        ref Real rdh = ref MemoryMarshal.GetArrayDataReference(dh);
        ref Real rda = ref MemoryMarshal.GetArrayDataReference(da);
        ref Real rdb = ref MemoryMarshal.GetArrayDataReference(dbRow);
        ref Real rdc = ref MemoryMarshal.GetArrayDataReference(dcRow);
        for (int t = length - 1; t >= 0; t--)
        {
            int r = s * length + t;
            nint hOff = (nint)r * en, pOff = hOff - en, bOff = (nint)r * n;
            Array.Clear(dbRow);
            Array.Clear(dcRow);
            for (int c = 0; c < e; c++)
            {
                Real g = dy[r * e + c], dt = delta[r * e + c], xv = x[r * e + c];
                dD[c] += g * xv;
                var gv = Vector512.Create(g);
                var dtv = Vector512.Create(dt);
                var xvv = Vector512.Create(xv);
                var dtxv = Vector512.Create(dt * xv);
                var ddtAcc = Vector512<Real>.Zero;
                var dxAcc = Vector512<Real>.Zero;
                nint ck = (nint)c * n;
                for (int k = 0; k < nv; k += w)
                {
                    nuint i = (nuint)(ck + k), j = (nuint)(bOff + k);
                    var cv = Vector512.LoadUnsafe(ref rc, j);
                    var bv = Vector512.LoadUnsafe(ref rb, j);
                    var av = Vector512.LoadUnsafe(ref ra, i);
                    Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref rh, (nuint)hOff + i), Vector512.LoadUnsafe(ref rdc, (nuint)k)).StoreUnsafe(ref rdc, (nuint)k);
                    var dhk = Vector512.FusedMultiplyAdd(gv, cv, Vector512.LoadUnsafe(ref rdh, i));
                    var abar = Vector512.Exp(dtv * av);
                    var term = bv * xvv;
                    if (t > 0)
                    {
                        var ah = abar * Vector512.LoadUnsafe(ref rh, (nuint)pOff + i);
                        term = Vector512.FusedMultiplyAdd(av, ah, term);
                        Vector512.FusedMultiplyAdd(dhk * dtv, ah, Vector512.LoadUnsafe(ref rda, i)).StoreUnsafe(ref rda, i);
                    }

                    ddtAcc = Vector512.FusedMultiplyAdd(dhk, term, ddtAcc);
                    Vector512.FusedMultiplyAdd(dhk, dtxv, Vector512.LoadUnsafe(ref rdb, (nuint)k)).StoreUnsafe(ref rdb, (nuint)k);
                    dxAcc = Vector512.FusedMultiplyAdd(dhk, bv, dxAcc);
                    (dhk * abar).StoreUnsafe(ref rdh, i);
                }

                Real ddt = Vector512.Sum(ddtAcc), dxb = Vector512.Sum(dxAcc);
                for (int k = nv; k < n; k++)
                {
                    nint i = ck + k, j = bOff + k;
                    dcRow[k] += g * states[hOff + i];
                    Real dhk = dh[i] + g * cm[j];
                    Real abar = RealMath.Exp(dt * a[i]);
                    Real bk = bm[j], term = bk * xv;
                    if (t > 0)
                    {
                        Real ah = abar * states[pOff + i];
                        term += a[i] * ah;
                        da[i] += dhk * dt * ah;
                    }

                    ddt += dhk * term;
                    dbRow[k] += dhk * dt * xv;
                    dxb += dhk * bk;
                    dh[i] = dhk * abar;
                }

                if (ddelta is not null) ddelta[r * e + c] += ddt;
                if (dx is not null) dx[r * e + c] += g * dSkip[c] + dt * dxb;
            }

            if (db is not null)
            {
                var target = db.AsSpan((int)bOff, n);
                TensorPrimitives.Add(target, dbRow, target);
            }

            if (dc is not null)
            {
                var target = dc.AsSpan((int)bOff, n);
                TensorPrimitives.Add(target, dcRow, target);
            }
        }
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
