using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Engine;

/// <summary>
/// The binary runners' candidate filter: which exact counts could tie or beat the reducer's bound L, written once for
/// every shape a runner tests (one pair, a 4 x 4 tile, a 4 x 8 one-word tile, a strip of tiles, a bit-sliced lane
/// threshold). A pair that passes is offered with its exact score; a pair that fails could not win.
/// </summary>
/// <remarks>
/// Inner-product kinds compare the exact count with the integer bound (ceil L when maximising, floor L when
/// minimising; ties pass). Cosine kinds compare count * (1/sqrt w_a * 1/sqrt w_b) in float32 with L widened by a
/// relative 1e-6 and one more ulp: the float32 value is within 4 u = 2.4e-7 (relative) of the true cosine, so no pair
/// that could tie or beat L is dropped, and the survivors are compared exactly in integers
/// (<see cref="Problems.ScoreOrder"/>). Every vector form multiplies in the order of <see cref="Passes"/>:
/// count * (rowFactor * colFactor), so a pair passes in a tile exactly when it passes alone.
/// <para>Hamming kinds (<see cref="Hamming"/>) are inner-product filters in the opposite direction: distance
/// w_a + w_b - 2 count &gt;= L (Max-Hamming) needs count &lt;= (w_a + w_b - L) / 2 &lt;= (S - L) / 2 with S the largest
/// w_a + w_b of the task (band maxima), and distance &lt;= L (Min-Hamming) needs count &gt;= (S' - L) / 2 with S' the
/// smallest (band minima); so the count bound is floor or ceil of (S - L) / 2, exact in integers, and never drops a
/// pair that could tie or beat L. It is as tight as the task's weight spread: the engine sorts rows by weight for the
/// Hamming optimisations so that spread is small. The bit-sliced threshold uses the left row's own weight.</para>
/// </remarks>
internal unsafe struct CandidateFilter
{
    private const int T = Kernels.BinaryInnerProducts.TileRows;
    private const double CosineMargin = 1e-6;

    /// <summary>A filter for the objective's direction and score kind, at no bound yet (call <see cref="Update"/>).</summary>
    public CandidateFilter(bool maximise, bool cosine)
    {
        Maximise = maximise;
        Cosine = cosine;
    }

    /// <summary>
    /// A Hamming kind's filter for one task: a count filter that keeps count &lt;= (S - L) / 2 (Max-Hamming, S the
    /// sum of the bands' largest weights) or count &gt;= (S - L) / 2 (Min-Hamming, S the sum of the smallest).
    /// </summary>
    public static CandidateFilter Hamming(bool maximiseDistance, int weightSum) =>
        new(!maximiseDistance, cosine: false) { _hamming = true, _weightSum = weightSum };

    /// <summary>The direction on the count: true keeps large counts (maximising inner products and cosines; Min-Hamming).</summary>
    public readonly bool Maximise;

    public readonly bool Cosine;

    /// <summary>True for the Hamming kinds (<see cref="Hamming"/>); the bound L is then a distance.</summary>
    private bool _hamming;

    /// <summary>The task's extreme weight sum S (Hamming kinds).</summary>
    private int _weightSum;

    /// <summary>The last bound L given to <see cref="Update"/> (Hamming kinds: the bit-sliced threshold is per row).</summary>
    private double _bound;

    /// <summary>The integer bound (inner-product kinds).</summary>
    public int Count;

    /// <summary>The widened float32 bound (cosine kinds).</summary>
    public float CosineBound;

    /// <summary>Turns the bound L (the reducer's <see cref="PairReducer.FilterValue"/>) into the thresholds; bounds only tighten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(double bound)
    {
        Count = 0;
        CosineBound = 0f;
        _bound = bound;
        if (_hamming)
        {
            // Distance L as a count bound (S - L) / 2; +-infinity stay infinite and clamp below.
            bound = (_weightSum - bound) / 2;
        }
        else if (Cosine)
        {
            CosineBound = double.IsInfinity(bound)
                ? (float)bound
                : Maximise ? MathF.BitDecrement((float)(bound * (1 - CosineMargin))) : MathF.BitIncrement((float)(bound * (1 + CosineMargin)));
            return;
        }

        Count = Maximise
            ? (bound <= int.MinValue ? int.MinValue : bound >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(bound))
            : (bound >= int.MaxValue ? int.MaxValue : bound <= int.MinValue ? int.MinValue : (int)Math.Floor(bound));
    }

