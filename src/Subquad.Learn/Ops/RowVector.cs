using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Fused Vector512 passes over one row (a few vectors wide: the models' width), where a chain of TensorPrimitives
/// calls per row cost more in call overhead than in arithmetic. The last partial vector is done in scalar.
/// </summary>
internal static class RowVector
{
    /// <summary>y = x ⊙ w · s.</summary>
    public static void ScaledProduct(ReadOnlySpan<Real> x, ReadOnlySpan<Real> w, Real s, Span<Real> y)
    {
        int n = y.Length, lanes = Vector512<Real>.Count, i = 0;
        var vs = Vector512.Create(s);
        ref Real rx = ref MemoryMarshal.GetReference(x);
        ref Real rw = ref MemoryMarshal.GetReference(w);
        ref Real ry = ref MemoryMarshal.GetReference(y);
        for (; i <= n - lanes; i += lanes)
        {
            (Vector512.LoadUnsafe(ref rx, (nuint)i) * Vector512.LoadUnsafe(ref rw, (nuint)i) * vs).StoreUnsafe(ref ry, (nuint)i);
        }

        for (; i < n; i++) y[i] = x[i] * w[i] * s;
    }

    /// <summary>Σ a ⊙ b ⊙ c.</summary>
    public static Real TripleDot(ReadOnlySpan<Real> a, ReadOnlySpan<Real> b, ReadOnlySpan<Real> c)
    {
        int n = a.Length, lanes = Vector512<Real>.Count, i = 0;
        var acc = Vector512<Real>.Zero;
        ref Real ra = ref MemoryMarshal.GetReference(a);
        ref Real rb = ref MemoryMarshal.GetReference(b);
        ref Real rc = ref MemoryMarshal.GetReference(c);
        for (; i <= n - lanes; i += lanes)
        {
            acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i) * Vector512.LoadUnsafe(ref rb, (nuint)i), Vector512.LoadUnsafe(ref rc, (nuint)i), acc);
        }

        Real sum = Vector512.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i] * c[i];
        return sum;
    }

    /// <summary>RMSNorm's row backward: dx += r (dy ⊙ w) − k x (when dx is not empty); dw += r (dy ⊙ x) (when dw is not empty).</summary>
    public static void RmsBackward(ReadOnlySpan<Real> dy, ReadOnlySpan<Real> w, ReadOnlySpan<Real> x, Real r, Real k, Span<Real> dx, Span<Real> dw)
    {
        int n = dy.Length, lanes = Vector512<Real>.Count, i = 0;
        bool hasDx = !dx.IsEmpty, hasDw = !dw.IsEmpty;
        var vr = Vector512.Create(r);
        var vk = Vector512.Create(-k);
        ref Real rdy = ref MemoryMarshal.GetReference(dy);
        ref Real rw = ref MemoryMarshal.GetReference(w);
        ref Real rx = ref MemoryMarshal.GetReference(x);
        ref Real rdx = ref MemoryMarshal.GetReference(dx);
        ref Real rdw = ref MemoryMarshal.GetReference(dw);
        for (; i <= n - lanes; i += lanes)
        {
            var g = Vector512.LoadUnsafe(ref rdy, (nuint)i);
            var xv = Vector512.LoadUnsafe(ref rx, (nuint)i);
            if (hasDx)
            {
                var t = Vector512.FusedMultiplyAdd(g * Vector512.LoadUnsafe(ref rw, (nuint)i), vr, Vector512.LoadUnsafe(ref rdx, (nuint)i));
                Vector512.FusedMultiplyAdd(xv, vk, t).StoreUnsafe(ref rdx, (nuint)i);
            }

            if (hasDw) Vector512.FusedMultiplyAdd(g * xv, vr, Vector512.LoadUnsafe(ref rdw, (nuint)i)).StoreUnsafe(ref rdw, (nuint)i);
        }

        for (; i < n; i++)
        {
            if (hasDx) dx[i] += dy[i] * w[i] * r - k * x[i];
            if (hasDw) dw[i] += dy[i] * x[i] * r;
        }
    }
}
