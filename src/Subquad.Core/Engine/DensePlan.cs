using Subquad.Core.Kernels;

namespace Subquad.Core.Engine;

/// <summary>The one place the dense path and its block size are chosen, once per solve (see <see cref="BinaryPlan"/>).</summary>
internal static class DensePlan
{
    /// <summary>
    /// The path for a solve: forced (checked later, against the variant), or <see cref="EnginePath.DenseInt8"/> where a
    /// CPU whose widest variant is <paramref name="widest"/> runs the int8 screen
    /// (<see cref="DenseInnerProducts.UsesInt8Screen"/>: about 3x the float32 tile's multiply-adds per second), else
    /// <see cref="EnginePath.DenseFloat32"/>. The solve's own variant takes no part (see <see cref="BinaryPlan"/>).
    /// </summary>
    public static EnginePath Choose(KernelVariant widest, int dimensions, EnginePath? forced) =>
        forced ?? (DenseInnerProducts.UsesInt8Screen(widest, dimensions) ? EnginePath.DenseInt8 : EnginePath.DenseFloat32);

    /// <summary>Rows per block: about 512 KiB of float32 rows (L2), 64 to 512 rows, a multiple of 32.</summary>
    public static int BlockRows(int dimensions, int? fixedBlockRows) =>
        fixedBlockRows ?? Math.Clamp(512 * 1024 / Math.Max(1, dimensions * 4), 64, 512) / 32 * 32;
}
