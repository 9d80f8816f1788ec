using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>An elementwise function of one or two vectors; a struct type argument, so the JIT inlines it into the loop.</summary>
internal interface IVectorFunction
{
    /// <summary>f(a, b) lane by lane (one-argument functions ignore b).</summary>
    static abstract Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b);
}

/// <summary>
/// Whole-array elementwise passes in Vector512 chunks, split into fixed blocks over <see cref="LearnThreads"/>:
/// y = f(a, b) and dx += dy ⊙ f(a, b) (an activation's forward and backward) in one pass each, where a chain of
/// <c>TensorPrimitives</c> calls would stream the [rows × width] arrays through memory once per call. Every element
/// is computed by the same lane arithmetic whatever the thread count (the last partial vector goes through a zero-
/// padded copy), so results do not depend on the threads.
/// </summary>
internal static class VectorMap
{
    /// <summary>Elements per parallel block (a multiple of every vector width).</summary>
    internal const int Block = 1 << 14;

    /// <summary>y[i] = F(a[i], b[i]) for i in [0, y.Length).</summary>
    public static void Map<F>(Real[] a, Real[] b, Real[] y, int cost = 20) where F : IVectorFunction
    {
        if (a.Length < y.Length || b.Length < y.Length) throw new ArgumentException("vector map: inputs shorter than the output");
        int blocks = (y.Length + Block - 1) / Block;
        LearnThreads.For(blocks, (long)Block * cost, blk =>
        {
            int lo = blk * Block, hi = Math.Min(y.Length, lo + Block), w = Vector512<Real>.Count, i = lo;
            ref Real ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref Real rb = ref MemoryMarshal.GetArrayDataReference(b);
            ref Real ry = ref MemoryMarshal.GetArrayDataReference(y);
            for (; i <= hi - w; i += w)
            {
                F.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }

            if (i < hi)
            {
                Span<Real> ta = stackalloc Real[w], tb = stackalloc Real[w];
                a.AsSpan(i, hi - i).CopyTo(ta);
                b.AsSpan(i, hi - i).CopyTo(tb);
                var r = F.Apply(Vector512.Create<Real>(ta), Vector512.Create<Real>(tb));
                for (int j = 0; j < hi - i; j++) y[i + j] = r[j];
            }
        });
    }

    /// <summary>dx[i] += dy[i] · F(a[i], b[i]) for i in [0, dx.Length).</summary>
    public static void MultiplyAdd<F>(Real[] dy, Real[] a, Real[] b, Real[] dx, int cost = 20) where F : IVectorFunction
    {
        if (dy.Length < dx.Length || a.Length < dx.Length || b.Length < dx.Length) throw new ArgumentException("vector map: inputs shorter than the output");
        int blocks = (dx.Length + Block - 1) / Block;
        LearnThreads.For(blocks, (long)Block * cost, blk =>
        {
            int lo = blk * Block, hi = Math.Min(dx.Length, lo + Block), w = Vector512<Real>.Count, i = lo;
            ref Real rg = ref MemoryMarshal.GetArrayDataReference(dy);
            ref Real ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref Real rb = ref MemoryMarshal.GetArrayDataReference(b);
            ref Real rx = ref MemoryMarshal.GetArrayDataReference(dx);
            for (; i <= hi - w; i += w)
            {
                var f = F.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i));
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rg, (nuint)i), f, Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rx, (nuint)i);
            }

            if (i < hi)
            {
                Span<Real> ta = stackalloc Real[w], tb = stackalloc Real[w], tg = stackalloc Real[w], tx = stackalloc Real[w];
                a.AsSpan(i, hi - i).CopyTo(ta);
                b.AsSpan(i, hi - i).CopyTo(tb);
                dy.AsSpan(i, hi - i).CopyTo(tg);
                dx.AsSpan(i, hi - i).CopyTo(tx);
                var r = Vector512.FusedMultiplyAdd(Vector512.Create<Real>(tg), F.Apply(Vector512.Create<Real>(ta), Vector512.Create<Real>(tb)), Vector512.Create<Real>(tx));
                for (int j = 0; j < hi - i; j++) dx[i + j] = r[j];
            }
        });
    }
}
