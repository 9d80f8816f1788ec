using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector128;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction (Intel optimization manual / uops.info, Sapphire Rapids):
//   Ssse3.Shuffle              -> PSHUFB   (nibble table lookup; 1/cycle, port 5)
//   Sse2.SumAbsoluteDifferences  -> PSADBW   (bytes to 64-bit sums; once per 31 vectors, not per word)
//   & and >>>                          -> PAND / PSRLW (ports 0 and 5)
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>popcount of every byte of <paramref name="value"/>: table[low nibble] + table[high nibble].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> PopCountBytesVector128(Vector128<byte> value, Vector128<byte> table, Vector128<byte> lowNibble)
    {
        var low = value & lowNibble;
        var high = Vec.ShiftRightLogical(value.AsUInt16(), 4).AsByte() & lowNibble;
        return Ssse3.Shuffle(table, low) + Ssse3.Shuffle(table, high);
    }

    private static Vector128<byte> NibbleTableVector128() =>
        Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);

    private static ulong SumBytesVector128(Vector128<byte> counts) =>
        Vec.Sum(Sse2.SumAbsoluteDifferences(counts, Vector128<byte>.Zero).AsUInt64());

    /// <summary>popcount(x AND y) for any length: byte counters across up to 31 vectors, then a scalar tail.</summary>
    internal static long InnerProductVector128(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        Debug.Assert(x.Length == y.Length);
        var table = NibbleTableVector128();
        var lowNibble = Vec.Create((byte)0x0F);
        ref ulong xRef = ref MemoryMarshal.GetReference(x);
        ref ulong yRef = ref MemoryMarshal.GetReference(y);
        int perVector = Vector128<ulong>.Count;
        int vectors = x.Length / perVector;
        long total = 0;
        int w = 0;
        for (int done = 0; done < vectors;)
        {
            int batch = Math.Min(VectorsPerFlush, vectors - done);
            var counts = Vector128<byte>.Zero;
            for (int v = 0; v < batch; v++, w += perVector)
            {
                var both = Vec.LoadUnsafe(ref xRef, (nuint)w) & Vec.LoadUnsafe(ref yRef, (nuint)w);
                counts += PopCountBytesVector128(both.AsByte(), table, lowNibble);
            }

            total += (long)SumBytesVector128(counts);
            done += batch;
        }

        for (; w < x.Length; w++) total += System.Numerics.BitOperations.PopCount(x[w] & y[w]);
        return total;
    }

    /// <summary>
    /// The 4 x 4 tile: 8 loads feed 16 AND + popcounts per vector of words; 16 byte accumulators stay in registers
    /// for up to 31 vectors (the register file holds 16 accumulators + 8 operands + 2 constants).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4Vector128(ulong** x, ulong** y, int words, int* destination)
    {
        Debug.Assert(words % Vector128<ulong>.Count == 0);
        var table = NibbleTableVector128();
        var lowNibble = Vec.Create((byte)0x0F);
        ulong* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        ulong* y0 = y[0], y1 = y[1], y2 = y[2], y3 = y[3];
        ulong* totals = stackalloc ulong[16];
        new Span<ulong>(totals, 16).Clear();
        int perVector = Vector128<ulong>.Count;
        int vectors = words / perVector;
        int w = 0;
        for (int done = 0; done < vectors;)
        {
            int batch = Math.Min(VectorsPerFlush, vectors - done);
            Vector128<byte> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector128<byte> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector128<byte> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector128<byte> c30 = default, c31 = default, c32 = default, c33 = default;
            for (int v = 0; v < batch; v++, w += perVector)
            {
                var a0 = Vec.Load(x0 + w).AsByte();
                var a1 = Vec.Load(x1 + w).AsByte();
                var a2 = Vec.Load(x2 + w).AsByte();
                var a3 = Vec.Load(x3 + w).AsByte();
                var b0 = Vec.Load(y0 + w).AsByte();
                var b1 = Vec.Load(y1 + w).AsByte();
                var b2 = Vec.Load(y2 + w).AsByte();
                var b3 = Vec.Load(y3 + w).AsByte();
                c00 += PopCountBytesVector128(a0 & b0, table, lowNibble);
                c01 += PopCountBytesVector128(a0 & b1, table, lowNibble);
                c02 += PopCountBytesVector128(a0 & b2, table, lowNibble);
                c03 += PopCountBytesVector128(a0 & b3, table, lowNibble);
                c10 += PopCountBytesVector128(a1 & b0, table, lowNibble);
                c11 += PopCountBytesVector128(a1 & b1, table, lowNibble);
                c12 += PopCountBytesVector128(a1 & b2, table, lowNibble);
                c13 += PopCountBytesVector128(a1 & b3, table, lowNibble);
                c20 += PopCountBytesVector128(a2 & b0, table, lowNibble);
                c21 += PopCountBytesVector128(a2 & b1, table, lowNibble);
                c22 += PopCountBytesVector128(a2 & b2, table, lowNibble);
                c23 += PopCountBytesVector128(a2 & b3, table, lowNibble);
                c30 += PopCountBytesVector128(a3 & b0, table, lowNibble);
                c31 += PopCountBytesVector128(a3 & b1, table, lowNibble);
                c32 += PopCountBytesVector128(a3 & b2, table, lowNibble);
                c33 += PopCountBytesVector128(a3 & b3, table, lowNibble);
            }

            totals[0] += SumBytesVector128(c00); totals[1] += SumBytesVector128(c01); totals[2] += SumBytesVector128(c02); totals[3] += SumBytesVector128(c03);
            totals[4] += SumBytesVector128(c10); totals[5] += SumBytesVector128(c11); totals[6] += SumBytesVector128(c12); totals[7] += SumBytesVector128(c13);
            totals[8] += SumBytesVector128(c20); totals[9] += SumBytesVector128(c21); totals[10] += SumBytesVector128(c22); totals[11] += SumBytesVector128(c23);
            totals[12] += SumBytesVector128(c30); totals[13] += SumBytesVector128(c31); totals[14] += SumBytesVector128(c32); totals[15] += SumBytesVector128(c33);
            done += batch;
        }

        for (int k = 0; k < 16; k++) destination[k] = (int)totals[k];
    }
}