    /// <summary>One pair: its exact count and the product of its factors 1/sqrt(w_a) * 1/sqrt(w_b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Passes(int count, float factor)
    {
        if (Cosine)
        {
            float value = count * factor;
            return Maximise ? value >= CosineBound : value <= CosineBound;
        }

        return Maximise ? count >= Count : count <= Count;
    }

    /// <summary>
    /// The count a bit-sliced lane must reach (maximising) or not exceed (minimising) to be looked at. Inner products:
    /// the integer bound. Cosine: count * f_a * f_b &gt;= L needs count &gt;= L sqrt(w_a w_b) &gt;= L sqrt(w_a min w_b)
    /// (for L &gt;= 0; below 0 every lane), and &lt;= L needs count &lt;= L sqrt(w_a max w_b); both widened by 1e-6 and
    /// rounded outward, so the test only ever flags more lanes than <see cref="Passes"/>.
    /// </summary>
    public readonly long SlicedThreshold(int weightA, double minWeightB, double maxWeightB)
    {
        if (_hamming)
        {
            // Per left row: (w_a + min w_b - L) / 2 rounded up (Min-Hamming) or (w_a + max w_b - L) / 2 rounded down.
            double limit = ((Maximise ? weightA + minWeightB : weightA + maxWeightB) - _bound) / 2;
            if (double.IsNaN(limit)) return Maximise ? long.MinValue : long.MaxValue;
            double rounded = Maximise ? Math.Ceiling(limit) : Math.Floor(limit);
            return rounded <= long.MinValue ? long.MinValue : rounded >= long.MaxValue ? long.MaxValue : (long)rounded;
        }

        if (!Cosine) return Count;
        if (float.IsNaN(CosineBound)) return Maximise ? long.MinValue : long.MaxValue;
        if (Maximise)
        {
            if (CosineBound <= 0f) return long.MinValue;
            if (float.IsPositiveInfinity(CosineBound)) return long.MaxValue;
            return (long)Math.Floor(CosineBound * Math.Sqrt((double)weightA * minWeightB) * (1 - 1e-6));
        }

        if (CosineBound < 0f) return -1;
        if (float.IsPositiveInfinity(CosineBound)) return long.MaxValue;
        return (long)Math.Ceiling(CosineBound * Math.Sqrt((double)weightA * maxWeightB) * (1 + 1e-6));
    }

    /// <summary>True when some pair of a 4 x 4 tile (counts row-major) passes: the whole tile in one vector where 512-bit vectors are hardware, else 4 pairs per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly bool AnyPass(int* counts, float* rowFactor, float* colFactor)
    {
        bool maximise = Maximise;
        if (Vector512.IsHardwareAccelerated)
        {
            var tile = Vector512.Load(counts);
            if (!Cosine)
            {
                var limit = Vector512.Create(Count);
                var hit = maximise ? Vector512.GreaterThanOrEqual(tile, limit) : Vector512.LessThanOrEqual(tile, limit);
                return hit != Vector512<int>.Zero;
            }

            var columns4 = Vector128.Load(colFactor);
            var columns8 = Vector256.Create(columns4, columns4);
            var value = Vector512.ConvertToSingle(tile) * (RowLanes(rowFactor) * Vector512.Create(columns8, columns8));
            var pass = maximise ? Vector512.GreaterThanOrEqual(value, Vector512.Create(CosineBound)) : Vector512.LessThanOrEqual(value, Vector512.Create(CosineBound));
            return pass != Vector512<float>.Zero;
        }

        if (!Cosine)
        {
            var limit = Vector128.Create(Count);
            var hits = Vector128<int>.Zero;
            for (int r = 0; r < T; r++)
            {
                var row = Vector128.Load(counts + r * T);
                hits |= maximise ? Vector128.GreaterThanOrEqual(row, limit) : Vector128.LessThanOrEqual(row, limit);
            }

            return hits != Vector128<int>.Zero;
        }

        var bound = Vector128.Create(CosineBound);
        var columns = Vector128.Load(colFactor);
        var any = Vector128<float>.Zero;
        for (int r = 0; r < T; r++)
        {
            var value = Vector128.ConvertToSingle(Vector128.Load(counts + r * T)) * (Vector128.Create(rowFactor[r]) * columns);
            any |= maximise ? Vector128.GreaterThanOrEqual(value, bound) : Vector128.LessThanOrEqual(value, bound);
        }

        return any != Vector128<float>.Zero;
    }

