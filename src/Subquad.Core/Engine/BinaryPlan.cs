using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// The one place the binary path and its block size are chosen, once per solve: forced (<c>SUBQUAD_PATH</c> or the
/// engine's option), or the fastest measured for this CPU (<see cref="KernelDispatch.Widest"/>), length and row weight.
/// The kernel variant a solve runs (<c>SUBQUAD_KERNEL</c> or the engine's option) takes no part: forcing an instruction
/// set never changes the algorithm, and <see cref="TiledEngine"/> refuses a path the variant cannot run
/// (<see cref="EnginePaths.Require"/>). <see cref="EngineContext"/>, <see cref="TiledEngine.Plan"/> and the runners
/// only read the result.
/// </summary>
internal static class BinaryPlan
{
    /// <summary>
    /// The path for a solve: <paramref name="forced"/> when set (checked later, against the variant), else the automatic
    /// choice for a CPU whose widest variant is <paramref name="widest"/>, first match wins:
    /// <list type="number">
    /// <item><see cref="EnginePath.BitSliced"/>: a VBMI CPU, 256 &lt;= l &lt; 4,096 (counts fit 12 planes), blocks
    /// of at most 512 rows and sparse rows on both sides (mean weight at most l / 10): the sliced work follows the left
    /// rows' weight, the tiles' work the length.</item>
    /// <item><see cref="EnginePath.Packed6Tiles"/>: a VBMI CPU at every length (at l = 64 the engine ran MSD /
    /// Max-IP 1.3-1.6x faster than with the 4 x 8 one-word tile). Each AND costs 3 single-uop operations per 96 bits
    /// and 4 pairs (AND, VPERMB, add), against the nibble table's 6.5 per 128 bits and pair; the probe
    /// (<c>bench/Subquad.Benchmarks -- probe-packed</c>) measured 1.4-1.6x the nibble strip at l = 1024 and 256,
    /// 1.7-2.2x at l = 128-192 and 2-2.4x at l = 320. Rows 7 bits per byte with VPERMT2B were no faster.</item>
    /// <item><see cref="EnginePath.OneWordTiles"/>: l &lt;= 64 on an AVX-512BW CPU without VBMI.</item>
    /// <item><see cref="EnginePath.StagedTiles"/> where rows are sorted for pruning (MSD at n = 65,536, l = 256 ran
    /// 1.8x slower sorted than in identity order before staging), else <see cref="EnginePath.Tiles"/>.</item>
    /// </list>
    /// </summary>
    /// <param name="a">The left rows.</param>
    /// <param name="b">The right rows (<paramref name="a"/> when monochromatic).</param>
    /// <param name="widest">The widest variant the CPU runs (<see cref="KernelDispatch.Widest"/>; tests pass others).</param>
    /// <param name="fixedBlockRows">The engine's fixed block size, or null for the path's own.</param>
    /// <param name="sorted">True when rows are sorted for pruning (not in input order).</param>
    /// <param name="forced">A forced path, or null.</param>
    public static EnginePath Choose(BinaryVectors a, BinaryVectors b, KernelVariant widest, int? fixedBlockRows, bool sorted, EnginePath? forced)
    {
        int l = a.Dimensions;
        if (forced is EnginePath path) return path;
        if (widest == KernelVariant.Avx512VbmiPermute)
        {
            if (l is >= 256 and < EnginePaths.BitSlicesMaxDimensions && (fixedBlockRows ?? BitSlices.Lanes) <= BitSlices.Lanes
                && MeanWeight(a) <= l / 10.0 && MeanWeight(b) <= l / 10.0)
            {
                return EnginePath.BitSliced;
            }

            if (l > 0) return EnginePath.Packed6Tiles;
        }

        if (l <= 64 && widest == KernelVariant.Vector512) return EnginePath.OneWordTiles;
        return sorted ? EnginePath.StagedTiles : EnginePath.Tiles;
    }

    /// <summary>
    /// Rows per block for a path: 512 for <see cref="EnginePath.BitSliced"/> (one full zmm of lanes: half the
    /// transposition per pair of 256-row blocks), else about 32 KiB of right rows (L1), 64 to 512 rows, a multiple of 32.
    /// </summary>
    public static int BlockRows(EnginePath path, int wordsPerRow, int? fixedBlockRows)
    {
        if (fixedBlockRows is int rows) return rows;
        if (path == EnginePath.BitSliced) return BitSlices.Lanes;
        return Math.Clamp(32 * 1024 / Math.Max(1, wordsPerRow * 8), 64, 512) / 32 * 32;
    }

    /// <summary>The mean number of ones per row (0 for no rows).</summary>
    public static double MeanWeight(BinaryVectors vectors)
    {
        long total = 0;
        for (int i = 0; i < vectors.Count; i++) total += vectors.Weight(i);
        return vectors.Count == 0 ? 0 : (double)total / vectors.Count;
    }
}
