using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector512;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction (Sapphire Rapids):
//   Avx512Vbmi.PermuteVar64x8         -> VPERMB   (64-entry byte table indexed by the low 6 bits; 1/cycle, port 5)
//   Avx512BW.SumAbsoluteDifferences    -> VPSADBW  (bytes to 64-bit sums; once per 31 vectors)
// popcount(byte) = table6[b & 63] + table2[b >> 6]: VPERMB ignores index bits 6-7, so the low lookup needs no mask,
// and a 16-bit shift by 6 leaves bits 6-7 of each byte in its bits 0-1 (bits 2-7 hold the neighbour's bits, which
// table2 ignores by construction: table2[x] = popcount(x & 3)). 6 vector operations per 512 bits and pair instead of
// the nibble table's 8.
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>popcount of every byte of <paramref name="value"/>: low6[b &amp; 63] + high2[b &gt;&gt; 6].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> PopCountBytesAvx512VbmiPermute(Vector512<byte> value, Vector512<byte> low6, Vector512<byte> high2)
    {
        var high = Vector512.ShiftRightLogical(value.AsUInt16(), 6).AsByte();
        return Avx512Vbmi.PermuteVar64x8(low6, value) + Avx512Vbmi.PermuteVar64x8(high2, high);
    }

    /// <summary>popcount(b) for the 64 values of the low 6 bits (a constant the JIT folds).</summary>
    internal static Vector512<byte> Low6TableAvx512VbmiPermute() => Vector512.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6);

    /// <summary>popcount(b &amp; 3): only bits 0-1 of the shifted byte count.</summary>
    internal static Vector512<byte> High2TableAvx512VbmiPermute() => Vector512.Create(
        (byte)0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 1, 2);

    private static ulong SumBytesAvx512VbmiPermute(Vector512<byte> counts) =>
        Vec.Sum(Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64());

    /// <summary>popcount(x AND y) for any length: byte counters across up to 31 vectors, then a scalar tail (VPERMB tables).</summary>
    internal static long InnerProductAvx512VbmiPermute(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        Debug.Assert(x.Length == y.Length);
        var low6 = Low6TableAvx512VbmiPermute();
        var high2 = High2TableAvx512VbmiPermute();
        ref ulong xRef = ref MemoryMarshal.GetReference(x);
        ref ulong yRef = ref MemoryMarshal.GetReference(y);
        int perVector = Vector512<ulong>.Count;
        int vectors = x.Length / perVector;
        long total = 0;
        int w = 0;
        for (int done = 0; done < vectors;)
        {
            int batch = Math.Min(VectorsPerFlush, vectors - done);
            var counts = Vector512<byte>.Zero;
            for (int v = 0; v < batch; v++, w += perVector)
            {
                var both = Vec.LoadUnsafe(ref xRef, (nuint)w) & Vec.LoadUnsafe(ref yRef, (nuint)w);
                counts += PopCountBytesAvx512VbmiPermute(both.AsByte(), low6, high2);
            }

            total += (long)SumBytesAvx512VbmiPermute(counts);
            done += batch;
        }

        for (; w < x.Length; w++) total += System.Numerics.BitOperations.PopCount(x[w] & y[w]);
        return total;
    }

    /// <summary>
    /// The 4 x 4 tile on raw rows: the shared 512-bit tile body (<see cref="TileStripBodyVector512{TCounter}"/>) with
    /// two VPERMB lookups per AND (<see cref="RawPermutePairCounter"/>). The engine re-encodes long rows 6 bits per
    /// byte instead (<see cref="UsesPacked6"/>); this kernel serves callers with raw rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4Avx512VbmiPermute(ulong** x, ulong** y, int words, int* destination) =>
        TileStripBodyVector512<RawPermutePairCounter>(x, (nint*)y, words, 1, destination);
}
