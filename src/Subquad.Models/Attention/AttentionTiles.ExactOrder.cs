using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Models.Attention;

/// <summary>
/// Exact-order float64 kernels for the block-sparse heuristics (window, LSH, ALSH, random-sparse, clustered): the tiled
/// engine's key panel layout and 4 x 4-vector score block, but every score is a multiply then an add (two roundings,
/// no FMA) in coordinate order c = 0..m-1, so each lane computes bit for bit what the scalar
/// <c>AttentionAlgebra.Dot</c> computes for its key; and a softmax-sum that applies <see cref="Math.Exp(double)"/> in
/// key order like <c>AttentionAlgebra.SoftmaxSum</c> but skips, eight keys at a time, the keys whose exp is exactly
/// +0. The heuristics' fast paths are therefore bitwise equal to their scalar references (tested), which is the point:
/// the duel's answers (phi2 &gt;= 1/2) cannot move by a rounding when the kernels change.
/// </summary>
/// <remarks>
/// Why skipping is exact: the reference adds w = +0 to the sum and w v_c to each accumulator. With finite v_c the
/// product is +0 or -0, and x + (+-0) = x for every x except x = -0; the accumulators start at +0 and, in round to
/// nearest, a sum is -0 only when both addends are -0, so they are never -0. The same holds for the sum. Callers
/// guarantee finite values (<see cref="AllFinite"/>); a non-finite or NaN score maximum falls back to the scalar
/// loop.
/// <para>Why no online softmax: a query block's gathered tile holds all of its keys, so the two-pass form (maximum,
/// then exps) of the reference is kept, and with it the reference's summation order.</para>
/// </remarks>
internal static unsafe partial class AttentionTiles
{
    /// <summary>x &lt;= this gives Math.Exp(x) = +0 exactly (e^-745.13 = 2^-1075 is half the least subnormal; a margin of 4.8 more).</summary>
    public const double ExactExpZeroBelow = -750d;

