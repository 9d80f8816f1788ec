using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.DenseInt8"/>: tasks screened with int8 inner products. The band is quantized into 24-row
/// int8 panels once per band (<see cref="Int8Band"/>), each task's right block into unsigned rows (or read from the
/// solve's one-off copy, <see cref="QuantizedRows"/>), and a 4 x 24 VPDPBUSD tile (about 3x the float32 tile's
/// multiply-adds per second) gives s_x s_y q_x.q_y, within <see cref="DenseErrorBound.Int8Cosine"/> /
/// <see cref="DenseErrorBound.Int8InnerProduct"/> of the oracle's score, so the same re-scoring in float64 keeps the
/// answer bit-identical.
/// </summary>
/// <remarks>
/// Part of the path, by design and per task: a task whose rows do not quantize (magnitudes beyond 2^+-50) or whose
/// bound exceeds <see cref="MaxScreenError"/> runs the float32 tiles (<see cref="DenseFloat32Runner"/>), and so does
/// the rest of a worker's work once the screen passes too many pairs (<see cref="RetireFraction"/>). The answer is the
/// same either way; only the cost differs.
/// </remarks>
internal sealed unsafe class DenseInt8Runner : ITileRunner
{
    private const int Qr = Int8Rows.PanelRows;
    private const int Qs = DenseInnerProducts.Int8TileRows;

    /// <summary>Right tiles per int8 strip call (128 rows; 12 KiB of counts).</summary>
    private const int Int8StripTiles = 32;
    /// <summary>
    /// When more than this fraction of the pairs screened so far in a task (and more than
    /// <see cref="RetireMinimum"/>) pass the int8 screen, the screen retires for this worker: the rest of the task
    /// and its later tasks run the float32 path. On rows whose scores crowd within the quantization bound of the best
    /// (near duplicates, measured: 20,000 rows of one direction plus 1% noise) nearly every pair is a candidate, and a
    /// candidate costs a float32 dot product and often a float64 re-scoring: whole tasks screened that way ran 1.3-1.8x
    /// slower than float32.
    /// </summary>
    private const double RetireFraction = 1.0 / 64;

    /// <summary>Candidates a task may have before <see cref="RetireFraction"/> is applied.</summary>
    private const int RetireMinimum = 4096;

    /// <summary>
    /// The largest screen error bound (cosine units, or relative to the largest norm product for inner products) at
    /// which a task is screened in int8; beyond it the float32 path is cheaper than re-scoring the extra candidates.
    /// Random Gaussian rows at d = 256 give about 0.016.
    /// </summary>
    private const double MaxScreenError = 0.1;

    private readonly EngineContext _context;
    private readonly DenseFloat32Runner _float;
    private readonly int _paddedLength;
    private readonly Int8Band _band;
    private readonly AlignedBuffer<byte> _int8Rows;
    private readonly AlignedBuffer<int> _int8Tile;
    private readonly float[] _rowFactors;
    private bool _int8Retired;

    public DenseInt8Runner(EngineContext context)
    {
        _context = context;
        _float = new DenseFloat32Runner(context);
        int rows = context.Plan.BlockRows;
        _paddedLength = Int8Rows.PaddedLength(Math.Max(1, context.Dimensions));
        _band = new Int8Band(rows, _paddedLength);
        _int8Rows = new AlignedBuffer<byte>((long)(rows + Qs) * _paddedLength); // + a last tile's padding rows
        _int8Tile = new AlignedBuffer<int>(Int8StripTiles * Qs * Qr);
        _rowFactors = new float[rows + Qs];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        if (!_int8Retired && RunInt8(task, reducer)) return;
        _float.Run(task, reducer);
    }

    /// <summary>The int8 screen of one task. Returns false, having offered nothing, when the task must run in float32 instead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool RunInt8(in BlockPairTask task, PairReducer reducer)
    {
        var c = _context;
        int length = _paddedLength;
        byte* rowBytes = _int8Rows.Pointer;

        // The band's rows pass through the first right-row slot (free until the block is quantized below).
        _band.Load(c, task, length, rowBytes);
        if (!_band.Stats.Ok) return false;
        Int8Stats blockStats;
        byte* blockRows;
        if (c.QuantizedB is { } shared)
        {
            blockStats = shared.Stats(task.BandB);
            blockRows = shared.Row(task.StartB);
            fixed (float* factors = shared.Factors) return blockStats.Ok && RunInt8Checked(task, reducer, blockStats, blockRows, factors + task.StartB);
        }

        blockStats = Int8Stats.Empty;
        blockRows = rowBytes;
        for (int q = task.StartB; q < task.EndB; q++)
        {
            (_rowFactors[q - task.StartB], _) = QuantizedRows.Quantize(c, c.DenseB!, c.OrderB, c.NormsB, q, rowBytes + ((long)(q - task.StartB) * length), 0x80, ref blockStats);
        }

        if (!blockStats.Ok) return false;

        // The last tile's missing rows: q = 0 (bytes 128) with factor 0, so they score 0 and are never offered.
        for (int q = task.EndB - task.StartB; q % Qs != 0; q++)
        {
            new Span<byte>(rowBytes + ((long)q * length), length).Fill(128);
            _rowFactors[q] = 0f;
        }

        fixed (float* factors = _rowFactors) return RunInt8Checked(task, reducer, blockStats, blockRows, factors);
    }

