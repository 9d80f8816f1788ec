using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.DenseFloat32"/>: the left block (a row band) is packed into 32-row panels once per band and
/// reused by every task of that band this worker runs; right rows are read in place, 8 at a time. Each 8 x 32 float32
/// tile is scaled to cosines (1/||x|| 1/||y||) when needed and every pair within the proven error bound
/// (<see cref="DenseErrorBound"/>) of the reducer's bound is re-scored in float64. Per worker: one packed band and one
/// tile, never a score matrix.
/// </summary>
internal sealed unsafe class DenseFloat32Runner : ITileRunner
{
    private const int Sr = DenseInnerProducts.StripRows;
    private const int Pr = DenseInnerProducts.PanelRows;
    private readonly EngineContext _context;
    private readonly delegate*<float**, float*, int, float*, void> _kernel;
    private readonly AlignedBuffer<float> _panels;
    private readonly AlignedBuffer<float> _tile;
    private readonly AlignedBuffer<float> _zeroRow;
    private int _packedBand = -1;

    public DenseFloat32Runner(EngineContext context)
    {
        _context = context;
        _kernel = DenseInnerProducts.TileKernel(context.Variant);
        int d = Math.Max(1, context.Dimensions);
        int panelsPerBlock = (context.Plan.BlockRows + Pr - 1) / Pr;
        _panels = new AlignedBuffer<float>((long)panelsPerBlock * Pr * d);
        _tile = new AlignedBuffer<float>(Sr * Pr);
        _zeroRow = new AlignedBuffer<float>(d);
    }

    /// <summary>
    /// Runs the left rows from <paramref name="task"/>.StartA of a task whose band may already be packed from its start
    /// (the int8 screen retiring midway): the packed band is forgotten before and after.
    /// </summary>
    public void RunRest(in BlockPairTask task, PairReducer reducer)
    {
        _packedBand = -1;
        Run(task, reducer);
        _packedBand = -1;
    }

    /// <summary>8 x 32 FMA tiles, candidates within <see cref="DenseErrorBound.Cosine"/> / <see cref="DenseErrorBound.InnerProduct"/> re-scored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        var c = _context;
        int d = c.Dimensions;
        var a = c.DenseA!;
        var b = c.DenseB!;
        bool maximise = c.Maximise;
        double error = c.DenseError(task);
        float* panels = _panels.Pointer;
        float* tile = _tile.Pointer;
        float** rows = stackalloc float*[Sr];
        float* columnScale = stackalloc float[Pr];
        float* rowScale = stackalloc float[Sr];
        float* zero = _zeroRow.Pointer;

        int panelCount = (task.EndA - task.StartA + Pr - 1) / Pr;
        if (_packedBand != task.BandA)
        {
            for (int pn = 0; pn < panelCount; pn++)
            {
                int p0 = task.StartA + pn * Pr;
                DenseInnerProducts.PackPanel(a.Pointer, a.Stride, d, c.OrderA.AsSpan(p0, Math.Min(Pr, task.EndA - p0)), panels + (long)pn * Pr * d);
            }

            _packedBand = task.BandA;
        }

        for (int pn = 0; pn < panelCount; pn++)
        {
            int p0 = task.StartA + pn * Pr;
            if (reducer.StopBeforeRow(p0)) return;
            int cols = Math.Min(Pr, task.EndA - p0);
            for (int s = 0; s < Pr; s++) columnScale[s] = s < cols ? c.ScaleA[p0 + s] : 0f;
            float* panel = panels + (long)pn * Pr * d;
            float bound = DenseFilter.Threshold(reducer.FilterValue, error, maximise);
            for (int q0 = task.Diagonal ? p0 - p0 % Sr : task.StartB; q0 < task.EndB; q0 += Sr)
            {
                int rowsHere = Math.Min(Sr, task.EndB - q0);
                if (task.Diagonal && q0 + rowsHere - 1 <= p0) continue;
                for (int r = 0; r < Sr; r++)
                {
                    rows[r] = r < rowsHere ? b.Pointer + (long)c.OrderB[q0 + r] * b.Stride : zero;
                    rowScale[r] = r < rowsHere ? c.ScaleB[q0 + r] : 0f;
                }

                _kernel(rows, panel, d, tile);
                if (!float.IsInfinity(bound) && !DenseFilter.AnyPass(tile, rowScale, columnScale, bound, maximise)) continue;

                for (int r = 0; r < rowsHere; r++)
                {
                    for (int s = 0; s < cols; s++)
                    {
                        int p = p0 + s, q = q0 + r;
                        if (task.Diagonal && q <= p) continue;
                        float value = tile[r * Pr + s] * columnScale[s] * rowScale[r];
                        if (maximise ? value < bound : value > bound) continue; // NaN passes
                        var (i, j) = c.Original(p, q);
                        reducer.Offer(i, j, c.DenseScore(i, j));
                        bound = DenseFilter.Threshold(reducer.FilterValue, error, maximise);
                    }
                }
            }
        }
    }
}
