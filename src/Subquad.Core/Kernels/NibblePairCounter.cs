using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// The AVX-512BW nibble-table count of raw rows (8 bits per byte): table[x &amp; y &amp; 15] + table[(x &gt;&gt; 4)
/// &amp; (y &gt;&gt; 4) &amp; 15]. Each loaded row is shifted once and shared by the 4 pairs it meets
/// ((x AND y) &gt;&gt; 4 = (x &gt;&gt; 4) AND (y &gt;&gt; 4)), so each index is one VPTERNLOG (0x80: the AND of all three
/// inputs): 6.5 vector operations per 512 bits and pair, two of them PSHUFB (port 5 only).
/// </summary>
internal readonly struct NibblePairCounter : IPairByteCounter<NibblePairCounter>
{
    private readonly Vector512<byte> _table;
    private readonly Vector512<byte> _lowNibble;

    private NibblePairCounter(Vector512<byte> table, Vector512<byte> lowNibble)
    {
        _table = table;
        _lowNibble = lowNibble;
    }

    /// <summary>31 vectors: at most 8 per byte each, 248 &lt; 256.</summary>
    public static int VectorsPerFlush => BinaryInnerProducts.VectorsPerFlush;

    public static NibblePairCounter Create() => new(
        Vector512.Create(Vector256.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4))),
        Vector512.Create((byte)0x0F));

    /// <summary>Every byte shifted right by 4 (a 16-bit shift: bits of the next byte enter bits 4-7, which the mask drops).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Prepare(Vector512<byte> row) => Vector512.ShiftRightLogical(row.AsUInt16(), 4).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<byte> Count(Vector512<byte> x, Vector512<byte> xPrepared, Vector512<byte> y, Vector512<byte> yPrepared)
    {
        var low = Avx512F.TernaryLogic(x, y, _lowNibble, 0x80);
        var high = Avx512F.TernaryLogic(xPrepared, yPrepared, _lowNibble, 0x80);
        return Avx512BW.Shuffle(_table, low) + Avx512BW.Shuffle(_table, high);
    }
}
