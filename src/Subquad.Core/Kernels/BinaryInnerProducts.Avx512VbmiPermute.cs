using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

// The AVX-512 VBMI variant on raw rows: popcount(byte) = table6[b & 63] + table2[b >> 6] (RawPermutePairCounter:
// VPERMB ignores index bits 6-7, so the low lookup needs no mask). The engine's long rows go through the 6-bit
// encoding instead (Packed6Rows, Packed6Tiles), which needs one VPERMB per AND.
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>popcount(b) for the 64 values of the low 6 bits (a constant the JIT folds: inlined, it stays in a register).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<byte> Low6TableAvx512VbmiPermute() => Vector512.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6);

    /// <summary>popcount(b &amp; 3): only bits 0-1 of the shifted byte count.</summary>
    internal static Vector512<byte> High2TableAvx512VbmiPermute() => Vector512.Create(
        (byte)0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2);

    /// <summary>popcount(x AND y) for any length with the two VPERMB tables (<see cref="RawPermutePairCounter"/>), then a scalar tail.</summary>
    internal static long InnerProductAvx512VbmiPermute(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y) =>
        InnerProductBodyVector512<RawPermutePairCounter>(x, y);

    /// <summary>
    /// The 4 x 4 tile on raw rows: the shared 512-bit tile body (<see cref="TileStripBodyVector512{TCounter}"/>) with
    /// two VPERMB lookups per AND (<see cref="RawPermutePairCounter"/>). The engine re-encodes long rows 6 bits per
    /// byte instead (<see cref="Engine.EnginePath.Packed6Tiles"/>); this kernel serves callers with raw rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4Avx512VbmiPermute(ulong** x, ulong** y, int words, int* destination) =>
        TileStripBodyVector512<RawPermutePairCounter>(x, (nint*)y, words, 1, destination);
}
