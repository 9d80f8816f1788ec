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
/// <para>Cosine (MSD, LSD). Rows are packed as x / ||x|| rounded once to float32 (relative error u + (d+2) w from
/// the float64 norm), so the exact inner product of the packed rows is within 2u + 3(d+2)w of the true cosine;
/// the float32 chain adds at most gamma_d (1 + 3u); the oracle's ip / (||x|| ||y||) in float64 is within
/// (2d + 8) w of the true cosine. The sum, rounded up by 1%, is <see cref="Cosine"/>.</para>
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

    /// <summary>The bound E on |fl32 - s64| for a cosine of two d-dimensional rows.</summary>
    public static double Cosine(int d) =>
        1.01 * (Gamma32(d) * (1 + 3 * U) + 2 * U + 3 * (d + 2) * W + (2 * d + 8) * W) + 8.0 * d * Underflow;

    /// <summary>The bound E on |fl32 - s64| for an inner product of rows with norms at most <paramref name="normProduct"/> (product).</summary>
    public static double InnerProduct(int d, double normProduct)
    {
        if (!(normProduct < 1e36)) return double.PositiveInfinity; // float32 may overflow: every pair becomes a candidate
        return 1.01 * (Gamma32(d) + 2.0 * (d + 2) * W) * normProduct + 4.0 * (d + 1) * Underflow;
    }
}