    /// <summary>
    /// The screen's bound for the task from the band's and the block's stats; false (nothing done) when it exceeds
    /// <see cref="MaxScreenError"/>; else the task's tiles, finishing in float32 if the screen retires midway.
    /// </summary>
    private bool RunInt8Checked(in BlockPairTask task, PairReducer reducer, Int8Stats blockStats, byte* blockRows, float* rowFactors)
    {
        var c = _context;
        double error = c.Cosine
            ? DenseErrorBound.Int8Cosine(c.Dimensions, _band.Stats.Rho, blockStats.Rho)
            : DenseErrorBound.Int8InnerProduct(c.Dimensions, _band.Stats.Norm, _band.Stats.Error, blockStats.Norm, blockStats.Error);
        double scale = c.Cosine ? 1.0 : _band.Stats.Norm * blockStats.Norm;
        if (!(error <= MaxScreenError * scale)) return false;
        int resume = RunInt8Tiles(task, reducer, error, blockRows, rowFactors);
        if (resume < task.EndA)
        {
            // Retired mid-task: the rest of the band runs in float32 (see DenseFloat32Runner.RunRest).
            _int8Retired = true;
            _float.RunRest(task with { StartA = resume }, reducer);
        }

        return true;
    }

    /// <summary>
    /// The 4 x 24 int8 tiles of one task, each filtered at the reducer's bound widened by the screen's bound. A pair
    /// that passes is confirmed in float32 (a vector dot product, within <see cref="DenseErrorBound.Cosine"/> /
    /// <see cref="DenseErrorBound.InnerProduct"/> like the float32 tile) before the float64 re-scoring, so a crowd of
    /// candidates costs a float32 dot product each, not a float64 one. Returns <c>task.EndA</c> when the task is done,
    /// or the left position to resume from in float32 when the screen retired (<see cref="RetireFraction"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RunInt8Tiles(in BlockPairTask task, PairReducer reducer, double error, byte* rowBytes, float* rowFactors)
    {
        var c = _context;
        int length = _paddedLength, groups = length / 4;
        bool maximise = c.Maximise;
        sbyte* panels = _band.Panels.Pointer;
        int* strip = _int8Tile.Pointer;
        int panelCount = (task.EndA - task.StartA + Qr - 1) / Qr;
        double floatError = c.DenseError(task);
        var a = c.DenseA!;
        var b = c.DenseB!;
        long candidates = 0, screened = 0;
        fixed (float* panelFactors = _band.Factors)
        fixed (int* panelInit = _band.Init)
        {
            for (int pn = 0; pn < panelCount; pn++)
            {
                int p0 = task.StartA + (pn * Qr);
                if (reducer.StopBeforeRow(p0)) return task.EndA;
                if (candidates > RetireMinimum && candidates > screened * RetireFraction) return p0;
                int cols = Math.Min(Qr, task.EndA - p0);
                float* columnFactor = panelFactors + (pn * Qr);
                sbyte* panel = panels + ((long)pn * Qr * length);
                float bound = DenseFilter.Threshold(reducer.FilterValue, error, maximise);
                float floatBound = DenseFilter.Threshold(reducer.FilterValue, floatError, maximise);
                // On a diagonal task (StartA == StartB, panels start on multiples of 4 from it) the tile at p0 is the
                // first with pairs q > p. Strips of up to Int8StripTiles tiles per kernel call, then the filter per tile at
                // the bound of this moment (bounds only tighten).
                for (int s0 = task.Diagonal ? p0 : task.StartB; s0 < task.EndB; s0 += Int8StripTiles * Qs)
                {
                    int tiles = Math.Min(Int8StripTiles, (task.EndB - s0 + Qs - 1) / Qs);
                    DenseInnerProducts.Strip4x24Int8Vnni(rowBytes + ((long)(s0 - task.StartB) * length), length, tiles, panel, panelInit + (pn * Qr), strip);
                    screened += (long)tiles * Qs * Qr;
                    for (int t = 0; t < tiles; t++)
                    {
                        int q0 = s0 + (t * Qs);
                        int* tile = strip + (t * Qs * Qr);
                        float* rowFactor = rowFactors + (q0 - task.StartB);
                        if (!float.IsInfinity(bound) && !DenseFilter.AnyPassInt8(tile, rowFactor, columnFactor, bound, maximise)) continue;
                        int rowsHere = Math.Min(Qs, task.EndB - q0);
                        for (int r = 0; r < rowsHere; r++)
                        {
                            for (int s = 0; s < cols; s++)
                            {
                                int p = p0 + s, q = q0 + r;
                                if (task.Diagonal && q <= p) continue;
                                float value = (float)tile[(r * Qr) + s] * columnFactor[s] * rowFactor[r];
                                if (maximise ? value < bound : value > bound) continue;
                                candidates++;
                                var x = new ReadOnlySpan<float>(a.Pointer + ((long)c.OrderA[p] * a.Stride), a.Stride);
                                var y = new ReadOnlySpan<float>(b.Pointer + ((long)c.OrderB[q] * b.Stride), b.Stride);
                                float confirm = TensorPrimitives.Dot(x, y) * c.ScaleA[p] * c.ScaleB[q];
                                if (maximise ? confirm < floatBound : confirm > floatBound) continue; // NaN passes
                                var (i, j) = c.Original(p, q);
                                reducer.Offer(i, j, c.DenseScore(i, j));
                                bound = DenseFilter.Threshold(reducer.FilterValue, error, maximise);
                                floatBound = DenseFilter.Threshold(reducer.FilterValue, floatError, maximise);
                            }
                        }
                    }
                }
            }
        }

        return task.EndA;
    }
}
