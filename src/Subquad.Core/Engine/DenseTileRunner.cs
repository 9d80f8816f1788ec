using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// Runs one block-pair task on dense rows: the left block (a row band) is packed into 32-row panels once per band and
/// reused by every task of that band this worker runs; right rows are read in place, 8 at a time. Each 8 x 32 float32
/// tile is scaled to cosines (1/||x|| 1/||y||) when needed and every pair within the proven error bound
/// (<see cref="DenseErrorBound"/>) of the reducer's bound is re-scored in float64. Per worker: one packed band and one
/// tile, never a score matrix.
/// </summary>
/// <remarks>
/// Where <see cref="DenseInnerProducts.UsesInt8Screen"/> holds, tasks are screened with int8 inner products instead
/// (<see cref="RunInt8"/>): the band is quantized into 24-row int8 panels once per band, each task's right block into
/// unsigned rows, and a 4 x 24 VPDPBUSD tile (about 3x the float32 tile's multiply-adds per second) gives
/// s_x s_y q_x.q_y, within <see cref="DenseErrorBound.Int8Cosine"/> / <see cref="DenseErrorBound.Int8InnerProduct"/>
/// of the oracle's score, so the same re-scoring in float64 keeps the answer bit-identical. A task whose rows do not
/// quantize (magnitudes beyond 2^+-50) or whose bound exceeds <see cref="MaxScreenError"/> runs the float32 path.
/// </remarks>
internal sealed unsafe class DenseTileRunner : ITileRunner
{
    private const int Sr = DenseInnerProducts.StripRows;
    private const int Pr = DenseInnerProducts.PanelRows;
    private readonly EngineContext _context;
    private readonly delegate*<float**, float*, int, float*, void> _kernel;
    private readonly AlignedBuffer<float> _panels;
    private readonly AlignedBuffer<float> _tile;
    private readonly AlignedBuffer<float> _zeroRow;
    private int _packedBand = -1;

    // The int8 screen (null / empty where it is not used).
    private const int Qr = Int8Rows.PanelRows;
    private const int Qs = DenseInnerProducts.Int8TileRows;

    /// <summary>Right tiles per int8 strip call (128 rows; 12 KiB of counts).</summary>
    private const int Int8StripTiles = 32;
    private readonly bool _int8;
    private readonly int _paddedLength;
    private readonly AlignedBuffer<sbyte>? _int8Panels;
    private readonly AlignedBuffer<byte>? _int8Rows;
    private readonly AlignedBuffer<int>? _int8Tile;
    private readonly float[] _panelFactors = [];
    private readonly int[] _panelInit = [];
    private readonly float[] _rowFactors = [];
    private int _int8Band = -1;
    private Int8Stats _bandStats;
    private bool _int8Retired;

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

    public DenseTileRunner(EngineContext context)
    {
        _context = context;
        _kernel = DenseInnerProducts.TileKernel(context.Variant);
        int d = Math.Max(1, context.Dimensions);
        int panelsPerBlock = (context.Plan.BlockRows + Pr - 1) / Pr;
        _panels = new AlignedBuffer<float>((long)panelsPerBlock * Pr * d);
        _tile = new AlignedBuffer<float>(Sr * Pr);
        _zeroRow = new AlignedBuffer<float>(d);
        _int8 = DenseInnerProducts.UsesInt8Screen(context.Variant, context.Dimensions);
        if (_int8)
        {
            int rows = context.Plan.BlockRows;
            int int8Panels = (rows + Qr - 1) / Qr;
            _paddedLength = Int8Rows.PaddedLength(d);
            _int8Panels = new AlignedBuffer<sbyte>((long)int8Panels * Qr * _paddedLength);
            _int8Rows = new AlignedBuffer<byte>((long)(rows + Qs) * _paddedLength); // + a last tile's padding rows
            _int8Tile = new AlignedBuffer<int>(Int8StripTiles * Qs * Qr);
            _panelFactors = new float[int8Panels * Qr];
            _panelInit = new int[int8Panels * Qr];
            _rowFactors = new float[rows + Qs];
        }
    }

