using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

/// <summary>
/// The right-hand layout of <see cref="BinaryInnerProducts.TileStripPacked6TilesVector512"/>: rows encoded 6 bits per
/// byte (<see cref="Packed6Rows"/>) and cut into 16-byte chunks (96 bits of the row each), four rows to a tile, the
/// tile stored chunk by chunk so that one zmm holds chunk k of all four rows (row c in 128-bit lane c). Tiles follow
/// each other, <see cref="WordsPerChunkGroup"/> * chunks words apart; a block whose row count is not a multiple of 4
/// ends in a tile padded with zero rows (their counts are 0 and the engine ignores them).
/// </summary>
internal static unsafe class Packed6Tiles
{
    /// <summary>Words of one row's chunk: 16 bytes, 96 bits of the row.</summary>
    public const int WordsPerChunk = 2;

    /// <summary>Words of one chunk of all four rows of a tile: one zmm.</summary>
    public const int WordsPerChunkGroup = BinaryInnerProducts.TileRows * WordsPerChunk;

    /// <summary>Bits of a row per chunk (16 bytes of 6 bits).</summary>
    public const int BitsPerChunk = 16 * Packed6Rows.BitsPerByte;

    /// <summary>Chunks a byte lane may count before it could pass 255: 42 * 6 = 252.</summary>
    public const int ChunksPerFlush = 42;

    /// <summary>Chunks per row of <paramref name="dimensions"/> bits: ceil(l / 96), at least 1.</summary>
    public static int ChunksFor(int dimensions) => Math.Max(1, (dimensions + BitsPerChunk - 1) / BitsPerChunk);

    /// <summary>Words of <paramref name="rows"/> rows in tiles (the last tile padded to 4 rows).</summary>
    public static long WordsFor(int rows, int chunks) => (long)((rows + BinaryInnerProducts.TileRows - 1) / BinaryInnerProducts.TileRows) * chunks * WordsPerChunkGroup;

    /// <summary>
    /// Copies the first <paramref name="chunks"/> chunks of one encoded row (<see cref="Packed6Rows"/> layout, at least
    /// 2 * chunks words) into row <paramref name="slot"/> (0..3) of the tile at <paramref name="tile"/>; a null
    /// <paramref name="encoded"/> writes a zero row.
    /// </summary>
    public static void Store(ulong* encoded, int chunks, ulong* tile, int slot)
    {
        ulong* destination = tile + (WordsPerChunk * slot);
        for (int k = 0; k < chunks; k++)
        {
            var chunk = encoded == null ? Vector128<ulong>.Zero : Vector128.Load(encoded + (WordsPerChunk * k));
            chunk.Store(destination + (WordsPerChunkGroup * k));
        }
    }
}
