using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

// The engine's binary kernel on AVX-512 VBMI: rows 6 bits per byte (Packed6Rows), right rows interleaved four to a
// tile by 16-byte chunks (Packed6Tiles). Intrinsic -> instruction (uops.info, Sapphire Rapids):
//   Avx512F.BroadcastVector128ToVector512(ptr)  -> VBROADCASTI32X4 zmm, m128 (a load-port uop, no ALU)
//   Avx512Vbmi.PermuteVar64x8                   -> VPERMB (port 5)
//   Avx512BW.SumAbsoluteDifferences             -> VPSADBW (port 5), once per tile and left row
//   Avx512BW.PackUnsignedSaturate               -> VPACKUSDW (port 5), three per tile
//   Avx512BW.MultiplyAddAdjacent                -> VPMADDWD (port 0), one per tile
public static unsafe partial class BinaryInnerProducts
{
    /// <summary>
    /// 4 left rows (6 bits per byte, row after row) against <paramref name="tileCount"/> consecutive right tiles in the
    /// <see cref="Packed6Tiles"/> layout (tile t at <c>tiles + t * chunks * 8</c> words; its chunk k is one zmm holding
    /// chunk k of its 4 rows). <c>destination[16 t + r * 4 + c]</c> receives popcount(x[r] AND row c of tile t).
    /// </summary>
    /// <remarks>
    /// Why this layout: with one zmm per (chunk, 4 right rows), the left row's chunk is broadcast to all four 128-bit
    /// lanes by a load, and AND + VPERMB + add count 4 pairs at once into ONE byte accumulator per left row, lane c
    /// belonging to pair c. The tile then needs 4 accumulators instead of 16, and its flush is 4 SADs + 3 packs + 1
    /// VPMADDWD + a transposing VPERMD (about 10 operations per 16 pairs) where the row-major tile's flush costs about
    /// 55. The counting costs the same per bit (3 single-uop operations per 96 bits and 4 pairs), and rows round up
    /// to 96 bits instead of 384 (l = 1024: 11 chunks instead of 12; l = 256: 3 instead of 4).
    /// Lane bound: a byte gains at most 6 per chunk, so 42 chunks (4,032 bits) fit 252 &lt; 256 before a flush; a
    /// SAD lane is then at most 8 * 252 = 2,016, so VPACKUSDW never saturates and VPMADDWD's pair sums fit 16-bit
    /// inputs and 32-bit outputs.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TileStripPacked6TilesVector512(ulong** x, ulong* tiles, int chunks, int tileCount, int* destination)
    {
        var table = Low6TableAvx512VbmiPermute();
        var ones = Vector512.Create((short)1);
        // Lane c holds dword r of pair (r, c) after the flush (index c * 4 + r); the output is row-major (r * 4 + c).
        var transpose = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        uint* x0 = (uint*)x[0], x1 = (uint*)x[1], x2 = (uint*)x[2], x3 = (uint*)x[3];
        int tileWords = chunks * Packed6Tiles.WordsPerChunkGroup;
        for (int t = 0; t < tileCount; t++)
        {
            ulong* z = tiles + ((long)t * tileWords);
            var totals = Vector512<int>.Zero;
            // A chunk is 16 bytes = 4 uints: chunk k of a left row starts at uint 4 k.
            nint offset = 0;
            for (int k = 0; k < chunks;)
            {
                int end = Math.Min(chunks, k + Packed6Tiles.ChunksPerFlush);
                Vector512<byte> c0 = default, c1 = default, c2 = default, c3 = default;
                for (; k < end; k++, offset += 4, z += Packed6Tiles.WordsPerChunkGroup)
                {
                    var right = Vector512.Load(z).AsByte();
                    c0 += Avx512Vbmi.PermuteVar64x8(table, Avx512F.BroadcastVector128ToVector512(x0 + offset).AsByte() & right);
                    c1 += Avx512Vbmi.PermuteVar64x8(table, Avx512F.BroadcastVector128ToVector512(x1 + offset).AsByte() & right);
                    c2 += Avx512Vbmi.PermuteVar64x8(table, Avx512F.BroadcastVector128ToVector512(x2 + offset).AsByte() & right);
                    c3 += Avx512Vbmi.PermuteVar64x8(table, Avx512F.BroadcastVector128ToVector512(x3 + offset).AsByte() & right);
                }

                // SAD: qwords 2c, 2c + 1 of s_r are pair (r, c). Two packs put, per 128-bit lane c, the 8 qwords of
                // s0..s3 in 8 words (s0 q0, s0 q1, s1 q0, ...); VPMADDWD adds each pair of words: lane c = [s0, s1,
                // s2, s3] for pair c.
                var p01 = Avx512BW.PackUnsignedSaturate(SadVector512(c0).AsInt32(), SadVector512(c1).AsInt32());
                var p23 = Avx512BW.PackUnsignedSaturate(SadVector512(c2).AsInt32(), SadVector512(c3).AsInt32());
                var packed = Avx512BW.PackUnsignedSaturate(p01.AsInt32(), p23.AsInt32());
                totals += Avx512BW.MultiplyAddAdjacent(packed.AsInt16(), ones);
            }

            Avx512F.PermuteVar16x32(totals, transpose).Store(destination + (16 * t));
        }
    }

    /// <summary>
    /// The scalar reference of <see cref="TileStripPacked6TilesVector512"/> on the same layouts (it reads only the
    /// words a chunk holds, so it also checks that the layout puts every row's chunk where the vector kernel looks).
    /// </summary>
    internal static void TileStripPacked6TilesScalar(ulong** x, ulong* tiles, int chunks, int tileCount, int* destination)
    {
        int tileWords = chunks * Packed6Tiles.WordsPerChunkGroup;
        for (int t = 0; t < tileCount; t++)
        {
            ulong* yt = tiles + ((long)t * tileWords);
            for (int r = 0; r < TileRows; r++)
            {
                for (int c = 0; c < TileRows; c++)
                {
                    int count = 0;
                    for (int k = 0; k < chunks; k++)
                    {
                        for (int w = 0; w < Packed6Tiles.WordsPerChunk; w++)
                        {
                            ulong left = x[r][(Packed6Tiles.WordsPerChunk * k) + w];
                            ulong right = yt[(Packed6Tiles.WordsPerChunkGroup * k) + (Packed6Tiles.WordsPerChunk * c) + w];
                            count += BitOperations.PopCount(left & right);
                        }
                    }

                    destination[(16 * t) + (r * TileRows) + c] = count;
                }
            }
        }
    }
}
