using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector512;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction (Intel optimization manual / uops.info, Sapphire Rapids):
//   Avx512BW.Shuffle              -> PSHUFB   (nibble table lookup; 1/cycle, port 5)
//   Avx512BW.SumAbsoluteDifferences  -> PSADBW   (bytes to 64-bit sums; once per 31 vectors, not per word)
//   & and >>>                          -> PAND / PSRLW (ports 0 and 5)
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>popcount of every byte of <paramref name="value"/>: table[low nibble] + table[high nibble].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> PopCountBytesVector512(Vector512<byte> value, Vector512<byte> table, Vector512<byte> lowNibble)
    {
        var low = value & lowNibble;
        var high = Vec.ShiftRightLogical(value.AsUInt16(), 4).AsByte() & lowNibble;
        return Avx512BW.Shuffle(table, low) + Avx512BW.Shuffle(table, high);
    }

    private static Vector512<byte> NibbleTableVector512() =>
        Vector512.Create(Vector256.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4)));

    /// <summary>popcount(x AND y) for any length: byte counters across up to 31 vectors, then a scalar tail.</summary>
    internal static long InnerProductVector512(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y) => InnerProductBodyVector512<NibblePairCounter>(x, y);

    /// <summary>
    /// The span inner product shared by the 512-bit counting schemes on raw rows: byte counters for up to
    /// <see cref="IPairByteCounter{TSelf}.VectorsPerFlush"/> vectors, one SAD sum per flush, then a scalar tail.
    /// </summary>
    internal static long InnerProductBodyVector512<TCounter>(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
        where TCounter : struct, IPairByteCounter<TCounter>
    {
        Debug.Assert(x.Length == y.Length);
        var counter = TCounter.Create();
        ref ulong xRef = ref MemoryMarshal.GetReference(x);
        ref ulong yRef = ref MemoryMarshal.GetReference(y);
        int perVector = Vector512<ulong>.Count;
        int vectors = x.Length / perVector;
        long total = 0;
        int w = 0;
        for (int done = 0; done < vectors;)
        {
            int batch = Math.Min(TCounter.VectorsPerFlush, vectors - done);
            var counts = Vector512<byte>.Zero;
            for (int v = 0; v < batch; v++, w += perVector)
            {
                var a = Vec.LoadUnsafe(ref xRef, (nuint)w).AsByte();
                var b = Vec.LoadUnsafe(ref yRef, (nuint)w).AsByte();
                counts += counter.Count(a, counter.Prepare(a), b, counter.Prepare(b));
            }

            total += (long)Vec.Sum(Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64());
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
    internal static void Tile4x4Vector512(ulong** x, ulong** y, int words, int* destination) =>
        TileStripBodyVector512<NibblePairCounter>(x, (nint*)y, words, 1, destination);

    /// <summary>
    /// <see cref="Tile4x4Vector512"/> for 4 left rows against <paramref name="tiles"/> consecutive 4-row tiles of right
    /// row pointers (<paramref name="y"/>[4 t .. 4 t + 3]) in one call: no call, pointer set-up or constant load per
    /// tile. <c>destination[16 t + r * 4 + c]</c> receives popcount(x[r] AND y[4 t + c]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TileStripVector512(ulong** x, nint* y, int words, int tiles, int* destination) =>
        TileStripBodyVector512<NibblePairCounter>(x, y, words, tiles, destination);

    /// <summary>
    /// The register-tiled body shared by every 512-bit counting scheme, for 4 left rows against <paramref name="tiles"/>
    /// consecutive 4-row tiles of right row pointers: 4 right rows (and what
    /// <see cref="IPairByteCounter{TSelf}.Prepare"/> derives from them) in registers, each left row loaded once for its
    /// 4 pairs, 16 byte accumulators flushed every <see cref="IPairByteCounter{TSelf}.VectorsPerFlush"/> vectors.
    /// Compiled fully optimised at once (a generic body is not inlined into its callers, and tier-0 code is several
    /// times slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TileStripBodyVector512<TCounter>(ulong** x, nint* y, int words, int tiles, int* destination)
        where TCounter : struct, IPairByteCounter<TCounter>
    {
        Debug.Assert(words % Vector512<ulong>.Count == 0);
        ulong* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        var counter = TCounter.Create();
        int perVector = Vector512<ulong>.Count;
        int vectors = words / perVector;
        for (int t = 0; t < tiles; t++)
        {
            nint* yt = y + t * TileRows;
            ulong* y0 = (ulong*)yt[0], y1 = (ulong*)yt[1], y2 = (ulong*)yt[2], y3 = (ulong*)yt[3];
            var totals = Vector512<int>.Zero;
            int w = 0;
            for (int done = 0; done < vectors;)
            {
                int batch = Math.Min(TCounter.VectorsPerFlush, vectors - done);
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
                    var h0 = counter.Prepare(b0);
                    var h1 = counter.Prepare(b1);
                    var h2 = counter.Prepare(b2);
                    var h3 = counter.Prepare(b3);
                    var a = Vector512.Load(x0 + w).AsByte();
                    var ah = counter.Prepare(a);
                    c00 += counter.Count(a, ah, b0, h0);
                    c01 += counter.Count(a, ah, b1, h1);
                    c02 += counter.Count(a, ah, b2, h2);
                    c03 += counter.Count(a, ah, b3, h3);
                    a = Vector512.Load(x1 + w).AsByte();
                    ah = counter.Prepare(a);
                    c10 += counter.Count(a, ah, b0, h0);
                    c11 += counter.Count(a, ah, b1, h1);
                    c12 += counter.Count(a, ah, b2, h2);
                    c13 += counter.Count(a, ah, b3, h3);
                    a = Vector512.Load(x2 + w).AsByte();
                    ah = counter.Prepare(a);
                    c20 += counter.Count(a, ah, b0, h0);
                    c21 += counter.Count(a, ah, b1, h1);
                    c22 += counter.Count(a, ah, b2, h2);
                    c23 += counter.Count(a, ah, b3, h3);
                    a = Vector512.Load(x3 + w).AsByte();
                    ah = counter.Prepare(a);
                    c30 += counter.Count(a, ah, b0, h0);
                    c31 += counter.Count(a, ah, b1, h1);
                    c32 += counter.Count(a, ah, b2, h2);
                    c33 += counter.Count(a, ah, b3, h3);
                }

                totals += ReduceTileVector512(
                    PackFourVector512(c00, c01, c02, c03), PackFourVector512(c10, c11, c12, c13),
                    PackFourVector512(c20, c21, c22, c23), PackFourVector512(c30, c31, c32, c33));
                done += batch;
            }

            totals.Store(destination + t * TileRows * TileRows);
        }
    }

    /// <summary>
    /// Four byte-count vectors of one left row (one flush, at most 248 per lane: 31 x 8 nibble-table or
    /// <see cref="RawPermutePairCounter"/> counts) to one vector of 64-bit lanes, each holding four 16-bit fields (one per right row). A SAD lane is at most
    /// 8 * 248 = 1984 and the sum of all 8 lanes of a field at most 15872 &lt; 2^16, so summing lanes never carries
    /// from one field into the next.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> PackFourVector512(Vector512<byte> c0, Vector512<byte> c1, Vector512<byte> c2, Vector512<byte> c3)
    {
        var s0 = Avx512BW.SumAbsoluteDifferences(c0, Vector512<byte>.Zero).AsUInt64();
        var s1 = Avx512BW.SumAbsoluteDifferences(c1, Vector512<byte>.Zero).AsUInt64();
        var s2 = Avx512BW.SumAbsoluteDifferences(c2, Vector512<byte>.Zero).AsUInt64();
        var s3 = Avx512BW.SumAbsoluteDifferences(c3, Vector512<byte>.Zero).AsUInt64();
        return s0 | Vector512.ShiftLeft(s1, 16) | Vector512.ShiftLeft(s2, 32) | Vector512.ShiftLeft(s3, 48);
    }

    /// <summary>
    /// The horizontal sums of four packed rows (<see cref="PackFourVector512"/>) at once, as the 16 counts of the
    /// tile in <c>destination</c> order (r * 4 + c): a transposed reduction (unpack + add, then 128-bit lane
    /// shuffles + add) costs 7 vector operations for the whole tile where four separate horizontal sums cost about
    /// 24, and the 16-bit fields widen to 32-bit counts with one VPMOVZXWD instead of 16 scalar extractions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ReduceTileVector512(Vector512<ulong> p0, Vector512<ulong> p1, Vector512<ulong> p2, Vector512<ulong> p3)
    {
        // Per 128-bit chunk k: [p0[2k] + p0[2k+1], p1[2k] + p1[2k+1]] (and p2, p3 in b).
        var a = Avx512F.UnpackLow(p0, p1) + Avx512F.UnpackHigh(p0, p1);
        var b = Avx512F.UnpackLow(p2, p3) + Avx512F.UnpackHigh(p2, p3);
        // Chunks [a0 + a1, a2 + a3, b0 + b1, b2 + b3], then each pair of chunks summed: chunk 0 = [sum p0, sum p1],
        // chunk 2 = [sum p2, sum p3].
        var c = Avx512F.Shuffle4x128(a, b, 0b10_00_10_00) + Avx512F.Shuffle4x128(a, b, 0b11_01_11_01);
        var d = c + Avx512F.Shuffle4x128(c, c, 0b10_11_00_01);
        var rows = Avx512F.Shuffle4x128(d, d, 0b10_00_10_00);
        return Vector512.WidenLower(rows.AsUInt16()).AsInt32();
    }

    /// <summary>
    /// The 4 x 4 tile for rows of at most 256 bits (l &lt;= 256; the padding words 4..7 are zero and skipped): two
    /// right rows share one zmm ([y0 | y1], [y2 | y3]) and each left row is loaded into both halves, so one AND +
    /// popcount serves two pairs. The SAD lanes 0-3 belong to the first pair of a half, 4-7 to the second; every count
    /// is at most 256, so two pairs share 16-bit fields of one sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4HalfRowsVector512(ulong** x, ulong** y, int words, int* destination) =>
        TileStripHalfRowsBodyVector512<NibblePairCounter>(x, (nint*)y, 1, destination);

    /// <summary>
    /// <see cref="Tile4x4HalfRowsVector512"/> for 4 left rows against <paramref name="tiles"/> consecutive 4-row tiles
    /// of right row pointers (<paramref name="y"/>[4 t .. 4 t + 3]): the left rows and their shifted copies stay in
    /// registers across the strip, so the per-tile cost is the right rows' loads and the counting alone.
    /// <c>destination[16 t + r * 4 + c]</c> receives popcount(x[r] AND y[4 t + c]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TileStripHalfRowsVector512(ulong** x, nint* y, int words, int tiles, int* destination) =>
        TileStripHalfRowsBodyVector512<NibblePairCounter>(x, y, tiles, destination);

    /// <summary>The half-row strip body shared by the counting schemes (only the first 256 bits of a row are read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileStripHalfRowsBodyVector512<TCounter>(ulong** x, nint* y, int tiles, int* destination)
        where TCounter : struct, IPairByteCounter<TCounter>
    {
        var counter = TCounter.Create();
        var order = Vector512.Create(
            (ushort)0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var a0 = BothHalvesVector512(x[0]);
        var a1 = BothHalvesVector512(x[1]);
        var a2 = BothHalvesVector512(x[2]);
        var a3 = BothHalvesVector512(x[3]);
        var ah0 = counter.Prepare(a0);
        var ah1 = counter.Prepare(a1);
        var ah2 = counter.Prepare(a2);
        var ah3 = counter.Prepare(a3);
        for (int t = 0; t < tiles; t++)
        {
            nint* yt = y + t * TileRows;
            var b01 = Vector512.Create(Vector256.Load((ulong*)yt[0]), Vector256.Load((ulong*)yt[1])).AsByte();
            var b23 = Vector512.Create(Vector256.Load((ulong*)yt[2]), Vector256.Load((ulong*)yt[3])).AsByte();
            var h01 = counter.Prepare(b01);
            var h23 = counter.Prepare(b23);
            // Same packing and reduction as Tile4x4HalfRowsVector512 (fields of at most 256 per pair).
            var q = SadVector512(counter.Count(a0, ah0, b01, h01))
                | Vector512.ShiftLeft(SadVector512(counter.Count(a0, ah0, b23, h23)), 16)
                | Vector512.ShiftLeft(SadVector512(counter.Count(a1, ah1, b01, h01)), 32)
                | Vector512.ShiftLeft(SadVector512(counter.Count(a1, ah1, b23, h23)), 48);
            var q2 = SadVector512(counter.Count(a2, ah2, b01, h01))
                | Vector512.ShiftLeft(SadVector512(counter.Count(a2, ah2, b23, h23)), 16)
                | Vector512.ShiftLeft(SadVector512(counter.Count(a3, ah3, b01, h01)), 32)
                | Vector512.ShiftLeft(SadVector512(counter.Count(a3, ah3, b23, h23)), 48);
            var a = Avx512F.UnpackLow(q, q2) + Avx512F.UnpackHigh(q, q2);
            var sums = (a + Avx512F.Shuffle4x128(a, a, 0b10_11_00_01)).AsUInt16();
            Vector512.WidenLower(Avx512BW.PermuteVar32x16(sums, order)).AsInt32().Store(destination + t * TileRows * TileRows);
        }
    }

    /// <summary>The first 256 bits of a row in both halves of a zmm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> BothHalvesVector512(ulong* row)
    {
        var half = Vector256.Load(row);
        return Vector512.Create(half, half).AsByte();
    }

    /// <summary>The byte counts summed per 64-bit lane (SAD against zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> SadVector512(Vector512<byte> counts) =>
        Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();

    /// <summary>
    /// The 4 x 8 tile for rows of one word (l &lt;= 64): <paramref name="y"/> holds the words of 8 right rows
    /// contiguously (one zmm), each left word is broadcast to all 8 lanes, and one AND + popcount + SAD yields 8
    /// counts at once (SAD sums the 8 bytes of each 64-bit lane: exactly one row's count).
    /// <c>destination[r * 8 + c]</c> receives popcount(x[r][0] AND y[c]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x8OneWordVector512(ulong** x, ulong* y, int* destination)
    {
        var table = NibbleTableVector512();
        var lowNibble = Vector512.Create((byte)0x0F);
        var b = Vector512.Load(y).AsByte();
        for (int r = 0; r < TileRows; r++)
        {
            var a = Vector512.Create(x[r][0]).AsByte();
            var counts = Avx512BW.SumAbsoluteDifferences(PopCountBytesVector512(a & b, table, lowNibble), Vector512<byte>.Zero).AsInt64();
            Avx512F.ConvertToVector256Int32(counts).Store(destination + r * 8);
        }
    }
}
