using System.Diagnostics;

namespace Subquad.Core.Kernels;

/// <summary>
/// Inner products of bit-packed binary rows: popcount(x AND y), one pair at a time or a 4 x 4 tile of pairs at once
/// (the engine's register-tiled micro-kernel).
/// </summary>
/// <remarks>
/// <para>Equality contract: <b>Exact</b>. Every variant returns the same integers as <see cref="InnerProductScalar"/>.</para>
/// <para>Legend (tile kernels): <c>x</c> holds 4 row pointers of the left set, <c>y</c> 4 of the right set, <c>words</c>
/// the words per row (a multiple of 8: rows are padded to 512 bits with zeros, STYLE 3.3.4, so the tile kernels have
/// no tail path), <c>destination[r * 4 + c]</c> receives popcount(x[r] AND y[c]).</para>
/// <para>The vector variants count bits with the nibble table (PSHUFB on the low and the high 4 bits of every byte),
/// keep the per-byte counts in byte lanes across up to 31 vectors (31 * 8 = 248 &lt; 256 cannot overflow), and
/// only then widen them with SAD against zero: one horizontal reduction per 31 vectors, not per word.</para>
/// </remarks>
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>Rows of the left and right set per tile.</summary>
    public const int TileRows = 4;

    /// <summary>Byte lanes may count at most 8 bits per vector before they overflow at 256: 31 vectors per flush.</summary>
    internal const int VectorsPerFlush = 31;

    /// <summary>popcount(x AND y) with the process's best variant (<see cref="KernelDispatch.Best"/>).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static long InnerProduct(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y) => InnerProduct(x, y, KernelDispatch.Best);

    /// <summary>popcount(x AND y) with a chosen variant (any length; the vector variants finish with a scalar tail).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="PlatformNotSupportedException">The variant is not supported here.</exception>
    public static long InnerProduct(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, KernelVariant variant)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} words but y has {y.Length}", nameof(y));
        return KernelDispatch.Require(variant) switch
        {
            KernelVariant.Avx512VbmiPermute => InnerProductAvx512VbmiPermute(x, y),
            KernelVariant.Vector512 => InnerProductVector512(x, y),
            KernelVariant.Vector256 => InnerProductVector256(x, y),
            KernelVariant.Vector128 => InnerProductVector128(x, y),
            _ => InnerProductScalar(x, y),
        };
    }

    /// <summary>
    /// The 4 x 4 tile kernel of a variant for rows of <paramref name="dimensions"/> bits, chosen once per solve (no
    /// hardware check per tile, STYLE 3.3.2). The 512-bit variants use the half-row tile for l &lt;= 256, where a
    /// padded row would otherwise spend a whole zmm on at most 4 nonzero words.
    /// </summary>
    internal static delegate*<ulong**, ulong**, int, int*, void> TileKernel(KernelVariant variant, int dimensions) =>
        dimensions <= 256 && KernelDispatch.Require(variant) is KernelVariant.Vector512 or KernelVariant.Avx512VbmiPermute
            ? &Tile4x4HalfRowsVector512
            : TileKernel(variant);

    /// <summary>
    /// The strip kernel of a variant for rows of <paramref name="dimensions"/> bits, or null where it has none: one
    /// call computes 4 left rows against <c>tiles</c> consecutive full 4-row tiles of right row pointers, tile t's
    /// counts at <c>destination + 16 t</c> in the 4 x 4 tile's order. The 512-bit variants have it for l &lt;= 256
    /// (<see cref="TileStripHalfRowsVector512"/>, left rows kept in registers); Vector512 has it for longer rows too
    /// (<see cref="TileStripVector512"/>: no call and set-up per tile).
    /// </summary>
    internal static delegate*<ulong**, nint*, int, int, int*, void> StripKernel(KernelVariant variant, int dimensions) =>
        dimensions <= 256 && KernelDispatch.Require(variant) is KernelVariant.Vector512 or KernelVariant.Avx512VbmiPermute
            ? &TileStripHalfRowsVector512
            : KernelDispatch.Require(variant) is KernelVariant.Vector512 or KernelVariant.Avx512VbmiPermute ? &TileStripVector512 : null;

    /// <summary>The general 4 x 4 tile kernel of a variant (any padded length).</summary>
    internal static delegate*<ulong**, ulong**, int, int*, void> TileKernel(KernelVariant variant) => KernelDispatch.Require(variant) switch
    {
        KernelVariant.Avx512VbmiPermute => &Tile4x4Avx512VbmiPermute,
        KernelVariant.Vector512 => &Tile4x4Vector512,
        KernelVariant.Vector256 => &Tile4x4Vector256,
        KernelVariant.Vector128 => &Tile4x4Vector128,
        _ => &Tile4x4Scalar,
    };

    /// <summary>Runs one tile with a chosen variant (tests and benchmarks).</summary>
    internal static void Tile4x4(KernelVariant variant, ulong** x, ulong** y, int words, int* destination)
    {
        Debug.Assert(words % 8 == 0);
        TileKernel(variant)(x, y, words, destination);
    }
}
