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
    private static Vector512<byte> Low6TableAvx512VbmiPermute() => Vector512.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5, 2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6);

    /// <summary>popcount(b &amp; 3): only bits 0-1 of the shifted byte count.</summary>
    private static Vector512<byte> High2TableAvx512VbmiPermute() => Vector512.Create(
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
    /// The 4 x 4 tile: 4 right rows stay in registers while each left row is loaded once and meets all 4; 16 byte
    /// accumulators stay in registers for up to 31 vectors. The flush packs the 4 SAD results of a left row into the
    /// 16-bit fields of one vector (each 64-bit SAD lane is at most 8 * 248 = 1984, and their sum over 8 lanes at most
    /// 15872 &lt; 2^16, so fields never carry into each other) and sums it once: 4 horizontal sums per tile, not 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4Avx512VbmiPermute(ulong** x, ulong** y, int words, int* destination)
    {
        Debug.Assert(words % Vector512<ulong>.Count == 0);
        var low6 = Low6TableAvx512VbmiPermute();
        var high2 = High2TableAvx512VbmiPermute();
        ulong* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        ulong* y0 = y[0], y1 = y[1], y2 = y[2], y3 = y[3];
        long t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0;
        long t20 = 0, t21 = 0, t22 = 0, t23 = 0, t30 = 0, t31 = 0, t32 = 0, t33 = 0;
        int perVector = Vector512<ulong>.Count;
        int vectors = words / perVector;
        int w = 0;
        for (int done = 0; done < vectors;)
        {
            int batch = Math.Min(VectorsPerFlush, vectors - done);
            Vector512<byte> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector512<byte> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector512<byte> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector512<byte> c30 = default, c31 = default, c32 = default, c33 = default;
            for (int v = 0; v < batch; v++, w += perVector)
            {
                var b0 = Vector512.Load(y0 + w).AsByte();
                var b1 = Vector512.Load(y1 + w).AsByte();
                var b2 = Vector512.Load(y2 + w).AsByte();
                var b3 = Vector512.Load(y3 + w).AsByte();
                var a = Vector512.Load(x0 + w).AsByte();
                c00 += PopCountBytesAvx512VbmiPermute(a & b0, low6, high2);
                c01 += PopCountBytesAvx512VbmiPermute(a & b1, low6, high2);
                c02 += PopCountBytesAvx512VbmiPermute(a & b2, low6, high2);
                c03 += PopCountBytesAvx512VbmiPermute(a & b3, low6, high2);
                a = Vector512.Load(x1 + w).AsByte();
                c10 += PopCountBytesAvx512VbmiPermute(a & b0, low6, high2);
                c11 += PopCountBytesAvx512VbmiPermute(a & b1, low6, high2);
                c12 += PopCountBytesAvx512VbmiPermute(a & b2, low6, high2);
                c13 += PopCountBytesAvx512VbmiPermute(a & b3, low6, high2);
                a = Vector512.Load(x2 + w).AsByte();
                c20 += PopCountBytesAvx512VbmiPermute(a & b0, low6, high2);
                c21 += PopCountBytesAvx512VbmiPermute(a & b1, low6, high2);
                c22 += PopCountBytesAvx512VbmiPermute(a & b2, low6, high2);
                c23 += PopCountBytesAvx512VbmiPermute(a & b3, low6, high2);
                a = Vector512.Load(x3 + w).AsByte();
                c30 += PopCountBytesAvx512VbmiPermute(a & b0, low6, high2);
                c31 += PopCountBytesAvx512VbmiPermute(a & b1, low6, high2);
                c32 += PopCountBytesAvx512VbmiPermute(a & b2, low6, high2);
                c33 += PopCountBytesAvx512VbmiPermute(a & b3, low6, high2);
            }

            ulong row0 = SumFourAvx512VbmiPermute(c00, c01, c02, c03), row1 = SumFourAvx512VbmiPermute(c10, c11, c12, c13);
            ulong row2 = SumFourAvx512VbmiPermute(c20, c21, c22, c23), row3 = SumFourAvx512VbmiPermute(c30, c31, c32, c33);
            t00 += (long)(row0 & 0xFFFF); t01 += (long)((row0 >> 16) & 0xFFFF); t02 += (long)((row0 >> 32) & 0xFFFF); t03 += (long)(row0 >> 48);
            t10 += (long)(row1 & 0xFFFF); t11 += (long)((row1 >> 16) & 0xFFFF); t12 += (long)((row1 >> 32) & 0xFFFF); t13 += (long)(row1 >> 48);
            t20 += (long)(row2 & 0xFFFF); t21 += (long)((row2 >> 16) & 0xFFFF); t22 += (long)((row2 >> 32) & 0xFFFF); t23 += (long)(row2 >> 48);
            t30 += (long)(row3 & 0xFFFF); t31 += (long)((row3 >> 16) & 0xFFFF); t32 += (long)((row3 >> 32) & 0xFFFF); t33 += (long)(row3 >> 48);
            done += batch;
        }

        destination[0] = (int)t00; destination[1] = (int)t01; destination[2] = (int)t02; destination[3] = (int)t03;
        destination[4] = (int)t10; destination[5] = (int)t11; destination[6] = (int)t12; destination[7] = (int)t13;
        destination[8] = (int)t20; destination[9] = (int)t21; destination[10] = (int)t22; destination[11] = (int)t23;
        destination[12] = (int)t30; destination[13] = (int)t31; destination[14] = (int)t32; destination[15] = (int)t33;
    }

    /// <summary>Four byte-count vectors (one flush, at most 248 per lane) to four 16-bit counts in one 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SumFourAvx512VbmiPermute(Vector512<byte> c0, Vector512<byte> c1, Vector512<byte> c2, Vector512<byte> c3)
    {
        var s0 = Avx512BW.SumAbsoluteDifferences(c0, Vector512<byte>.Zero).AsUInt64();
        var s1 = Avx512BW.SumAbsoluteDifferences(c1, Vector512<byte>.Zero).AsUInt64();
        var s2 = Avx512BW.SumAbsoluteDifferences(c2, Vector512<byte>.Zero).AsUInt64();
        var s3 = Avx512BW.SumAbsoluteDifferences(c3, Vector512<byte>.Zero).AsUInt64();
        var packed = s0 | Vector512.ShiftLeft(s1, 16) | Vector512.ShiftLeft(s2, 32) | Vector512.ShiftLeft(s3, 48);
        return Vector512.Sum(packed);
    }
}
