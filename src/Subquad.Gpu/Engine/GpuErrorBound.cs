using Subquad.Core.Engine;

namespace Subquad.Gpu.Engine;

/// <summary>
/// The CPU engine's proven float32 bound (<see cref="DenseErrorBound"/>) widened for what a GPU may do that the CPU
/// tile does not: flush subnormal results to zero.
/// </summary>
/// <remarks>
/// <see cref="DenseErrorBound"/> already holds for any summation order and for fused or separate multiply-adds (Higham
/// Thm 3.1 bounds every order; a fused multiply-add only removes a rounding). Its underflow term assumes gradual
/// underflow (each operation off by at most 2^-149 absolute). A device that flushes subnormals to zero (CUDA's .ftz
/// forms, which ILGPU may emit) can lose up to 2^-126 per product and per sum: 2 d 2^-126 over a chain of d, plus one
/// for each of the two float32 scalings of a cosine. Added in full (relative to the smallest norm product for cosine
/// kinds): a looser bound keeps more candidates, never fewer, so answers stay the oracle's.
/// </remarks>
internal static class GpuErrorBound
{
    private static readonly double Flush = Math.ScaleB(1.0, -126);

    /// <summary>
    /// The bound for a task whose left rows have norms in [minA, maxA] and right rows in [minB, maxB]. Cosine: the
    /// flushed chain (2 d 2^-126 before scaling, 1% spare for the factors) scaled by at most 1/(minA minB), the
    /// flushed ip * (1/||x||) scaled by 1/||y||, and the flushed result itself.
    /// </summary>
    public static double For(bool cosine, int d, double minA, double maxA, double minB, double maxB)
    {
        if (cosine)
        {
            double bound = DenseErrorBound.Cosine(d, minA * minB, maxA * maxB);
            return bound + (Flush * ((2.02 * d / (minA * minB)) + (1 / minA) + (1 / minB) + 1));
        }

        return DenseErrorBound.InnerProduct(d, maxA * maxB) + ((2.0 * d + 2) * Flush);
    }
}
