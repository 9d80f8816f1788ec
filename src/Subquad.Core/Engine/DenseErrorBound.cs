namespace Subquad.Core.Engine;

/// <summary>
/// How far the engine's float32 inner product (or its int8 screen, <see cref="Int8Cosine"/>) can lie from the
/// oracle's float64 score, so that pre-selection never drops a pair the oracle could pick.
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

    /// <summary>
    /// The bound E on |screen value - s64| for the int8 screen of cosine kinds (<see cref="Kernels.Int8Rows"/>): x is
    /// s_x q_x + e_x with ||e_x|| &lt;= E_x, so x.y - s_x s_y q_x.q_y = s_x q_x.e_y + e_x.s_y q_y + e_x.e_y, and with
    /// ||s_x q_x|| &lt;= ||x|| + E_x (triangle inequality) and Cauchy-Schwarz on each term it is at most
    /// ||x|| E_y + ||y|| E_x + 3 E_x E_y. Divided by ||x|| ||y||, with rho = E / ||x|| bounded over the left rows
    /// (<paramref name="rhoA"/>) and the right rows (<paramref name="rhoB"/>): rho_A + rho_B + 3 rho_A rho_B. The
    /// screen computes the exact integer q_x.q_y times float32 factors s / ||x|| (each within u + 2w) in two float32
    /// products: at most 5u + 4w relative to |s_x s_y q_x.q_y| / (||x|| ||y||) &lt;= (1 + rho_A)(1 + rho_B), taken as 8u.
    /// The oracle's float64 cosine is within (2d + 8) w of the true one. The sum, rounded up by 1%.
    /// </summary>
    public static double Int8Cosine(int d, double rhoA, double rhoB)
    {
        if (!(rhoA >= 0 && rhoB >= 0 && rhoA + rhoB < 1)) return double.PositiveInfinity;
        double quantization = rhoA + rhoB + (3 * rhoA * rhoB);
        double rounding = 8 * U * (1 + rhoA) * (1 + rhoB);
        return 1.01 * (quantization + rounding + ((2.0 * d + 8) * W));
    }

    /// <summary>
    /// The bound E on |screen value - s64| for the int8 screen of inner-product kinds: ||x|| E_y + ||y|| E_x + 3 E_x E_y
    /// as in <see cref="Int8Cosine"/>, with the largest norms and error norms of the left (A) and right (B) rows; the
    /// float32 products (3u relative to |s_x s_y q_x.q_y| &lt;= (||x|| + E_x)(||y|| + E_y), taken as 8u), the oracle's
    /// float64 round-off (2 (d + 2) w ||x|| ||y||), and float32 underflow (scales are at least 2^-57 by the
    /// quantizer's range, so products stay normal; 8 2^-149 kept anyway).
    /// </summary>
    public static double Int8InnerProduct(int d, double normA, double errorA, double normB, double errorB)
    {
        double quantization = (normA * errorB) + (normB * errorA) + (3 * errorA * errorB);
        double rounding = 8 * U * (normA + errorA) * (normB + errorB);
        double bound = 1.01 * (quantization + rounding + (2.0 * (d + 2) * W * normA * normB)) + (8 * Underflow);
        return double.IsNaN(bound) ? double.PositiveInfinity : bound;
    }

    /// <summary>The bound E on |fl32 - s64| for an inner product of rows with norms at most <paramref name="normProduct"/> (product).</summary>
    public static double InnerProduct(int d, double normProduct)
    {
        if (!(normProduct < 1e36)) return double.PositiveInfinity; // float32 may overflow: every pair becomes a candidate
        return 1.01 * (Gamma32(d) + 2.0 * (d + 2) * W) * normProduct + 4.0 * (d + 1) * Underflow;
    }
}