    /// <summary>True when every entry is finite (the precondition of the skip in <see cref="SoftmaxSumExactOrder"/>).</summary>
    public static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            if (!double.IsFinite(value)) return false;
        }

        return true;
    }

    /// <summary>
    /// Packs key rows <paramref name="keys"/>[0..count) of row-major <paramref name="k"/> (m columns) into the panel
    /// layout (key t, coordinate c at ((t / P) m + c) P + t % P, P = 32 doubles), zero padding to whole panels.
    /// Returns the number of panels.
    /// </summary>
    public static int PackPanelsExactOrder(double[] k, int m, ReadOnlySpan<int> keys, double[] panels)
    {
        const int p = ExactPanel;
        int count = keys.Length;
        int panelCount = (count + p - 1) / p;
        fixed (double* ks = k, dst = panels)
        {
            for (int g = 0; g < panelCount; g++)
            {
                double* panel = dst + ((long)g * m * p);
                int first = g * p, valid = Math.Min(p, count - first);
                for (int lane = 0; lane < valid; lane++)
                {
                    double* row = ks + ((long)keys[first + lane] * m);
                    double* to = panel + lane;
                    for (int c = 0; c < m; c++) to[(long)c * p] = row[c];
                }

                for (int lane = valid; lane < p; lane++)
                {
                    for (int c = 0; c < m; c++) panel[((long)c * p) + lane] = 0;
                }
            }
        }

        return panelCount;
    }

    /// <summary>Keys per panel of the exact-order kernels (4 Vector512 of doubles).</summary>
    public const int ExactPanel = 32;

    /// <summary>
    /// scores[r, g P + lane] = q_r . key(g P + lane), r &lt; 4 rowBlocks, as multiply-then-add in coordinate order
    /// (bitwise the scalar dot). Same blocking as <see cref="ScorePanelsVector512{T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScorePanelsExactOrder(double* q, int qStride, int rowBlocks, double* panels, int panelCount, int m, double* scores, int scoreStride)
    {
        const int lanes = 8, p = ExactPanel;
        for (int g = 0; g < panelCount; g++)
        {
            double* panel = panels + ((long)g * m * p);
            for (int rb = 0; rb < rowBlocks; rb++)
            {
                double* q0 = q + ((long)rb * RowBlock * qStride);
                double* q1 = q0 + qStride, q2 = q1 + qStride, q3 = q2 + qStride;
                Vector512<double> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector512<double> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector512<double> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector512<double> a30 = default, a31 = default, a32 = default, a33 = default;
                double* kc = panel;
                for (int c = 0; c < m; c++, kc += p)
                {
                    var k0 = Vector512.Load(kc);
                    var k1 = Vector512.Load(kc + lanes);
                    var k2 = Vector512.Load(kc + (2 * lanes));
                    var k3 = Vector512.Load(kc + (3 * lanes));
                    var b = Vector512.Create(q0[c]);
                    a00 += b * k0; a01 += b * k1; a02 += b * k2; a03 += b * k3;
                    b = Vector512.Create(q1[c]);
                    a10 += b * k0; a11 += b * k1; a12 += b * k2; a13 += b * k3;
                    b = Vector512.Create(q2[c]);
                    a20 += b * k0; a21 += b * k1; a22 += b * k2; a23 += b * k3;
                    b = Vector512.Create(q3[c]);
                    a30 += b * k0; a31 += b * k1; a32 += b * k2; a33 += b * k3;
                }

                double* s = scores + ((long)rb * RowBlock * scoreStride) + ((long)g * p);
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

    /// <summary>One query row against panels (random-sparse: every query has its own keys): 4 vectors per coordinate step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreRowExactOrder(double* q, double* panels, int panelCount, int m, double* scores)
    {
        const int lanes = 8, p = ExactPanel;
        for (int g = 0; g < panelCount; g++)
        {
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            double* kc = panels + ((long)g * m * p);
            for (int c = 0; c < m; c++, kc += p)
            {
                var b = Vector512.Create(q[c]);
                a0 += b * Vector512.Load(kc);
                a1 += b * Vector512.Load(kc + lanes);
                a2 += b * Vector512.Load(kc + (2 * lanes));
                a3 += b * Vector512.Load(kc + (3 * lanes));
            }

            double* s = scores + ((long)g * p);
            a0.Store(s); a1.Store(s + lanes); a2.Store(s + (2 * lanes)); a3.Store(s + (3 * lanes));
        }
    }

    /// <summary>
    /// Bitwise <c>AttentionAlgebra.SoftmaxSum</c>: softmax over scores[0..count) of the keys listed (value rows of
    /// <paramref name="v"/>, row-major with o columns), the weighted sum into <paramref name="destination"/>, and the
    /// log-sum-exp. Eight keys whose s - max are all at most <see cref="ExactExpZeroBelow"/> are skipped (their exps
    /// are exactly +0; see the type's remarks); the rest run the reference's scalar steps in key order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SoftmaxSumExactOrder(double* scores, int count, ReadOnlySpan<int> keys, double[] v, int o, Span<double> destination)
    {
        destination.Clear();
        if (count == 0) return double.NegativeInfinity;
        const int lanes = 8;
        int full = count / lanes;
        var maxVector = Vector512.Create(double.NegativeInfinity);
        var nan = Vector512<double>.Zero;
        for (int t = 0; t < full; t++)
        {
            var s = Vector512.Load(scores + (t * lanes));
            maxVector = Vector512.Max(maxVector, s);
            nan |= ~Vector512.Equals(s, s);
        }

        var h = Vector256.Max(maxVector.GetLower(), maxVector.GetUpper());
        double max = Math.Max(Math.Max(h[0], h[1]), Math.Max(h[2], h[3]));
        bool anyNan = nan != Vector512<double>.Zero;
        for (int t = full * lanes; t < count; t++)
        {
            max = Math.Max(max, scores[t]);
            anyNan |= double.IsNaN(scores[t]);
        }

        fixed (double* vs = v)
        fixed (double* dst = destination)
        {
            if (anyNan || !double.IsFinite(max))
            {
                // NaN or infinite scores: the reference's own maximum and loop, nothing skipped.
                double reference = double.NegativeInfinity;
                for (int t = 0; t < count; t++) reference = Math.Max(reference, scores[t]);
                return ScalarTail(scores, 0, count, keys, vs, o, dst, reference, 0);
            }

            double sum = 0;
            var mu = Vector512.Create(max);
            var cutoff = Vector512.Create(ExactExpZeroBelow);
            for (int t = 0; t < full; t++)
            {
                if (Vector512.LessThanOrEqualAll(Vector512.Load(scores + (t * lanes)) - mu, cutoff)) continue;
                sum = ScalarSteps(scores, t * lanes, (t + 1) * lanes, keys, vs, o, dst, max, sum);
            }

            return ScalarTail(scores, full * lanes, count, keys, vs, o, dst, max, sum);
        }
    }

    // The reference's steps for keys [from, to): w = exp(s - max), sum += w, destination += w v_j.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ScalarSteps(double* scores, int from, int to, ReadOnlySpan<int> keys, double* v, int o, double* destination, double max, double sum)
    {
        for (int t = from; t < to; t++)
        {
            double w = Math.Exp(scores[t] - max);
            sum += w;
            double* vr = v + ((long)keys[t] * o);
            for (int c = 0; c < o; c++) destination[c] += w * vr[c];
        }

        return sum;
    }

    // The last keys (not a whole vector), then the reference's division and log-sum-exp.
    private static double ScalarTail(double* scores, int from, int count, ReadOnlySpan<int> keys, double* v, int o, double* destination, double max, double sum)
    {
        sum = ScalarSteps(scores, from, count, keys, v, o, destination, max, sum);
        for (int c = 0; c < o; c++) destination[c] /= sum;
        return max + Math.Log(sum);
    }
}
