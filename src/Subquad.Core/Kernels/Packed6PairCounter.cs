using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// The AVX-512 VBMI count of rows re-encoded 6 bits per byte (bits 6-7 of every byte zero): VPERMB looks up a
/// 64-entry table with the low 6 bits of each byte, so popcount(x AND y) per byte is AND + VPERMB, and adding it to
/// the byte counter is the third operation: 3 single-uop vector operations per 384 bits and pair.
/// </summary>
internal readonly struct Packed6PairCounter : IPairByteCounter<Packed6PairCounter>
{
    private readonly Vector512<byte> _table;

    private Packed6PairCounter(Vector512<byte> table) => _table = table;

    /// <summary>42 vectors: at most 6 per byte each, 252 &lt; 256.</summary>
    public static int VectorsPerFlush => 42;

    public static Packed6PairCounter Create() => new(BinaryInnerProducts.Low6TableAvx512VbmiPermute());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Prepare(Vector512<byte> row) => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Count(Vector512<byte> x, Vector512<byte> xPrepared, Vector512<byte> y, Vector512<byte> yPrepared) =>
        Avx512Vbmi.PermuteVar64x8(_table, x & y);
}
