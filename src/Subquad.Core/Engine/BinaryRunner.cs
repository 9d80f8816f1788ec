using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// What the binary runners share: the 4-row left group, the exact test and offer of a flagged tile's pairs, and the
/// staging of rows into a worker's contiguous buffers. Each path is one subclass (<see cref="EnginePath"/>).
/// </summary>
internal abstract unsafe class BinaryRunner : ITileRunner
{
    /// <summary>Rows of the left and right set per tile.</summary>
    protected const int T = BinaryInnerProducts.TileRows;

    /// <summary>Full tiles per strip call (<see cref="BinaryInnerProducts.StripKernel"/>): 16 tiles, 1 KiB of counts on the stack.</summary>
    protected const int StripTiles = 16;

    /// <summary>Rows staged ahead of the one being copied: sorted rows are scattered, so the hardware prefetcher cannot guess the next one.</summary>
    protected const int Lookahead = 8;

    protected BinaryRunner(EngineContext context) => Context = context;

    protected EngineContext Context { get; }

    /// <inheritdoc/>
    public abstract void Run(in BlockPairTask task, PairReducer reducer);

    /// <summary>A buffer of <paramref name="rows"/> rows of <paramref name="words"/> words, and a pointer to each row.</summary>
    protected static (AlignedBuffer<ulong> Buffer, nint[] Rows) RowBuffer(int rows, int words)
    {
        var buffer = new AlignedBuffer<ulong>((long)rows * words);
        var pointers = new nint[rows];
        for (int r = 0; r < rows; r++) pointers[r] = (nint)(buffer.Pointer + ((long)r * words));
        return (buffer, pointers);
    }

    /// <summary>
    /// Stages the rows of positions [start, end) into the buffers behind <paramref name="destination"/>: encoded
    /// 6 bits per byte (<see cref="Packed6Rows"/>) or copied as they are. O(B l) per task of O(B^2 l) work.
    /// </summary>
    protected void Stage(nint[] rows, int start, int end, nint[] destination, bool packed6)
    {
        var c = Context;
        for (int p = start; p < end; p++)
        {
            if (p + Lookahead < end) Prefetch(rows[p + Lookahead], c.RawWords);
            if (packed6) Packed6Rows.EncodeVector512((ulong*)rows[p], c.RawWords, c.Dimensions, (ulong*)destination[p - start]);
            else Buffer.MemoryCopy((void*)rows[p], (void*)destination[p - start], (long)c.RawWords * sizeof(ulong), (long)c.RawWords * sizeof(ulong));
        }
    }

    /// <summary>Prefetches every cache line of a row (a hint: no effect on results).</summary>
    protected static void Prefetch(nint row, int words)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int w = 0; w < words; w += 8) System.Runtime.Intrinsics.X86.Sse.Prefetch0((void*)(row + (w * sizeof(ulong))));
    }

    /// <summary>
    /// Points <paramref name="xs"/> at the (up to) 4 left rows from position <paramref name="p0"/> and loads their
    /// 1/sqrt weights; missing rows are the zero row with factor 0. Returns how many rows are real.
    /// </summary>
    protected static int LeftGroup(nint* rowsA, float[] invA, int p0, int end, ulong* zero, ulong** xs, float* rowFactor)
    {
        int rowsHere = Math.Min(T, end - p0);
        for (int r = 0; r < T; r++)
        {
            xs[r] = r < rowsHere ? (ulong*)rowsA[p0 + r] : zero;
            rowFactor[r] = r < rowsHere ? invA[p0 + r] : 0f;
        }

        return rowsHere;
    }

    /// <summary>
    /// The pairs of one flagged tile (counts at <c>tileCounts[r * stride + s]</c>: 4 for the 4 x 4 tiles, 8 for the
    /// one-word tile), each tested exactly at the current bound and offered to the reducer; the filter follows the
    /// reducer's bound as it tightens.
    /// </summary>
    protected void OfferTile(
        in BlockPairTask task, PairReducer reducer, int p0, int rowsHere, int q0, int colsHere, int* tileCounts, int stride, float* rowFactor, float* colTile, ref CandidateFilter filter)
    {
        var c = Context;
        for (int r = 0; r < rowsHere; r++)
        {
            for (int s = 0; s < colsHere; s++)
            {
                int p = p0 + r, q = q0 + s;
                if (task.Diagonal && q <= p) continue;
                int count = tileCounts[(r * stride) + s];
                if (!filter.Passes(count, rowFactor[r] * colTile[s])) continue;
                var (i, j) = c.Original(p, q);
                reducer.Offer(i, j, c.BinaryScore(i, j, count));
                filter.Update(reducer.FilterValue);
            }
        }
    }
}
