using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Engine;

/// <summary>
/// The dense runners' candidate filter: the reducer's bound L widened by a task's proven error bound E
/// (<see cref="DenseErrorBound"/>) into a float32 threshold, and the tile tests against it. A pair whose float32 (or
/// int8) value misses the threshold cannot tie or beat L in float64; every other pair is re-scored exactly.
/// </summary>
internal static unsafe class DenseFilter
{
    private const int Sr = Kernels.DenseInnerProducts.StripRows;
    private const int Pr = Kernels.DenseInnerProducts.PanelRows;
    private const int Qr = Kernels.Int8Rows.PanelRows;
    private const int Qs = Kernels.DenseInnerProducts.Int8TileRows;

    /// <summary>
    /// True when some scaled value of an int8 tile reaches the bound: (float)D * f_p * f_r, the arithmetic of the
    /// per-pair test in DenseInt8Runner.RunInt8Tiles, 8 pairs per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AnyPassInt8(int* tile, float* rowFactor, float* columnFactor, float bound, bool maximise)
    {
        var limit = Vector256.Create(bound);
        var f0 = Vector256.Load(columnFactor);
        var f1 = Vector256.Load(columnFactor + 8);
        var f2 = Vector256.Load(columnFactor + 16);
        var hits = Vector256<float>.Zero;
        for (int r = 0; r < Qs; r++)
        {
            var rf = Vector256.Create(rowFactor[r]);
            int* line = tile + (r * Qr);
            var v0 = Vector256.ConvertToSingle(Vector256.Load(line)) * f0 * rf;
            var v1 = Vector256.ConvertToSingle(Vector256.Load(line + 8)) * f1 * rf;
            var v2 = Vector256.ConvertToSingle(Vector256.Load(line + 16)) * f2 * rf;
            hits |= maximise
                ? Vector256.GreaterThanOrEqual(v0, limit) | Vector256.GreaterThanOrEqual(v1, limit) | Vector256.GreaterThanOrEqual(v2, limit)
                : Vector256.LessThanOrEqual(v0, limit) | Vector256.LessThanOrEqual(v1, limit) | Vector256.LessThanOrEqual(v2, limit);
        }

        return hits != Vector256<float>.Zero;
    }

    /// <summary>
    /// True when some scaled value of the tile reaches the bound. Padding has scale 0, so it scores 0 and is rejected
    /// later by position. A finite bound implies no float32 overflow (the error bound is infinite otherwise), so the
    /// tile holds no NaN here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AnyPass(float* tile, float* rowScale, float* columnScale, float bound, bool maximise)
    {
        var limit = Vector256.Create(bound);
        var scale0 = Vector256.Load(columnScale);
        var scale1 = Vector256.Load(columnScale + 8);
        var scale2 = Vector256.Load(columnScale + 16);
        var scale3 = Vector256.Load(columnScale + 24);
        var hits = Vector256<float>.Zero;
        for (int r = 0; r < Sr; r++)
        {
            var rs = Vector256.Create(rowScale[r]);
            float* line = tile + r * Pr;
            var v0 = Vector256.Load(line) * scale0 * rs;
            var v1 = Vector256.Load(line + 8) * scale1 * rs;
            var v2 = Vector256.Load(line + 16) * scale2 * rs;
            var v3 = Vector256.Load(line + 24) * scale3 * rs;
            hits |= maximise
                ? Vector256.GreaterThanOrEqual(v0, limit) | Vector256.GreaterThanOrEqual(v1, limit) | Vector256.GreaterThanOrEqual(v2, limit) | Vector256.GreaterThanOrEqual(v3, limit)
                : Vector256.LessThanOrEqual(v0, limit) | Vector256.LessThanOrEqual(v1, limit) | Vector256.LessThanOrEqual(v2, limit) | Vector256.LessThanOrEqual(v3, limit);
        }

        return hits != Vector256<float>.Zero;
    }

    /// <summary>L - E (maximising) or L + E, rounded outward to float32 so the comparison stays conservative.</summary>
    public static float Threshold(double bound, double error, bool maximise)
    {
        double edge = maximise ? bound - error : bound + error;
        if (double.IsNaN(edge)) return maximise ? float.NegativeInfinity : float.PositiveInfinity;
        float rounded = (float)edge;
        if (maximise && rounded > edge) rounded = MathF.BitDecrement(rounded);
        if (!maximise && rounded < edge) rounded = MathF.BitIncrement(rounded);
        return rounded;
    }
}
