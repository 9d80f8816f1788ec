using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// Binary rows re-encoded 6 bits per byte for the tiles kernel (<see cref="BinaryInnerProducts.TileStripPacked6TilesVector512"/>): bits [48 g, 48 g + 48) of a row go to
/// word g, six to a byte (bits 0-5; bits 6-7 of every byte stay zero), so one VPERMB lookup counts a byte. The map is
/// the same for every row, so popcount(x AND y) is unchanged; only the layout differs. Encoded rows are padded with
/// zero words to 512 bits (l = 1024: 192 bytes where the raw row has 128).
/// </summary>
/// <remarks>
/// The engine encodes a worker's row band and each task's right block as it goes (<see cref="EncodeVector512"/>:
/// three vector operations per 64 output bytes, about 1/B of the task's counting work for blocks of B rows), so the
/// encoding costs no memory that grows with n. <see cref="Encode"/> is the scalar reference.
/// </remarks>
internal static unsafe class Packed6Rows
{
    /// <summary>Bits stored per byte (bits 6-7 are zero).</summary>
    public const int BitsPerByte = 6;

    private const int GroupBits = 8 * BitsPerByte;

    /// <summary>Words per encoded row of <paramref name="dimensions"/> bits: ceil(l / 48), padded to a multiple of 8 (at least 8).</summary>
    public static int WordsFor(int dimensions)
    {
        int groups = (dimensions + GroupBits - 1) / GroupBits;
        return Math.Max(8, (groups + 7) / 8 * 8);
    }

    /// <summary>
    /// Encodes one row of <paramref name="dimensions"/> bits (<paramref name="row"/> may be longer: its padding words
    /// are zero and ignored) into <paramref name="destination"/> (<see cref="WordsFor"/> words; the rest is zeroed).
    /// The scalar reference of <see cref="EncodeVector512"/>.
    /// </summary>
    public static void Encode(ReadOnlySpan<ulong> row, int dimensions, Span<ulong> destination)
    {
        const ulong GroupMask = (1UL << GroupBits) - 1, ByteMask = (1UL << BitsPerByte) - 1;
        destination.Clear();
        int groups = (dimensions + GroupBits - 1) / GroupBits;
        for (int g = 0; g < groups; g++)
        {
            int bit = GroupBits * g, word = bit >> 6, shift = bit & 63;
            ulong value = row[word] >> shift;
            if (shift > 64 - GroupBits && word + 1 < row.Length) value |= row[word + 1] << (64 - shift);
            value &= GroupMask;
            ulong spread = 0;
            for (int k = 0; k < 8; k++) spread |= ((value >> (BitsPerByte * k)) & ByteMask) << (8 * k);
            destination[g] = spread;
        }
    }

    /// <summary>
    /// <see cref="Encode"/> with AVX-512 VBMI: a group of 48 bits is 6 whole bytes, so VPERMB gathers the 6 source bytes
    /// of each of 8 groups into the 8 qword lanes, VPMULTISHIFTQB picks the 8-bit windows at bit offsets 0, 6, ..., 42
    /// of each lane, and an AND keeps 6 bits of each. <paramref name="row"/> has <paramref name="rowWords"/> words (a
    /// multiple of 8, zero past l); <paramref name="destination"/> receives <see cref="WordsFor"/>(l) words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EncodeVector512(ulong* row, int rowWords, int dimensions, ulong* destination)
    {
        var gather = Vector512.Create(
            (byte)0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13, 14, 15, 16, 17, 17, 17, 18, 19, 20, 21, 22, 23, 23, 23,
            24, 25, 26, 27, 28, 29, 29, 29, 30, 31, 32, 33, 34, 35, 35, 35, 36, 37, 38, 39, 40, 41, 41, 41, 42, 43, 44, 45, 46, 47, 47, 47);
        var offsets = Vector512.Create(0x2A241E18120C0600UL).AsByte();
        var low6 = Vector512.Create((byte)0x3F);
        byte* source = (byte*)row;
        int rowBytes = rowWords * 8;
        int vectors = WordsFor(dimensions) / 8;
        byte* tail = stackalloc byte[64];
        for (int v = 0; v < vectors; v++)
        {
            int start = 48 * v;
            Vector512<byte> bytes;
            if (start + 64 <= rowBytes)
            {
                bytes = Vector512.Load(source + start);
            }
            else
            {
                // The last source bytes of the row, zero past its end (never read beyond the row).
                new Span<byte>(tail, 64).Clear();
                if (start < rowBytes) new ReadOnlySpan<byte>(source + start, rowBytes - start).CopyTo(new Span<byte>(tail, 64));
                bytes = Vector512.Load(tail);
            }

            var groups = Avx512Vbmi.PermuteVar64x8(bytes, gather).AsUInt64();
            (Avx512Vbmi.MultiShift(offsets, groups) & low6).AsUInt64().Store(destination + (8 * v));
        }
    }
}