    // Full optimisation from the first call: tier-0 code with on-stack replacement made the first solve 2x slower (measured).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        if (_int8 && !_int8Retired && RunInt8(task, reducer)) return;
        RunFloat(task, reducer);
    }

    /// <summary>The float32 path: 8 x 32 FMA tiles, candidates within <see cref="DenseErrorBound.Cosine"/> re-scored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunFloat(in BlockPairTask task, PairReducer reducer)
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
            float bound = Threshold(reducer.FilterValue, error, maximise);
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
                if (!float.IsInfinity(bound) && !AnyPass(tile, rowScale, columnScale, bound, maximise)) continue;

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
                        bound = Threshold(reducer.FilterValue, error, maximise);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The int8 screen of one task (see the class remarks). Returns false, having offered nothing, when the task must
    /// run in float32 instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool RunInt8(in BlockPairTask task, PairReducer reducer)
    {
        var c = _context;
        int length = _paddedLength, groups = length / 4;
        sbyte* panels = _int8Panels!.Pointer;
        byte* rowBytes = _int8Rows!.Pointer;
        if (_int8Band != task.BandA)
        {
            // Each band row is quantized into the first right-row slot (free until the block is quantized below), then
            // scattered k-group by k-group into its panel slot; the last panel's missing rows are zeros.
            int bandRows = task.EndA - task.StartA;
            int panelCount = (bandRows + Qr - 1) / Qr;
            var stats = Int8Stats.Empty;
            for (int i = 0; i < panelCount * Qr; i++)
            {
                sbyte* panel = panels + ((long)(i / Qr) * Qr * length);
                if (i < bandRows)
                {
                    (_panelFactors[i], int sum) = QuantizedRows.Quantize(c, c.DenseA!, c.OrderA, c.NormsA, task.StartA + i, rowBytes, 0, ref stats);
                    _panelInit[i] = -128 * sum;
                    Int8Rows.StoreInPanel(rowBytes, groups, panel, i % Qr);
                }
                else
                {
                    _panelFactors[i] = 0f;
                    _panelInit[i] = 0;
                    Int8Rows.StoreInPanel(null, groups, panel, i % Qr);
                }
            }

            _bandStats = stats;
            _int8Band = task.BandA;
        }

        if (!_bandStats.Ok) return false;
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
            ? DenseErrorBound.Int8Cosine(c.Dimensions, _bandStats.Rho, blockStats.Rho)
            : DenseErrorBound.Int8InnerProduct(c.Dimensions, _bandStats.Norm, _bandStats.Error, blockStats.Norm, blockStats.Error);
        double scale = c.Cosine ? 1.0 : _bandStats.Norm * blockStats.Norm;
        if (!(error <= MaxScreenError * scale)) return false;
        int resume = RunInt8Tiles(task, reducer, error, blockRows, rowFactors);
        if (resume < task.EndA)
        {
            // Retired mid-task: the rest of the band runs in float32 (its panels packed from the resume position, so
            // the packed band is not the whole band: forget it before and after).
            _int8Retired = true;
            _packedBand = -1;
            RunFloat(task with { StartA = resume }, reducer);
            _packedBand = -1;
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
        sbyte* panels = _int8Panels!.Pointer;
        int* strip = _int8Tile!.Pointer;
        int panelCount = (task.EndA - task.StartA + Qr - 1) / Qr;
        double floatError = c.DenseError(task);
        var a = c.DenseA!;
        var b = c.DenseB!;
        long candidates = 0, screened = 0;
        fixed (float* panelFactors = _panelFactors)
        fixed (int* panelInit = _panelInit)
        {
            for (int pn = 0; pn < panelCount; pn++)
            {
                int p0 = task.StartA + (pn * Qr);
                if (reducer.StopBeforeRow(p0)) return task.EndA;
                if (candidates > RetireMinimum && candidates > screened * RetireFraction) return p0;
                int cols = Math.Min(Qr, task.EndA - p0);
                float* columnFactor = panelFactors + (pn * Qr);
                sbyte* panel = panels + ((long)pn * Qr * length);
                float bound = Threshold(reducer.FilterValue, error, maximise);
                float floatBound = Threshold(reducer.FilterValue, floatError, maximise);
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
                        if (!float.IsInfinity(bound) && !AnyPassInt8(tile, rowFactor, columnFactor, bound, maximise)) continue;
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
                                bound = Threshold(reducer.FilterValue, error, maximise);
                                floatBound = Threshold(reducer.FilterValue, floatError, maximise);
                            }
                        }
                    }
                }
            }
        }

        return task.EndA;
    }

    /// <summary>
    /// True when some scaled value of an int8 tile reaches the bound: (float)D * f_p * f_r, the arithmetic of the
    /// per-pair test in <see cref="RunInt8Tiles"/>, 8 pairs per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnyPassInt8(int* tile, float* rowFactor, float* columnFactor, float bound, bool maximise)
    {
        var limit = Vector256.Create(bound);
        var f0 = Vector256.Load(columnFactor);
        var f1 = Vector256.Load(columnFactor + 8);
        var f2 = Vector256.Load(columnFactor + 16);
        var hits = Vector256<float>.Zero;
        for (int r = 0; r < Qs; r++)
        {
            var rf = Vector256.Create(rowFactor[r]);
            int* line = tile + (r * Qr);
            var v0 = Vector256.ConvertToSingle(Vector256.Load(line)) * f0 * rf;
            var v1 = Vector256.ConvertToSingle(Vector256.Load(line + 8)) * f1 * rf;
            var v2 = Vector256.ConvertToSingle(Vector256.Load(line + 16)) * f2 * rf;
            hits |= maximise
                ? Vector256.GreaterThanOrEqual(v0, limit) | Vector256.GreaterThanOrEqual(v1, limit) | Vector256.GreaterThanOrEqual(v2, limit)
                : Vector256.LessThanOrEqual(v0, limit) | Vector256.LessThanOrEqual(v1, limit) | Vector256.LessThanOrEqual(v2, limit);
        }

        return hits != Vector256<float>.Zero;
    }

    /// <summary>
    /// True when some scaled value of the tile reaches the bound. Padding has scale 0, so it scores 0 and is rejected
    /// later by position. A finite bound implies no float32 overflow (the error bound is infinite otherwise), so the
    /// tile holds no NaN here.
    /// </summary>
    // Full optimisation from the first call: tier-0 code with on-stack replacement made the first solve 2x slower (measured).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnyPass(float* tile, float* rowScale, float* columnScale, float bound, bool maximise)
    {
        var limit = Vector256.Create(bound);
        var scale0 = Vector256.Load(columnScale);
        var scale1 = Vector256.Load(columnScale + 8);
        var scale2 = Vector256.Load(columnScale + 16);
        var scale3 = Vector256.Load(columnScale + 24);
        var hits = Vector256<float>.Zero;
        for (int r = 0; r < Sr; r++)
        {
            var rs = Vector256.Create(rowScale[r]);
            float* line = tile + r * Pr;
            var v0 = Vector256.Load(line) * scale0 * rs;
            var v1 = Vector256.Load(line + 8) * scale1 * rs;
            var v2 = Vector256.Load(line + 16) * scale2 * rs;
            var v3 = Vector256.Load(line + 24) * scale3 * rs;
            hits |= maximise
                ? Vector256.GreaterThanOrEqual(v0, limit) | Vector256.GreaterThanOrEqual(v1, limit) | Vector256.GreaterThanOrEqual(v2, limit) | Vector256.GreaterThanOrEqual(v3, limit)
                : Vector256.LessThanOrEqual(v0, limit) | Vector256.LessThanOrEqual(v1, limit) | Vector256.LessThanOrEqual(v2, limit) | Vector256.LessThanOrEqual(v3, limit);
        }

        return hits != Vector256<float>.Zero;
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