    /// <summary>True when some pair of a 4 x 8 one-word tile (rows of 8 counts) passes, 8 pairs per vector.</summary>
    public readonly bool AnyPassEight(int* counts, float* rowFactor, float* colFactor)
    {
        bool maximise = Maximise;
        if (!Cosine)
        {
            var limit = Vector256.Create(Count);
            var hits = Vector256<int>.Zero;
            for (int r = 0; r < T; r++)
            {
                var row = Vector256.Load(counts + r * 8);
                hits |= maximise ? Vector256.GreaterThanOrEqual(row, limit) : Vector256.LessThanOrEqual(row, limit);
            }

            return hits != Vector256<int>.Zero;
        }

        var bound = Vector256.Create(CosineBound);
        var columns = Vector256.Load(colFactor);
        var any = Vector256<float>.Zero;
        for (int r = 0; r < T; r++)
        {
            var value = Vector256.ConvertToSingle(Vector256.Load(counts + r * 8)) * (Vector256.Create(rowFactor[r]) * columns);
            any |= maximise ? Vector256.GreaterThanOrEqual(value, bound) : Vector256.LessThanOrEqual(value, bound);
        }

        return any != Vector256<float>.Zero;
    }

    /// <summary>
    /// Bit t set when tile t of a strip (counts at <c>16 t</c>, column factors at <c>4 t</c>) has a pair that passes:
    /// 16 pairs per compare, the objective and score kind decided once per strip. Strips exist only for 512-bit
    /// variants, so AVX-512F is present here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint StripMask(int* counts, int tiles, float* rowFactor, float* colFactors)
    {
        uint mask = 0;
        bool maximise = Maximise;
        if (!Cosine)
        {
            var limit = Vector512.Create(Count);
            if (maximise)
            {
                for (int t = 0; t < tiles; t++) mask |= Vector512.GreaterThanOrEqualAny(Vector512.Load(counts + (t * T * T)), limit) ? 1u << t : 0;
            }
            else
            {
                for (int t = 0; t < tiles; t++) mask |= Vector512.LessThanOrEqualAny(Vector512.Load(counts + (t * T * T)), limit) ? 1u << t : 0;
            }

            return mask;
        }

        var rows = RowLanes(rowFactor);
        var bound = Vector512.Create(CosineBound);
        for (int t = 0; t < tiles; t++)
        {
            // One VBROADCASTF32X4 from memory (a load, not two lane inserts on the shuffle port the kernels use).
            var columns = System.Runtime.Intrinsics.X86.Avx512F.BroadcastVector128ToVector512(colFactors + (t * T));
            var value = Vector512.ConvertToSingle(Vector512.Load(counts + (t * T * T))) * (rows * columns);
            bool any = maximise ? Vector512.GreaterThanOrEqualAny(value, bound) : Vector512.LessThanOrEqualAny(value, bound);
            mask |= any ? 1u << t : 0;
        }

        return mask;
    }

    /// <summary>Lane r * 4 + s holds rowFactor[r] (multiplied by column s's factor by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RowLanes(float* rowFactor) => Vector512.Create(
        Vector256.Create(Vector128.Create(rowFactor[0]), Vector128.Create(rowFactor[1])),
        Vector256.Create(Vector128.Create(rowFactor[2]), Vector128.Create(rowFactor[3])));
}
