using Subquad.Core.Vectors;

namespace Subquad.Core.Kernels;

/// <summary>
/// Binary rows re-encoded 6 bits per byte for <see cref="Packed6PairCounter"/>: bits [48 g, 48 g + 48) of a row go to
/// word g, six to a byte (bits 0-5; bits 6-7 of every byte stay zero), so one VPERMB lookup counts a byte. The map is
/// the same for every row, so popcount(x AND y) is unchanged; only the layout differs. Rows are stored in the
/// engine's position order (the rows a tile reads together sit together) and padded with zero words to 512 bits.
/// </summary>
/// <remarks>
/// Cost: 4/3 of the bits, rounded up to 512 per row (l = 1024: 192 bytes where the raw row has 128); built once per
/// solve in O(n l), next to the n^2 l of the solve.
/// </remarks>
internal sealed unsafe class Packed6Rows
{
    /// <summary>Bits stored per byte (bits 6-7 are zero).</summary>
    public const int BitsPerByte = 6;

    private const int GroupBits = 8 * BitsPerByte;
    private readonly AlignedBuffer<ulong> _buffer;

    /// <summary>Encodes <paramref name="source"/>'s rows in position order: position p holds row <paramref name="order"/>[p].</summary>
    public Packed6Rows(BinaryVectors source, int[] order)
    {
        WordsPerRow = WordsFor(source.Dimensions);
        _buffer = new AlignedBuffer<ulong>((long)order.Length * WordsPerRow);
        for (int p = 0; p < order.Length; p++)
        {
            Encode(source.Row(order[p]), source.Dimensions, _buffer.Span.Slice(p * WordsPerRow, WordsPerRow));
        }
    }

    /// <summary>Words per encoded row.</summary>
    public int WordsPerRow { get; }

    /// <summary>Row pointers by position (the buffer is pinned for the object's lifetime).</summary>
    public nint[] Pointers()
    {
        var result = new nint[_buffer.Length / WordsPerRow];
        for (int p = 0; p < result.Length; p++) result[p] = (nint)(_buffer.Pointer + (long)p * WordsPerRow);
        return result;
    }

    /// <summary>Words per encoded row of <paramref name="dimensions"/> bits: ceil(l / 48), padded to a multiple of 8 (at least 8).</summary>
    public static int WordsFor(int dimensions)
    {
        int groups = (dimensions + GroupBits - 1) / GroupBits;
        return Math.Max(8, (groups + 7) / 8 * 8);
    }

    /// <summary>
    /// Encodes one row of <paramref name="dimensions"/> bits (<paramref name="row"/> may be longer: its padding words
    /// are zero and ignored) into <paramref name="destination"/> (<see cref="WordsFor"/> words; the rest is zeroed).
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
}
