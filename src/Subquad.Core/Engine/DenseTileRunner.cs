using System.Numerics.Tensors;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// Runs one block-pair task on dense rows: packs the right block into 32-row panels and each 8-row strip of the left
/// block (unit rows for cosine), computes 8 x 32 float32 tiles with the FMA kernel, and re-scores in float64 every
/// pair whose float32 value lies within the proven error bound (<see cref="DenseErrorBound"/>) of the reducer's
/// bound. Per worker: one packed block, one strip and one tile, never a score matrix.
/// </summary>
internal sealed unsafe class DenseTileRunner
{
    private const int Sr = DenseInnerProducts.StripRows;
    private const int Pr = DenseInnerProducts.PanelRows;
    private readonly EngineContext _context;
    private readonly delegate*<float*, float*, int, float*, void> _kernel;
    private readonly AlignedBuffer<float> _panels;
    private readonly AlignedBuffer<float> _strip;
    private readonly AlignedBuffer<float> _tile;

    public DenseTileRunner(EngineContext context)
    {
        _context = context;
        _kernel = DenseInnerProducts.TileKernel(context.Variant);
        int d = Math.Max(1, context.Dimensions);
        int panelsPerBlock = (context.Plan.BlockRows + Pr - 1) / Pr;
        _panels = new AlignedBuffer<float>((long)panelsPerBlock * Pr * d);
        _strip = new AlignedBuffer<float>((long)Sr * d);
        _tile = new AlignedBuffer<float>(Sr * Pr);
    }

    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        var c = _context;
        int d = c.Dimensions;
        var a = c.DenseA!;
        var b = c.DenseB!;
        bool maximise = c.Maximise;
        double error = c.DenseError(task);
        float* panels = _panels.Pointer;
        float* strip = _strip.Pointer;
        float* tile = _tile.Pointer;
        var tileSpan = new ReadOnlySpan<float>(tile, Sr * Pr);

        int panelCount = (task.EndB - task.StartB + Pr - 1) / Pr;
        for (int pn = 0; pn < panelCount; pn++)
        {
            int q0 = task.StartB + pn * Pr;
            int cols = Math.Min(Pr, task.EndB - q0);
            DenseInnerProducts.Pack(b.Pointer, b.Stride, d, c.OrderB.AsSpan(q0, cols), c.Cosine ? c.NormsB.AsSpan(q0, cols) : default, Pr, panels + (long)pn * Pr * d);
        }

        for (int p0 = task.StartA; p0 < task.EndA; p0 += Sr)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = Math.Min(Sr, task.EndA - p0);
            DenseInnerProducts.Pack(a.Pointer, a.Stride, d, c.OrderA.AsSpan(p0, rowsHere), c.Cosine ? c.NormsA.AsSpan(p0, rowsHere) : default, Sr, strip);
            float bound = Threshold(reducer.FilterValue, error, maximise);
            for (int pn = 0; pn < panelCount; pn++)
            {
                int q0 = task.StartB + pn * Pr;
                int cols = Math.Min(Pr, task.EndB - q0);
                if (task.Diagonal && q0 + cols - 1 <= p0) continue;
                _kernel(strip, panels + (long)pn * Pr * d, d, tile);

                // One vector pass rules out the whole tile; NaN (float32 overflow) never rules anything out.
                if (maximise ? TensorPrimitives.Max(tileSpan) < bound : TensorPrimitives.Min(tileSpan) > bound) continue;

                for (int r = 0; r < rowsHere; r++)
                {
                    for (int s = 0; s < cols; s++)
                    {
                        int p = p0 + r, q = q0 + s;
                        if (task.Diagonal && q <= p) continue;
                        float value = tile[r * Pr + s];
                        if (maximise ? value < bound : value > bound) continue;
                        var (i, j) = c.Original(p, q);
                        reducer.Offer(i, j, c.DenseScore(i, j));
                        bound = Threshold(reducer.FilterValue, error, maximise);
                    }
                }
            }
        }
    }

    /// <summary>L - E (maximising) or L + E, rounded outward to float32 so the comparison stays conservative.</summary>
    private static float Threshold(double bound, double error, bool maximise)
    {
        double edge = maximise ? bound - error : bound + error;
        if (double.IsNaN(edge)) return maximise ? float.NegativeInfinity : float.PositiveInfinity;
        float rounded = (float)edge;
        if (maximise && rounded > edge) rounded = MathF.BitDecrement(rounded);
        if (!maximise && rounded < edge) rounded = MathF.BitIncrement(rounded);
        return rounded;
    }
}
