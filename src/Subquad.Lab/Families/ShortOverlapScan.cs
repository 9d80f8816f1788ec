using System.Numerics;
using System.Runtime.CompilerServices;

namespace Subquad.Lab.Families;

/// <summary>
/// The planted family's margin repair asks, for a row a, which later rows b share fewer than <c>margin</c> ones with it.
/// Almost every pair passes, so the repair is a scan for the next failing partner: at n = 16,384 it is 1.3 x 10^8
/// pairs per pass and was most of a planted cell's time (445 of 585 CPU-seconds at n = 8,192, with a span sliced per
/// row and per pair). <see cref="Next"/> answers it with one AND and one POPCNT per pair on a flat array when a row is
/// one word, l &lt;= 64, as at every default size (0.65 ns a pair on this machine; a four-way unrolled form with a
/// min-reduction measured 3.6 ns; .NET 10 has no VPOPCNTQ to go wider, see KernelDispatch). <see cref="NextReference"/>
/// is the plain loop over any row width it is tested equal to.
/// The scan only finds the partner; the caller repairs it in the same pair order as before, so the instances (and
/// the duel's seeds) are unchanged.
/// </summary>
internal static class ShortOverlapScan
{
    /// <summary>
    /// The first b in [<paramref name="from"/>, <paramref name="to"/>) whose row shares fewer than
    /// <paramref name="margin"/> ones with row <paramref name="a"/>, or <paramref name="to"/> if none. The rows are
    /// <paramref name="words"/> words each, contiguous.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Next(ReadOnlySpan<ulong> rows, int words, int a, int from, int to, int margin)
    {
        if (words != 1) return NextReference(rows, words, a, from, to, margin);
        ulong ra = rows[a];
        int b = from;
        for (; b < to; b++)
        {
            if (BitOperations.PopCount(ra & rows[b]) < margin) return b;
        }

        return to;
    }

    /// <summary>Scalar reference of <see cref="Next"/>, any row width.</summary>
    public static int NextReference(ReadOnlySpan<ulong> rows, int words, int a, int from, int to, int margin)
    {
        var ra = rows.Slice(a * words, words);
        for (int b = from; b < to; b++)
        {
            if (ConstantWeightRows.InnerProduct(ra, rows.Slice(b * words, words)) < margin) return b;
        }

        return to;
    }
}
