using Subquad.Core.Kernels;

namespace Subquad.Core.Engine;

/// <summary>The one place the dense path and its block size are chosen, once per solve (see <see cref="BinaryPlan"/>).</summary>
internal static class DensePlan
{
    /// <summary>
    /// The path for a solve: forced, or <see cref="EnginePath.DenseInt8"/> where the int8 screen runs
    /// (<see cref="DenseInnerProducts.UsesInt8Screen"/>: about 3x the float32 tile's multiply-adds per second), else
    /// <see cref="EnginePath.DenseFloat32"/>.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The forced path cannot run this solve.</exception>
    public static EnginePath Choose(KernelVariant variant, int dimensions, int? fixedBlockRows, EnginePath? forced)
    {
        if (forced is EnginePath path) return EnginePaths.Require(path, variant, binary: false, dimensions, fixedBlockRows ?? 0);
        return DenseInnerProducts.UsesInt8Screen(variant, dimensions) ? EnginePath.DenseInt8 : EnginePath.DenseFloat32;
    }

    /// <summary>Rows per block: about 512 KiB of float32 rows (L2), 64 to 512 rows, a multiple of 32.</summary>
    public static int BlockRows(int dimensions, int? fixedBlockRows) =>
        fixedBlockRows ?? Math.Clamp(512 * 1024 / Math.Max(1, dimensions * 4), 64, 512) / 32 * 32;
}
