using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.Packed6Tiles"/>: rows re-encoded 6 bits per byte (<see cref="Packed6Rows"/>) as the worker
/// goes, so no encoded copy of the input is ever held: the left band once (kept while its tasks run), each task's right
/// block in tiles of 4 rows interleaved by 16-byte chunks (<see cref="Packed6Tiles"/>), counted by
/// <see cref="BinaryInnerProducts.TileStripPacked6TilesVector512"/> (one VPERMB per 96 bits and 4 pairs, one byte
/// accumulator per left row and tile) and filtered a strip at a time.
/// </summary>
internal sealed unsafe class Packed6TileRunner : BinaryRunner
{
    private readonly AlignedBuffer<ulong> _bufferA;
    private readonly nint[] _encodedA;
    private int _encodedBand = -1;
    private readonly int _chunks;
    private readonly AlignedBuffer<ulong> _tilesB;

    /// <summary>One right row between encoding and scattering its chunks into the tiles.</summary>
    private readonly AlignedBuffer<ulong> _scratch;

    public Packed6TileRunner(EngineContext context)
        : base(context)
    {
        // No more rows than a side has (issue 17: a 1 x 1 query of 1.6 MB rows staged 64-row blocks, 200 MB a worker).
        int rowsA = Math.Min(context.Plan.BlockRows, Math.Max(1, context.CountA));
        int rowsB = Math.Min(context.Plan.BlockRows, Math.Max(1, context.CountB));
        (_bufferA, _encodedA) = RowBuffer(rowsA, context.Words);
        _chunks = Packed6Tiles.ChunksFor(context.Dimensions);
        _tilesB = new AlignedBuffer<ulong>(Packed6Tiles.WordsFor(rowsB, _chunks));
        _scratch = new AlignedBuffer<ulong>(context.Words);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(in BlockPairTask task, PairReducer reducer)
    {
        if (_encodedBand != task.BandA)
        {
            Stage(Context.RowsA, task.StartA, task.EndA, _encodedA, packed6: true);
            _encodedBand = task.BandA;
        }

        BuildTiles(task);
        fixed (nint* encodedA = _encodedA)
        fixed (float* invB = Context.InverseSqrtB)
            RunPacked6Tiles(task, reducer, encodedA - task.StartA, invB);
        GC.KeepAlive(_bufferA);
    }

    /// <summary>
    /// Lays the task's right rows out in <see cref="Packed6Tiles"/> (the last tile padded with zero rows). A diagonal
    /// task's right block is its left band, already encoded; other blocks are encoded row by row through the scratch
    /// row. O(B l) per task of O(B^2 l) work.
    /// </summary>
    private void BuildTiles(in BlockPairTask task)
    {
        var c = Context;
        ulong* tiles = _tilesB.Pointer;
        ulong* scratch = _scratch.Pointer;
        int tileWords = _chunks * Packed6Tiles.WordsPerChunkGroup;
        int rows = task.EndB - task.StartB;
        for (int i = 0; i < rows; i++)
        {
            ulong* encoded;
            if (task.Diagonal)
            {
                encoded = (ulong*)_encodedA[i];
            }
            else
            {
                int q = task.StartB + i;
                if (q + Lookahead < task.EndB) Prefetch(c.RowsB[q + Lookahead], c.RawWords);
                Packed6Rows.EncodeVector512((ulong*)c.RowsB[q], c.RawWords, c.Dimensions, scratch);
                encoded = scratch;
            }

            Packed6Tiles.Store(encoded, _chunks, tiles + ((long)(i / T) * tileWords), i % T);
        }

        for (int i = rows; i % T != 0; i++) Packed6Tiles.Store(null, _chunks, tiles + ((long)(i / T) * tileWords), i % T);
    }

    /// <summary>
    /// The tiles of one task: for each group of 4 left rows, strips of up to 16 right tiles, then the strip filter as
    /// in <see cref="TileRunner"/>. The last tile of a block may hold zero padding rows; their column factors are the
    /// zero padding of <see cref="EngineContext.InverseSqrtB"/>, and <see cref="BinaryRunner.OfferTile"/> never offers them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPacked6Tiles(in BlockPairTask task, PairReducer reducer, nint* rowsA, float* invB)
    {
        var c = Context;
        ulong** xs = stackalloc ulong*[T];
        int* stripCounts = stackalloc int[StripTiles * T * T];
        float* rowFactor = stackalloc float[T];
        var filter = c.Filter(task);
        var zero = (ulong*)c.ZeroRow;
        int chunks = _chunks, tileWords = chunks * Packed6Tiles.WordsPerChunkGroup;
        int tileCount = (task.EndB - task.StartB + T - 1) / T;
        ulong* tiles = _tilesB.Pointer;
        for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = LeftGroup(rowsA, c.InverseSqrtA, p0, task.EndA, zero, xs, rowFactor);
            filter.Update(reducer.FilterValue);

            // On a diagonal task the left group's own tile is the first with pairs p < q (blocks start on a tile).
            for (int t0 = task.Diagonal ? (p0 - task.StartB) / T : 0; t0 < tileCount; t0 += StripTiles)
            {
                int count = Math.Min(StripTiles, tileCount - t0);
                BinaryInnerProducts.TileStripPacked6TilesVector512(xs, tiles + ((long)t0 * tileWords), chunks, count, stripCounts);
                int q0 = task.StartB + (t0 * T);
                uint flagged = filter.StripMask(stripCounts, count, rowFactor, invB + q0);
                while (flagged != 0)
                {
                    int t = System.Numerics.BitOperations.TrailingZeroCount(flagged);
                    flagged &= flagged - 1;
                    int qt = q0 + (t * T);
                    OfferTile(task, reducer, p0, rowsHere, qt, Math.Min(T, task.EndB - qt), stripCounts + (t * T * T), T, rowFactor, invB + qt, ref filter);
                }
            }
        }
    }
}
