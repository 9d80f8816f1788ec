using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

/// <summary>
/// Bit-sliced counting for sparse binary rows: a block of up to 512 right rows transposed so that one zmm T_k holds
/// bit k of every row (lane j = row j), and a left row a counted against all of them at once as
/// ip(a, b_j) = sum over the set bits k of a of T_k[j], accumulated in bit planes (lane j of plane i is bit i of the
/// count) by a Harley-Seal carry-save tree. The work is proportional to the left row's weight w_a, not to l: about
/// 4 vector operations per set bit for 512 pairs, where the 6-bit tiles spend about l / 128 per pair, so at density
/// p it is roughly p / 6 of the tiles' work.
/// </summary>
/// <remarks>Layout: <c>slices[k * 8 + w]</c> is qword w (lanes 64 w .. 64 w + 63) of T_k. AVX-512F.</remarks>
internal static unsafe class BitSlices
{
    /// <summary>Right rows per block (lanes of a zmm).</summary>
    public const int Lanes = 512;

    /// <summary>
    /// Transposes <paramref name="count"/> (&lt;= 512) rows of <paramref name="words"/> words (row r at
    /// <paramref name="rows"/>[r]) into <paramref name="slices"/> (64 words x 8 qwords per row word); lanes past
    /// <paramref name="count"/> are zero.
    /// </summary>
    public static void Transpose(nint* rows, int count, int words, ulong* slices)
    {
        ulong* block = stackalloc ulong[64];
        int groups = (count + 63) / 64;
        for (int w = 0; w < 8; w++)
        {
            if (w >= groups)
            {
                for (int k = 0; k < words * 64; k++) slices[(k * 8) + w] = 0;
                continue;
            }

            for (int g = 0; g < words; g++)
            {
                for (int i = 0; i < 64; i++)
                {
                    int r = (64 * w) + i;
                    block[i] = r < count ? ((ulong*)rows[r])[g] : 0;
                }

                Transpose64(block);
                for (int kk = 0; kk < 64; kk++) slices[(((64 * g) + kk) * 8) + w] = block[kk];
            }
        }
    }

    /// <summary>In place: bit i of a[r] moves to bit r of a[i] (bit 0 the least significant), by recursive block swaps.</summary>
    public static void Transpose64(ulong* a)
    {
        ulong m = 0x00000000FFFFFFFFUL;
        for (int j = 32; j != 0; j >>= 1, m ^= m << j)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                ulong t = ((a[k] >> j) ^ a[k | j]) & m;
                a[k | j] ^= t;
                a[k] ^= t << j;
            }
        }
    }

    /// <summary>Planes needed for counts up to <paramref name="maxCount"/> (at least 3).</summary>
    public static int PlanesFor(int maxCount) => Math.Max(3, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxCount));

    /// <summary>
    /// Counts the left row whose set bits are <paramref name="bits"/>[0 .. <paramref name="m"/>) against every lane:
    /// <paramref name="planes"/>[0 .. <paramref name="planeCount"/>) receive the bit planes of the counts
    /// (planeCount &gt;= <see cref="PlanesFor"/>(m)). Groups of 8 inputs go through a carry-save tree (7 full adders)
    /// whose weight-8 carry ripples into the higher planes; the last &lt; 8 inputs ripple in one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(ulong* slices, int* bits, int m, Vector512<ulong>* planes, int planeCount)
    {
        Vector512<ulong> ones = default, twos = default, fours = default;
        for (int i = 3; i < planeCount; i++) planes[i] = default;
        int at = 0;
        for (; at + 8 <= m; at += 8)
        {
            FullAdd(ones, Slice(slices, bits[at]), Slice(slices, bits[at + 1]), out var twosA, out ones);
            FullAdd(ones, Slice(slices, bits[at + 2]), Slice(slices, bits[at + 3]), out var twosB, out ones);
            FullAdd(twos, twosA, twosB, out var foursA, out twos);
            FullAdd(ones, Slice(slices, bits[at + 4]), Slice(slices, bits[at + 5]), out twosA, out ones);
            FullAdd(ones, Slice(slices, bits[at + 6]), Slice(slices, bits[at + 7]), out twosB, out ones);
            FullAdd(twos, twosA, twosB, out var foursB, out twos);
            FullAdd(fours, foursA, foursB, out var eights, out fours);
            Ripple(planes, 3, planeCount, eights);
        }

        planes[0] = ones;
        planes[1] = twos;
        planes[2] = fours;
        for (; at < m; at++) Ripple(planes, 0, planeCount, Slice(slices, bits[at]));
    }

    /// <summary>Lanes whose count (bit planes) is at least <paramref name="threshold"/>.</summary>
    public static Vector512<ulong> AtLeast(Vector512<ulong>* planes, int planeCount, long threshold)
    {
        if (threshold <= 0) return Vector512<ulong>.AllBitsSet;
        if (threshold >= 1L << planeCount) return Vector512<ulong>.Zero;
        Vector512<ulong> greater = Vector512<ulong>.Zero, equal = Vector512<ulong>.AllBitsSet;
        for (int i = planeCount - 1; i >= 0; i--)
        {
            if (((threshold >> i) & 1) != 0) equal &= planes[i];
            else
            {
                greater |= equal & planes[i];
                equal &= ~planes[i];
            }
        }

        return greater | equal;
    }

    /// <summary>Lanes whose count (bit planes) is at most <paramref name="threshold"/>.</summary>
    public static Vector512<ulong> AtMost(Vector512<ulong>* planes, int planeCount, long threshold)
    {
        if (threshold < 0) return Vector512<ulong>.Zero;
        if (threshold >= (1L << planeCount) - 1) return Vector512<ulong>.AllBitsSet;
        Vector512<ulong> less = Vector512<ulong>.Zero, equal = Vector512<ulong>.AllBitsSet;
        for (int i = planeCount - 1; i >= 0; i--)
        {
            if (((threshold >> i) & 1) != 0)
            {
                less |= equal & ~planes[i];
                equal &= planes[i];
            }
            else
            {
                equal &= ~planes[i];
            }
        }

        return less | equal;
    }

    /// <summary>The count of one lane, read back from the planes.</summary>
    public static int LaneCount(Vector512<ulong>* planes, int planeCount, int lane)
    {
        int count = 0;
        for (int i = 0; i < planeCount; i++) count |= (int)((planes[i].GetElement(lane >> 6) >> (lane & 63)) & 1) << i;
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Slice(ulong* slices, int bit) => Vector512.Load(slices + ((long)bit * 8));

    /// <summary>sum + 2 carry = a + b + c per lane (a full adder; the JIT turns each line into one VPTERNLOG).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c, out Vector512<ulong> carry, out Vector512<ulong> sum)
    {
        var u = a ^ b;
        carry = (a & b) | (u & c);
        sum = u ^ c;
    }

    /// <summary>Adds a one-bit vector at plane <paramref name="from"/> (a ripple-carry add of fixed depth).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ripple(Vector512<ulong>* planes, int from, int planeCount, Vector512<ulong> carry)
    {
        for (int i = from; i < planeCount; i++)
        {
            var next = planes[i] & carry;
            planes[i] ^= carry;
            carry = next;
        }
    }
}
