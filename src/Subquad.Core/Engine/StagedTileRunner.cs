using System.Runtime.CompilerServices;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.StagedTiles"/>: the tiles of <see cref="TileRunner"/> on rows copied contiguously, the
/// worker's left band once (kept while its tasks run) and each task's right block. Chosen where rows are sorted for
/// pruning: their pointers then jump across the input, and 4 rows per tile from 4 pages cost DTLB misses (MSD at
/// n = 65,536, l = 256 ran 1.8x slower sorted than in identity order before staging).
/// </summary>
internal sealed unsafe class StagedTileRunner : TileRunner
{
    private readonly AlignedBuffer<ulong> _bufferA;
    private readonly AlignedBuffer<ulong> _bufferB;
    private readonly nint[] _stagedA;
    private readonly nint[] _stagedB;
    private int _stagedBand = -1;

    public StagedTileRunner(EngineContext context)
        : base(context)
    {
        // No more rows than a side has (issue 17: a 1 x 1 query of 1.6 MB rows staged 64-row blocks, 200 MB a worker).
        (_bufferA, _stagedA) = RowBuffer(Math.Min(context.Plan.BlockRows, Math.Max(1, context.CountA)), context.Words);
        (_bufferB, _stagedB) = RowBuffer(Math.Min(context.Plan.BlockRows, Math.Max(1, context.CountB)), context.Words);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(in BlockPairTask task, PairReducer reducer)
    {
        if (_stagedBand != task.BandA)
        {
            Stage(Context.RowsA, task.StartA, task.EndA, _stagedA, packed6: false);
            _stagedBand = task.BandA;
        }

        // A diagonal task's right block is its left band.
        if (!task.Diagonal) Stage(Context.RowsB, task.StartB, task.EndB, _stagedB, packed6: false);
        fixed (nint* stagedA = _stagedA)
        fixed (nint* stagedB = _stagedB)
        fixed (float* invB = Context.InverseSqrtB)
        {
            // Position-indexed views: row pointer of position p at [p].
            nint* rowsA = stagedA - task.StartA;
            nint* rowsB = task.Diagonal ? rowsA : stagedB - task.StartB;
            RunTiles(task, reducer, rowsA, rowsB, invB);
        }

        GC.KeepAlive(_bufferA);
        GC.KeepAlive(_bufferB);
    }
}
