namespace Subquad.Core.Engine;

/// <summary>
/// How far the engine's float32 inner product can lie from the oracle's float64 score, so that float32
/// pre-selection never drops a pair the oracle could pick.
/// </summary>
/// <remarks>
/// <para>Notation: u = 2^-24 (float32 unit round-off), w = 2^-53 (float64), gamma_d = d u / (1 - d u).</para>
/// <para>Inner products (Max-IP, Min-IP). The kernel computes a chain of d fused multiply-adds, so
/// |fl32(x.y) - x.y| &lt;= gamma_d sum |x_k y_k| &lt;= gamma_d ||x|| ||y|| (Cauchy-Schwarz; Higham, Accuracy and
/// Stability, Thm 3.1 holds for any summation order). The oracle's float64 sum of exact float products obeys the same
/// with w: |s64 - x.y| &lt;= (d w / (1 - d w)) ||x|| ||y||. Together:
/// |fl32 - s64| &lt;= (gamma_d + 2 d w) ||x|| ||y||, plus d 2^-149 for float32 underflow. The engine applies it per
/// block pair with the largest norms of the two blocks (a looser bound keeps more candidates, never fewer).</para>
/// <para>Cosine (MSD, LSD). The float32 inner product (within gamma_d ||x|| ||y||) is scaled by float32 1/||x|| and
/// 1/||y|| (each within u + (d+2) w of the true reciprocal, two float32 products: 4u in all), so the float32 cosine
/// is within gamma_d (1 + 5u) + 4u + 3 (d+2) w of the true cosine; the oracle's ip / (||x|| ||y||) in float64 is
/// within (2d + 8) w. The sum, rounded up by 1%, plus float32 underflow scaled by the norms, is
/// <see cref="Cosine"/>.</para>
/// <para>Every pair whose float64 score could reach the running bound L therefore has a float32 score of at least
/// L - E (maximising) or at most L + E (minimising); those are re-scored in float64 with the oracle's
/// <see cref="Solvers.PairScoring"/>, so the reported pair and value are the oracle's, bit for bit.</para>
/// </remarks>
public static class DenseErrorBound
{
    private const double U = 1.0 / (1 << 24);
    private static readonly double W = Math.ScaleB(1.0, -53);
    private static readonly double Underflow = Math.ScaleB(1.0, -149);

    /// <summary>gamma_d for float32.</summary>
    public static double Gamma32(int d)
    {
        double du = (d + 3) * U;
        return du < 0.5 ? du / (1 - du) : double.PositiveInfinity;
    }

    /// <summary>
    /// The bound E on |fl32 cosine - s64| for d-dimensional rows whose norms lie in [<paramref name="minNormProduct"/>,
    /// <paramref name="maxNormProduct"/>] as products: the float32 chain's gamma_d, the float32 scaling by 1/||x|| and
    /// 1/||y|| (4u), the float64 norms' and the oracle's round-off, and float32 underflow relative to the norms.
    /// Infinite when float32 could overflow (every pair then becomes a candidate).
    /// </summary>
    public static double Cosine(int d, double minNormProduct, double maxNormProduct)
    {
        if (!(maxNormProduct < 1e36)) return double.PositiveInfinity;
        double roundOff = 1.01 * (Gamma32(d) * (1 + 5 * U) + 4 * U + 3 * (d + 2) * W + (2 * d + 8) * W);
        return roundOff + 4.0 * (d + 1) * Underflow / minNormProduct;
    }

    /// <summary>The bound E on |fl32 - s64| for an inner product of rows with norms at most <paramref name="normProduct"/> (product).</summary>
    public static double InnerProduct(int d, double normProduct)
    {
        if (!(normProduct < 1e36)) return double.PositiveInfinity; // float32 may overflow: every pair becomes a candidate
        return 1.01 * (Gamma32(d) + 2.0 * (d + 2) * W) * normProduct + 4.0 * (d + 1) * Underflow;
    }
}
