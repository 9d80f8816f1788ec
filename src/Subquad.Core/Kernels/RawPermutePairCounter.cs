using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// The AVX-512 VBMI count of raw rows (8 bits per byte): popcount(b) = table6[b &amp; 63] + table2[b &gt;&gt; 6]. VPERMB
/// ignores index bits 6-7, so the low lookup needs no mask; each loaded row is shifted right by 6 once (a 16-bit
/// shift: bits 6-7 of each byte land in its bits 0-1, and table2 ignores the neighbour's bits above them) and shared
/// by the 4 pairs it meets ((x AND y) &gt;&gt; 6 = (x &gt;&gt; 6) AND (y &gt;&gt; 6)): 5 operations per 512 bits and pair,
/// two of them VPERMB. The engine re-encodes rows 6 bits per byte instead (<see cref="Packed6Rows"/>, one
/// VPERMB per AND); this counter serves rows that are not re-encoded.
/// </summary>
internal readonly struct RawPermutePairCounter : IPairByteCounter<RawPermutePairCounter>
{
    private readonly Vector512<byte> _low6;
    private readonly Vector512<byte> _high2;

    private RawPermutePairCounter(Vector512<byte> low6, Vector512<byte> high2)
    {
        _low6 = low6;
        _high2 = high2;
    }

    /// <summary>31 vectors: at most 8 per byte each, 248 &lt; 256.</summary>
    public static int VectorsPerFlush => BinaryInnerProducts.VectorsPerFlush;

    public static RawPermutePairCounter Create() =>
        new(BinaryInnerProducts.Low6TableAvx512VbmiPermute(), BinaryInnerProducts.High2TableAvx512VbmiPermute());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Prepare(Vector512<byte> row) => Vector512.ShiftRightLogical(row.AsUInt16(), 6).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Count(Vector512<byte> x, Vector512<byte> xPrepared, Vector512<byte> y, Vector512<byte> yPrepared) =>
        Avx512Vbmi.PermuteVar64x8(_low6, x & y) + Avx512Vbmi.PermuteVar64x8(_high2, xPrepared & yPrepared);
}
