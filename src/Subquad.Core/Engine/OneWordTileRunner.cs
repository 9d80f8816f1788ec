using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.OneWordTiles"/>: rows of one word (l &lt;= 64). The right block's words are packed
/// contiguously (8 rows per zmm) and each 4 x 8 tile costs one AND + popcount + SAD per left row.
/// </summary>
internal sealed unsafe class OneWordTileRunner : BinaryRunner
{
    private const int C = 8;
    private readonly AlignedBuffer<ulong> _packedWords;

    public OneWordTileRunner(EngineContext context)
        : base(context) => _packedWords = new AlignedBuffer<ulong>(context.Plan.BlockRows + C);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(in BlockPairTask task, PairReducer reducer)
    {
        var c = Context;
        ulong** xs = stackalloc ulong*[T];
        int* counts = stackalloc int[T * C];
        float* rowFactor = stackalloc float[T];
        float* colFactor = stackalloc float[C];
        var filter = c.Filter(task);
        var zero = (ulong*)c.ZeroRow;
        var rowsB = c.RowsB;
        var invA = c.InverseSqrtA;
        var invB = c.InverseSqrtB;
        ulong* packed = _packedWords.Pointer;
        int width = task.EndB - task.StartB;
        for (int q = 0; q < width; q++) packed[q] = *(ulong*)rowsB[task.StartB + q];
        for (int q = width; q < width + C; q++) packed[q] = 0;

        fixed (nint* rowsA = c.RowsA)
        {
            for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
            {
                if (reducer.StopBeforeRow(p0)) return;
                int rowsHere = LeftGroup(rowsA, invA, p0, task.EndA, zero, xs, rowFactor);
                filter.Update(reducer.FilterValue);
                for (int q0 = task.Diagonal ? p0 - (p0 - task.StartB) % C : task.StartB; q0 < task.EndB; q0 += C)
                {
                    int colsHere = Math.Min(C, task.EndB - q0);
                    if (task.Diagonal && q0 + colsHere - 1 <= p0) continue;
                    for (int s = 0; s < C; s++) colFactor[s] = s < colsHere ? invB[q0 + s] : 0f;
                    BinaryInnerProducts.Tile4x8OneWordVector512(xs, packed + (q0 - task.StartB), counts);
                    if (!filter.AnyPassEight(counts, rowFactor, colFactor)) continue;
                    OfferTile(task, reducer, p0, rowsHere, q0, colsHere, counts, C, rowFactor, colFactor, ref filter);
                }
            }
        }
    }
}
