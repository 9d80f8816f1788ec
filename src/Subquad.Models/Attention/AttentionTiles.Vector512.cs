using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Models.Attention;

/// <summary>
/// The Vector512 kernels of <see cref="AttentionEngine"/>'s tiled path: projection rows, the score micro-kernel over
/// packed key panels, and the fused streaming-softmax row update. Scalar references: <see cref="AttentionTiles"/>'s
/// Scalar file (scores, projections) and <see cref="Math.Exp(double)"/> (the float32 exp).
/// </summary>
/// <remarks>
/// Shape legend: d = d_in, m = embedding dimension, o = d_out, W = Vector512 lanes of T (16 float, 8 double),
/// P = <see cref="PanelVectors"/> * W keys per panel.
/// <para>
/// Key panel layout: key j lives in panel g = j / P at lane j % P, and panel g is the contiguous block
/// panels[(g m + c) P + lane] for c = 0..m-1. One k-step of the score kernel therefore reads P consecutive values
/// (4 cache lines), and a panel (m P values, 25.6 KB for m = 100 in float32) stays in L1 while every query row block
/// of the row tile passes over it. The former layout ([tile][c][bc] with bc = 256) strided by 1 KB per c and re-read
/// the whole 100 KB key tile from L2 for every 4 query rows.
/// </para>
/// <para>
/// Every method here is AggressiveOptimization and calls nothing that is not inlined: a one-shot forward pass must
/// not run tier-0 code (measured on this machine: the tier-0 TensorPrimitives calls of the former row update made the
/// first calls at n = 1,024 about 8x slower than the steady state).
/// </para>
/// </remarks>
internal static unsafe partial class AttentionTiles
{
    /// <summary>Vectors of keys per score block: 4 query rows x 4 vectors = 16 accumulators.</summary>
    public const int PanelVectors = 4;

    /// <summary>Query rows per score block.</summary>
    public const int RowBlock = 4;

    /// <summary>Keys per panel for element type T.</summary>
    public static int PanelWidth<T>() => PanelVectors * Vector512<T>.Count;

    /// <summary>
    /// destination[0..width) = sum_k x[k] w[k, 0..width) for row-major w (d x width, width a multiple of 4W, zero
    /// padded). Terms are added in index order k = 0..d-1 with one fused multiply-add each; zero x[k] are skipped
    /// (exact: 0 * finite adds 0, and the constructions' phi1 rows are one-hot blocks, d_in can be about n when
    /// position features are on). The nonzero positions are first collected without branches into
    /// <paramref name="nonzero"/> (d ints): a per-k "is it zero" branch mispredicts on random 0/1 rows and was measured
    /// to cost more than the multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ProjectRowVector512<T>(double* x, int d, T* w, int width, T* destination, int* nonzero)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = 0;
        for (int k = 0; k < d; k++)
        {
            nonzero[count] = k;
            count += x[k] != 0 ? 1 : 0;
        }

        // Eight column vectors per pass where they remain (one index and one broadcast per 8 multiply-adds), then four.
        int lanes = Vector512<T>.Count;
        int col = 0;
        for (; col + (8 * lanes) <= width; col += 8 * lanes)
        {
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int t = 0; t < count; t++)
            {
                int k = nonzero[t];
                var b = Vector512.Create(T.CreateTruncating(x[k]));
                T* wc = w + ((long)k * width) + col;
                a0 = Fma(b, Vector512.Load(wc), a0);
                a1 = Fma(b, Vector512.Load(wc + lanes), a1);
                a2 = Fma(b, Vector512.Load(wc + (2 * lanes)), a2);
                a3 = Fma(b, Vector512.Load(wc + (3 * lanes)), a3);
                a4 = Fma(b, Vector512.Load(wc + (4 * lanes)), a4);
                a5 = Fma(b, Vector512.Load(wc + (5 * lanes)), a5);
                a6 = Fma(b, Vector512.Load(wc + (6 * lanes)), a6);
                a7 = Fma(b, Vector512.Load(wc + (7 * lanes)), a7);
            }

