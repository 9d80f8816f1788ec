using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.Tiles"/>: 4 x 4 tiles of exact inner products from the register-tiled kernel of the variant
/// (strips of up to 16 tiles where the variant has a strip kernel), on rows read in place, each tile folded at once
/// into the worker's reducer through the <see cref="CandidateFilter"/>. Nothing larger than the counts of one strip is
/// ever stored.
/// </summary>
internal unsafe class TileRunner : BinaryRunner
{
    private readonly delegate*<ulong**, ulong**, int, int*, void> _kernel;
    private readonly delegate*<ulong**, nint*, int, int, int*, void> _strip;

    public TileRunner(EngineContext context)
        : base(context)
    {
        _kernel = BinaryInnerProducts.TileKernel(context.Variant, context.Dimensions);
        _strip = BinaryInnerProducts.StripKernel(context.Variant, context.Dimensions);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(in BlockPairTask task, PairReducer reducer)
    {
        fixed (nint* rowsA = Context.RowsA)
        fixed (nint* rowsB = Context.RowsB)
        fixed (float* invB = Context.InverseSqrtB)
            RunTiles(task, reducer, rowsA, rowsB, invB);
    }

    /// <summary>
    /// The 4 x 4 tiles of one task on position-indexed row pointers (row of position p at [p]). A full tile reads its
    /// 4 right row pointers and factors in place (no copying, no bounds checks); only the last, partial tile of a
    /// block is padded with the zero row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void RunTiles(in BlockPairTask task, PairReducer reducer, nint* rowsA, nint* rowsB, float* invBFixed)
    {
        var c = Context;
        ulong** xs = stackalloc ulong*[T];
        ulong** ys = stackalloc ulong*[T];
        int* counts = stackalloc int[T * T];
        int* stripCounts = stackalloc int[StripTiles * T * T];
        float* rowFactor = stackalloc float[T];
        float* colFactor = stackalloc float[T];
        var filter = c.Filter(task);
        int words = c.Words;
        var strip = _strip;
        var zero = (ulong*)c.ZeroRow;
        var invA = c.InverseSqrtA;
        var invB = c.InverseSqrtB;

        for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = LeftGroup(rowsA, invA, p0, task.EndA, zero, xs, rowFactor);
            filter.Update(reducer.FilterValue);
            for (int q0 = task.Diagonal ? p0 : task.StartB; q0 < task.EndB;)
            {
                int colsHere = Math.Min(T, task.EndB - q0);
                if (colsHere == T && strip != null)
                {
                    // Up to 16 full tiles of this left group in one call, then one vector filter over all of them at the
                    // bound of this moment; only the tiles it flags are visited pair by pair. Bounds only tighten
                    // (best so far, K-th best, or a fixed t), so a tile the filter skips could not pass later either.
                    int tiles = Math.Min(StripTiles, (task.EndB - q0) / T);
                    strip(xs, rowsB + q0, words, tiles, stripCounts);
                    uint flagged = filter.StripMask(stripCounts, tiles, rowFactor, invBFixed + q0);
                    while (flagged != 0)
                    {
                        int t = System.Numerics.BitOperations.TrailingZeroCount(flagged);
                        flagged &= flagged - 1;
                        OfferTile(task, reducer, p0, rowsHere, q0 + (t * T), T, stripCounts + (t * T * T), T, rowFactor, invBFixed + q0 + (t * T), ref filter);
                    }

                    q0 += tiles * T;
                    continue;
                }

                ulong** yTile = (ulong**)(rowsB + q0);
                float* colTile = invBFixed + q0;
                if (colsHere < T)
                {
                    for (int s = 0; s < T; s++)
                    {
                        ys[s] = s < colsHere ? (ulong*)rowsB[q0 + s] : zero;
                        colFactor[s] = s < colsHere ? invB[q0 + s] : 0f;
                    }

                    yTile = ys;
                    colTile = colFactor;
                }

                _kernel(xs, yTile, words, counts);
                if (filter.AnyPass(counts, rowFactor, colTile))
                {
                    OfferTile(task, reducer, p0, rowsHere, q0, colsHere, counts, T, rowFactor, colTile, ref filter);
                }

                q0 += T;
            }
        }
    }
}