            T* dc = destination + col;
            a0.Store(dc); a1.Store(dc + lanes); a2.Store(dc + (2 * lanes)); a3.Store(dc + (3 * lanes));
            a4.Store(dc + (4 * lanes)); a5.Store(dc + (5 * lanes)); a6.Store(dc + (6 * lanes)); a7.Store(dc + (7 * lanes));
        }

        for (; col < width; col += 4 * lanes)
        {
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int t = 0; t < count; t++)
            {
                int k = nonzero[t];
                var b = Vector512.Create(T.CreateTruncating(x[k]));
                T* wc = w + ((long)k * width) + col;
                a0 = Fma(b, Vector512.Load(wc), a0);
                a1 = Fma(b, Vector512.Load(wc + lanes), a1);
                a2 = Fma(b, Vector512.Load(wc + (2 * lanes)), a2);
                a3 = Fma(b, Vector512.Load(wc + (3 * lanes)), a3);
            }

            T* dc = destination + col;
            a0.Store(dc); a1.Store(dc + lanes); a2.Store(dc + (2 * lanes)); a3.Store(dc + (3 * lanes));
        }
    }

    /// <summary>
    /// scores[r, g P + lane] = q_r . key(g P + lane) for r &lt; 4 rowBlocks and g &lt; panelCount: 4 query rows
    /// (broadcast scalars) x 4 key vectors = 16 accumulators per k-step, 4 vector loads and 4 broadcasts per 16 FMAs.
    /// Panels outer, row blocks inner, so one panel is read from L2 once per row tile and then from L1.
    /// </summary>
    /// <param name="q">Query rows, row-major with stride qStride &gt;= m, 4 rowBlocks rows (unused rows zero).</param>
    /// <param name="qStride">Row stride of q.</param>
    /// <param name="rowBlocks">Blocks of 4 query rows.</param>
    /// <param name="panels">The first key panel of the tile.</param>
    /// <param name="panelCount">Panels to score.</param>
    /// <param name="m">Embedding dimension.</param>
    /// <param name="scores">Row-major output with stride scoreStride.</param>
    /// <param name="scoreStride">At least panelCount P.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScorePanelsVector512<T>(T* q, int qStride, int rowBlocks, T* panels, int panelCount, int m, T* scores, int scoreStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector512<T>.Count;
        int p = PanelVectors * lanes;
        for (int g = 0; g < panelCount; g++)
        {
            T* panel = panels + ((long)g * m * p);
            for (int rb = 0; rb < rowBlocks; rb++)
            {
                T* q0 = q + ((long)rb * RowBlock * qStride);
                T* q1 = q0 + qStride, q2 = q1 + qStride, q3 = q2 + qStride;
                Vector512<T> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector512<T> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector512<T> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector512<T> a30 = default, a31 = default, a32 = default, a33 = default;
                T* kc = panel;
                for (int c = 0; c < m; c++, kc += p)
                {
                    var k0 = Vector512.Load(kc);
                    var k1 = Vector512.Load(kc + lanes);
                    var k2 = Vector512.Load(kc + (2 * lanes));
                    var k3 = Vector512.Load(kc + (3 * lanes));
                    var b = Vector512.Create(q0[c]);
                    a00 = Fma(b, k0, a00); a01 = Fma(b, k1, a01); a02 = Fma(b, k2, a02); a03 = Fma(b, k3, a03);
                    b = Vector512.Create(q1[c]);
                    a10 = Fma(b, k0, a10); a11 = Fma(b, k1, a11); a12 = Fma(b, k2, a12); a13 = Fma(b, k3, a13);
                    b = Vector512.Create(q2[c]);
                    a20 = Fma(b, k0, a20); a21 = Fma(b, k1, a21); a22 = Fma(b, k2, a22); a23 = Fma(b, k3, a23);
                    b = Vector512.Create(q3[c]);
                    a30 = Fma(b, k0, a30); a31 = Fma(b, k1, a31); a32 = Fma(b, k2, a32); a33 = Fma(b, k3, a33);
                }

                T* s = scores + ((long)rb * RowBlock * scoreStride) + ((long)g * p);
                a00.Store(s); a01.Store(s + lanes); a02.Store(s + (2 * lanes)); a03.Store(s + (3 * lanes));
                s += scoreStride;
                a10.Store(s); a11.Store(s + lanes); a12.Store(s + (2 * lanes)); a13.Store(s + (3 * lanes));
                s += scoreStride;
                a20.Store(s); a21.Store(s + lanes); a22.Store(s + (2 * lanes)); a23.Store(s + (3 * lanes));
                s += scoreStride;
                a30.Store(s); a31.Store(s + lanes); a32.Store(s + (2 * lanes)); a33.Store(s + (3 * lanes));
            }
        }
    }

    /// <summary>
    /// One streaming-softmax step for one query row over one key tile (see <see cref="AttentionEngine"/>): with
    /// mu' = max(mu, max_j s_j), rescale sum and accumulators by exp(mu - mu') and add exp(s_j - mu') and
    /// exp(s_j - mu') v_j. Max, exp, sum and the value products are fused into two passes over the row (the second
    /// stores the exps back only when d_out &gt; 1); lanes j &gt;= valid are masked out. The sum and the accumulators
    /// stay vectors (lane-wise partial sums) until the caller reduces them after the last tile, and the rescale is
    /// skipped when the maximum did not move (factor exactly 1), so a tile costs one horizontal max and no
    /// horizontal sums or scalar exp.
    /// </summary>
    /// <param name="s">The row's scores (at least valid rounded up to W readable values); overwritten with the
    /// exps when o &gt; 1.</param>
    /// <param name="valid">Keys of this tile that exist (1..tile width).</param>
    /// <param name="values">V^T at the tile's first key: values[c vStride + j].</param>
    /// <param name="vStride">Row stride of V^T (readable, zero padded, up to valid rounded up to W).</param>
    /// <param name="o">d_out.</param>
    /// <param name="max">Running maximum mu (negative infinity before the first tile).</param>
    /// <param name="sum">Running lane-wise sum l (zero before the first tile).</param>
    /// <param name="accumulator">Running lane-wise a, o vectors (zero before the first tile).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRowVector512<T>(T* s, int valid, T* values, long vStride, int o, ref T max, Vector512<T>* sum, Vector512<T>* accumulator)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector512<T>.Count;
        int full = valid / lanes, rest = valid - (full * lanes);
        var tailMask = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(rest)));
        var negativeInfinity = Vector512.Create(T.NegativeInfinity);

        // Pass 1: the tile maximum (two chains to halve the max latency).
        var m0 = negativeInfinity;
        var m1 = negativeInfinity;
        int i = 0;
        for (; i + 1 < full; i += 2)
        {
            m0 = Vector512.MaxNative(m0, Vector512.Load(s + (i * lanes)));
            m1 = Vector512.MaxNative(m1, Vector512.Load(s + ((i + 1) * lanes)));
        }

        if (i < full) m0 = Vector512.MaxNative(m0, Vector512.Load(s + (i * lanes)));
        if (rest > 0) m1 = Vector512.MaxNative(m1, Vector512.ConditionalSelect(tailMask, Vector512.Load(s + (full * lanes)), negativeInfinity));
        T tileMax = HorizontalMax(Vector512.MaxNative(m0, m1));
        T oldMax = max;
        if (tileMax > oldMax)
        {
            // exp(-inf) = 0 also covers the first tile (sum and accumulators are still zero).
            var rescale = Vector512.Create(T.IsNegativeInfinity(oldMax) ? T.Zero : T.Exp(oldMax - tileMax));
            *sum *= rescale;
            for (int c = 0; c < o; c++) accumulator[c] *= rescale;
            max = tileMax;
        }

        var mu = Vector512.Create(max);

        // A vector whose every s_j - mu is below the underflow cutoff contributes exactly +0 (its exps round to zero in
        // T), so it is skipped: exact, and with the constructions' large scores almost every vector is such (99.7% of
        // the scores sit more than 104 below their row maximum in the Max-IP_t benchmark model).
        var cutoff = Vector512.Create(typeof(T) == typeof(float) ? T.CreateTruncating(FloatExpUnderflow) : T.CreateTruncating(DoubleExpUnderflow));

        // Pass 2: exps, their sum and (d_out = 1) the value product, in one sweep.
        if (o == 1)
        {
            Vector512<T> sv = *sum, av = *accumulator;
            for (i = 0; i < full; i++)
            {
                var x = Vector512.Load(s + (i * lanes)) - mu;
                if (Vector512.LessThanAll(x, cutoff)) continue;
                var e = Exp(x);
                sv += e;
                av = Fma(e, Vector512.Load(values + (i * lanes)), av);
            }

            if (rest > 0)
            {
                var e = Vector512.ConditionalSelect(tailMask, Exp(Vector512.Load(s + (full * lanes)) - mu), Vector512<T>.Zero);
                sv += e;
                av = Fma(e, Vector512.Load(values + (full * lanes)), av);
            }

            *sum = sv;
            *accumulator = av;
        }
        else
        {
            Vector512<T> sv = *sum;
            for (i = 0; i < full; i++)
            {
                var x = Vector512.Load(s + (i * lanes)) - mu;
                var e = Vector512.LessThanAll(x, cutoff) ? Vector512<T>.Zero : Exp(x);
                sv += e;
                e.Store(s + (i * lanes));
            }

            int covered = full;
            if (rest > 0)
            {
                var e = Vector512.ConditionalSelect(tailMask, Exp(Vector512.Load(s + (full * lanes)) - mu), Vector512<T>.Zero);
                sv += e;
                e.Store(s + (full * lanes));
                covered++;
            }

            *sum = sv;
            for (int c = 0; c < o; c++)
            {
                T* v = values + (c * vStride);
                var av = accumulator[c];
                for (i = 0; i < covered; i++) av = Fma(Vector512.Load(s + (i * lanes)), Vector512.Load(v + (i * lanes)), av);
                accumulator[c] = av;
            }
        }
    }

    /// <summary>
    /// e^x for x &lt;= 0 in float32, for the softmax weights exp(s - mu). Method: k = round(x log2 e) by the
    /// 1.5 * 2^23 shifter (its low mantissa bits are then k, so 2^k is built from them with one shift), f = x - k ln 2
    /// by Cody-Waite (ln 2 split as 355/512 plus a float correction, so k * hi is exact), e^f by its degree-7 Taylor
    /// polynomial (|f| &lt;= ln2/2: truncation &lt;= 0.3466^8/8! = 5e-9 relative) in Horner form, times 2^k.
    /// Range: x &lt; -104 gives exactly 0 (what float rounding of e^x gives: e^-104 &lt; 2^-150); x in [-104, -86)
    /// gives e^-86 = 4.5e-38 (2^k must stay a normal float), off by at most that absolutely, which no softmax sum
    /// (&gt;= 1) can notice; x in [-86, 0] is within a relative 2^-23 = 1.2e-7 (one ulp of 1) of float64 Math.Exp
    /// (test ExpNonPositive_Vector512_IsWithinOneUlp; a sweep of 86 million points at step 1e-6 measured at most
    /// 7.9e-8, at x = -5.89).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositiveVector512(Vector512<float> x)
    {
        var underflow = Vector512.LessThan(x, Vector512.Create(FloatExpUnderflow));
        x = Vector512.MaxNative(x, Vector512.Create(-86f));
        var shifter = Vector512.Create(12582912f);
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.44269504088896341f), shifter);
        var k = t - shifter;
        var f = Vector512.FusedMultiplyAdd(k, Vector512.Create(-0.693359375f), x);
        f = Vector512.FusedMultiplyAdd(k, Vector512.Create(2.12194440054690583e-4f), f);
        var p = Vector512.Create(1f / 5040);
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1f / 720));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1f / 120));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1f / 24));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1f / 6));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, f, Vector512<float>.One);
        var scale = Vector512.ShiftLeft(t.AsInt32() + Vector512.Create(127), 23).AsSingle();
        return Vector512.AndNot(p * scale, underflow);
    }

    /// <summary>Below this, float32 e^x rounds to +0 (e^-104 = 6.8e-46 &lt; 2^-150, half the least subnormal).</summary>
    public const float FloatExpUnderflow = -104f;

    /// <summary>Below this, float64 e^x rounds to +0 (ln 2^-1075 = -745.13).</summary>
    public const double DoubleExpUnderflow = -746d;

    // float: the polynomial above (TensorPrimitives' float exp widens to double: several times the work). double:
    // the runtime's vector exp, the same algorithm TensorPrimitives.Exp<double> uses, so the float64 path keeps its
    // 1e-12 agreement with the reference.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Exp<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float)) return ExpNonPositiveVector512(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Exp(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T HorizontalMax<T>(Vector512<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var h = Vector256.MaxNative(v.GetLower(), v.GetUpper());
        var g = Vector128.MaxNative(h.GetLower(), h.GetUpper());
        T result = g[0];
        for (int i = 1; i < Vector128<T>.Count; i++) result = T.Max(result, g[i]);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return (a * b) + c;
    }
}
