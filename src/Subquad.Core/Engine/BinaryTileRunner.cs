using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// Runs one block-pair task on binary rows: 4 x 4 tiles of exact inner products from the register-tiled kernel, each
/// folded at once into the worker's reducer through a candidate filter. Nothing larger than the 16 counts of one
/// tile is ever stored.
/// </summary>
/// <remarks>
/// The filter: inner-product kinds compare the exact count with the bound (ties pass). Cosine kinds compare
/// ip * (1/sqrt wa) * (1/sqrt wb) in float32 with the bound widened by a relative 1e-6: the float32 value is within
/// 4 u = 2.4e-7 (relative) of the true cosine, so no pair that could tie or beat the bound is dropped, and the
/// survivors are compared exactly in integers (<see cref="Problems.ScoreOrder"/>).
/// </remarks>
internal sealed unsafe class BinaryTileRunner : ITileRunner
{
    private const int T = BinaryInnerProducts.TileRows;
    private const double CosineMargin = 1e-6;
    private readonly EngineContext _context;
    private readonly delegate*<ulong**, ulong**, int, int*, void> _kernel;

    private readonly bool _oneWord;
    private readonly delegate*<ulong**, nint*, int, int, int*, void> _strip;

    /// <summary>Full tiles per strip call (<see cref="BinaryInnerProducts.StripKernel"/>): 16 tiles, 1 KiB of counts on the stack.</summary>
    private const int StripTiles = 16;
    private readonly AlignedBuffer<ulong>? _packedWords;

    // Staged rows: this worker's copy of its left band (kept while its tasks run) and of the current task's right
    // block, contiguous, with row pointers into them. Encoded 6 bits per byte where EngineContext.Packed6; plain copies
    // where rows are sorted for pruning (their pointers then jump across the input, and 4 rows per tile from 4 pages
    // cost DTLB misses: MSD at n = 65,536, l = 256 ran 1.8x slower sorted than in identity order before staging).
    private readonly AlignedBuffer<ulong>? _encodedA;
    private readonly AlignedBuffer<ulong>? _encodedB;
    private readonly nint[] _encodedRowsA = [];
    private readonly nint[] _encodedRowsB = [];
    private int _encodedBand = -1;
    private readonly bool _staged;

    // Rows encoded 6 bits per byte (EngineContext.Packed6): the left band as above, the right block in tiles of 4 rows
    // interleaved by 16-byte chunks (Packed6Tiles), counted by the tiles kernel (one byte accumulator per left row and
    // tile). _scratch holds one right row between encoding and scattering its chunks.
    private readonly bool _packed6Tiles;
    private readonly int _chunks;
    private readonly AlignedBuffer<ulong>? _tilesB;
    private readonly AlignedBuffer<ulong>? _scratch;

    // Bit-sliced counting (EngineContext.Sliced): the task's right block transposed, the band's set-bit lists.
    private readonly ulong[] _slices = [];
    private int[] _bandBits = [];
    private readonly int[] _bandBitStart = [];
    private int _bitsBand = -1;

    public BinaryTileRunner(EngineContext context)
    {
        _context = context;
        if (context.Sliced && context.SlicesB is null)
        {
            _slices = GC.AllocateArray<ulong>(context.RawWords * 64 * 8, pinned: true);
        }

        if (context.Sliced)
        {
            _bandBitStart = new int[context.Plan.BlockRows + 1];
        }

        _oneWord = BinaryInnerProducts.HasOneWordTile(context.Variant, context.Dimensions);
        _packed6Tiles = context.Packed6;
        _kernel = BinaryInnerProducts.TileKernel(context.Variant, context.Dimensions);
        _strip = BinaryInnerProducts.StripKernel(context.Variant, context.Dimensions);
        if (_oneWord) _packedWords = new AlignedBuffer<ulong>(context.Plan.BlockRows + 8);
        _staged = context.Packed6 || (!context.IdentityOrder && !_oneWord);
        if (_staged)
        {
            int rows = context.Plan.BlockRows;
            _encodedA = new AlignedBuffer<ulong>((long)rows * context.Words);
            _encodedRowsA = new nint[rows];
            for (int r = 0; r < rows; r++) _encodedRowsA[r] = (nint)(_encodedA.Pointer + ((long)r * context.Words));
            if (_packed6Tiles)
            {
                _chunks = Packed6Tiles.ChunksFor(context.Dimensions);
                _tilesB = new AlignedBuffer<ulong>(Packed6Tiles.WordsFor(rows, _chunks));
                _scratch = new AlignedBuffer<ulong>(context.Words);
            }
            else
            {
                _encodedB = new AlignedBuffer<ulong>((long)rows * context.Words);
                _encodedRowsB = new nint[rows];
                for (int r = 0; r < rows; r++) _encodedRowsB[r] = (nint)(_encodedB.Pointer + ((long)r * context.Words));
            }
        }
    }

    // Full optimisation from the first call: tier-0 code with on-stack replacement made the first solve 2x slower (measured).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        if (_context.Sliced)
        {
            RunSliced(task, reducer);
            return;
        }

        if (_oneWord)
        {
            fixed (nint* rowsA = _context.RowsA) RunOneWord(task, reducer, rowsA);
            return;
        }

        fixed (float* invB = _context.InverseSqrtB)
        {
            if (_staged)
            {
                if (_encodedBand != task.BandA)
                {
                    Encode(_context.RowsA, task.StartA, task.EndA, _encodedRowsA);
                    _encodedBand = task.BandA;
                }

                if (_packed6Tiles)
                {
                    BuildTiles(task);
                    fixed (nint* encodedA = _encodedRowsA) RunPacked6Tiles(task, reducer, encodedA - task.StartA, invB);
                    return;
                }

                // A diagonal task's right block is its left band.
                if (!task.Diagonal) Encode(_context.RowsB, task.StartB, task.EndB, _encodedRowsB);
                fixed (nint* encodedA = _encodedRowsA)
                fixed (nint* encodedB = _encodedRowsB)
                {
                    // Position-indexed views: row pointer of position p at [p].
                    nint* rowsA = encodedA - task.StartA;
                    nint* rowsB = task.Diagonal ? rowsA : encodedB - task.StartB;
                    RunTiles(task, reducer, rowsA, rowsB, invB);
                }

                return;
            }

            fixed (nint* rowsA = _context.RowsA)
            fixed (nint* rowsB = _context.RowsB)
                RunTiles(task, reducer, rowsA, rowsB, invB);
        }
    }

    /// <summary>
    /// Stages the rows of positions [start, end) into the buffers behind <paramref name="destination"/>: encoded
    /// 6 bits per byte, or copied as they are. O(B l) per task of O(B^2 l) work.
    /// </summary>
    private void Encode(nint[] rows, int start, int end, nint[] destination)
    {
        var c = _context;
        for (int p = start; p < end; p++)
        {
            // Sorted rows are scattered, so the hardware prefetcher cannot guess the next one: ask for it 8 rows ahead.
            if (p + Lookahead < end) Prefetch(rows[p + Lookahead], c.RawWords);
            if (c.Packed6) Packed6Rows.EncodeVector512((ulong*)rows[p], c.RawWords, c.Dimensions, (ulong*)destination[p - start]);
            else Buffer.MemoryCopy((void*)rows[p], (void*)destination[p - start], (long)c.RawWords * sizeof(ulong), (long)c.RawWords * sizeof(ulong));
        }
    }

    private const int Lookahead = 8;

    /// <summary>
    /// A task counted bit-sliced (<see cref="BitSlices"/>): the right block transposed once, then each left row's
    /// counts against all right rows in bit planes, filtered there by a bit-sliced comparison with the bound (cosine
    /// kinds: the count the block's lightest or heaviest right row would need, a conservative test), and only flagged
    /// lanes read back and tested exactly as in <see cref="OfferTile"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunSliced(in BlockPairTask task, PairReducer reducer)
    {
        var c = _context;
        int lanes = task.EndB - task.StartB;
        bool maximise = c.Maximise, cosine = c.Cosine;
        if (_bitsBand != task.BandA) CollectBits(task);
        var planes = stackalloc Vector512<ulong>[12];
        ulong[] source = c.SlicesB ?? _slices;
        fixed (nint* rowsB = c.RowsB)
        fixed (ulong* all = source)
        fixed (int* bits = _bandBits)
        {
            ulong* slices = all;
            if (c.SlicesB is null) BitSlices.Transpose(rowsB + task.StartB, lanes, c.RawWords, slices);
            else slices = c.SlicedBlock(all, task.BandB);
            var valid = LaneMask(0, lanes);
            double minWeightB = c.BandMinWeightB[task.BandB], maxWeightB = c.BandMaxWeightB[task.BandB];
            for (int p = task.StartA; p < task.EndA; p++)
            {
                if (reducer.StopBeforeRow(p)) return;
                int start = _bandBitStart[p - task.StartA], m = _bandBitStart[p - task.StartA + 1] - start;
                int planeCount = BitSlices.PlanesFor(m);
                BitSlices.Count(slices, bits + start, m, planes, planeCount);
                Thresholds(reducer.FilterValue, maximise, cosine, out int boundCount, out float boundCosine);
                long threshold = SlicedThreshold(maximise, cosine, boundCount, boundCosine, c.WeightsA[p], minWeightB, maxWeightB);
                var flagged = (maximise ? BitSlices.AtLeast(planes, planeCount, threshold) : BitSlices.AtMost(planes, planeCount, threshold)) & valid;
                if (task.Diagonal) flagged &= LaneMask(p - task.StartB + 1, lanes);
                if (flagged == Vector512<ulong>.Zero) continue;
                float rowFactor = c.InverseSqrtA[p];
                for (int w = 0; w < 8; w++)
                {
                    for (ulong word = flagged.GetElement(w); word != 0; word &= word - 1)
                    {
                        int lane = (64 * w) + System.Numerics.BitOperations.TrailingZeroCount(word);
                        int count = BitSlices.LaneCount(planes, planeCount, lane);
                        int q = task.StartB + lane;
                        if (!Passes(count, rowFactor * c.InverseSqrtB[q], maximise, cosine, boundCount, boundCosine)) continue;
                        var (i, j) = c.Original(p, q);
                        reducer.Offer(i, j, c.BinaryScore(i, j, count));
                        Thresholds(reducer.FilterValue, maximise, cosine, out boundCount, out boundCosine);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The count a lane must reach (maximising) or not exceed (minimising) to be looked at. Inner products: the
    /// integer bound itself. Cosine: count * f_a * f_b &gt;= L needs count &gt;= L sqrt(w_a w_b) &gt;= L sqrt(w_a min w_b)
    /// (for L &gt;= 0; below 0 every lane), and &lt;= L needs count &lt;= L sqrt(w_a max w_b); both widened by 1e-6 and
    /// rounded outward, so the test only ever flags more lanes than the exact one.
    /// </summary>
    private static long SlicedThreshold(bool maximise, bool cosine, int boundCount, float boundCosine, int weightA, double minWeightB, double maxWeightB)
    {
        if (!cosine) return boundCount;
        if (float.IsNaN(boundCosine)) return maximise ? long.MinValue : long.MaxValue;
        if (maximise)
        {
            if (boundCosine <= 0f) return long.MinValue;
            if (float.IsPositiveInfinity(boundCosine)) return long.MaxValue;
            return (long)Math.Floor(boundCosine * Math.Sqrt((double)weightA * minWeightB) * (1 - 1e-6));
        }

        if (boundCosine < 0f) return -1;
        if (float.IsPositiveInfinity(boundCosine)) return long.MaxValue;
        return (long)Math.Ceiling(boundCosine * Math.Sqrt((double)weightA * maxWeightB) * (1 + 1e-6));
    }

    /// <summary>Lanes [from, to) set.</summary>
    private static Vector512<ulong> LaneMask(int from, int to)
    {
        Span<ulong> words = stackalloc ulong[8];
        for (int w = 0; w < 8; w++)
        {
            int lo = Math.Clamp(from - (64 * w), 0, 64), hi = Math.Clamp(to - (64 * w), 0, 64);
            ulong upTo = hi == 64 ? ulong.MaxValue : (1UL << hi) - 1;
            ulong below = lo == 64 ? ulong.MaxValue : (1UL << lo) - 1;
            words[w] = lo >= hi ? 0 : upTo & ~below;
        }

        return Vector512.Create((ReadOnlySpan<ulong>)words);
    }

    /// <summary>The set bits of every row of the task's band, as positions k, row after row (once per band).</summary>
    private void CollectBits(in BlockPairTask task)
    {
        var c = _context;
        long total = 0;
        for (int p = task.StartA; p < task.EndA; p++) total += c.WeightsA[p];
        if (_bandBits.Length < total) _bandBits = GC.AllocateArray<int>((int)total, pinned: true);
        int at = 0;
        for (int p = task.StartA; p < task.EndA; p++)
        {
            _bandBitStart[p - task.StartA] = at;
            var row = (ulong*)c.RowsA[p];
            for (int g = 0; g < c.RawWords; g++)
            {
                for (ulong word = row[g]; word != 0; word &= word - 1) _bandBits[at++] = (64 * g) + System.Numerics.BitOperations.TrailingZeroCount(word);
            }
        }

        _bandBitStart[task.EndA - task.StartA] = at;
        _bitsBand = task.BandA;
    }

    /// <summary>
    /// Lays the task's right rows out in <see cref="Packed6Tiles"/> (the last tile padded with zero rows). A diagonal
    /// task's right block is its left band, already encoded; other blocks are encoded row by row through the scratch
    /// row. O(B l) per task of O(B^2 l) work.
    /// </summary>
    private void BuildTiles(in BlockPairTask task)
    {
        var c = _context;
        ulong* tiles = _tilesB!.Pointer;
        ulong* scratch = _scratch!.Pointer;
        int tileWords = _chunks * Packed6Tiles.WordsPerChunkGroup;
        int rows = task.EndB - task.StartB;
        for (int i = 0; i < rows; i++)
        {
            ulong* encoded;
            if (task.Diagonal)
            {
                encoded = (ulong*)_encodedRowsA[i];
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
    /// The tiles of one task on 6-bit rows: for each group of 4 left rows, strips of up to 16 right tiles counted by
    /// <see cref="BinaryInnerProducts.TileStripPacked6TilesVector512"/>, then the strip filter as in
    /// <see cref="RunTiles"/>. The last tile of a block may hold zero padding rows; their column factors are the zero
    /// padding of <see cref="EngineContext.InverseSqrtB"/>, and <see cref="OfferTile"/> never offers them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPacked6Tiles(in BlockPairTask task, PairReducer reducer, nint* rowsA, float* invB)
    {
        var c = _context;
        ulong** xs = stackalloc ulong*[T];
        int* stripCounts = stackalloc int[StripTiles * T * T];
        float* rowFactor = stackalloc float[T];
        bool maximise = c.Maximise, cosine = c.Cosine;
        var zero = (ulong*)c.ZeroRow;
        int chunks = _chunks, tileWords = chunks * Packed6Tiles.WordsPerChunkGroup;
        int tileCount = (task.EndB - task.StartB + T - 1) / T;
        ulong* tiles = _tilesB!.Pointer;
        for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = LeftGroup(rowsA, c.InverseSqrtA, p0, task.EndA, zero, xs, rowFactor);
            Thresholds(reducer.FilterValue, maximise, cosine, out int boundCount, out float boundCosine);

            // On a diagonal task the left group's own tile is the first with pairs p < q (blocks start on a tile).
            for (int t0 = task.Diagonal ? (p0 - task.StartB) / T : 0; t0 < tileCount; t0 += StripTiles)
            {
                int count = Math.Min(StripTiles, tileCount - t0);
                BinaryInnerProducts.TileStripPacked6TilesVector512(xs, tiles + ((long)t0 * tileWords), chunks, count, stripCounts);
                int q0 = task.StartB + (t0 * T);
                uint flagged = StripPassMask(stripCounts, count, rowFactor, invB + q0, maximise, cosine, boundCount, boundCosine);
                while (flagged != 0)
                {
                    int t = System.Numerics.BitOperations.TrailingZeroCount(flagged);
                    flagged &= flagged - 1;
                    int qt = q0 + (t * T);
                    OfferTile(task, reducer, p0, rowsHere, qt, Math.Min(T, task.EndB - qt), stripCounts + (t * T * T), T, rowFactor, invB + qt, ref boundCount, ref boundCosine);
                }
            }
        }
    }

    /// <summary>Prefetches every cache line of a row (a hint: no effect on results).</summary>
    private static void Prefetch(nint row, int words)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        for (int w = 0; w < words; w += 8) System.Runtime.Intrinsics.X86.Sse.Prefetch0((void*)(row + (w * sizeof(ulong))));
    }

    /// <summary>
    /// The 4 x 4 tiles of one task. A full tile reads its 4 right row pointers and factors in place from the pinned
    /// per-position arrays (no copying, no bounds checks); only the last, partial tile of a block is padded with the
    /// zero row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunTiles(in BlockPairTask task, PairReducer reducer, nint* rowsA, nint* rowsB, float* invBFixed)
    {
        var c = _context;
        ulong** xs = stackalloc ulong*[T];
        ulong** ys = stackalloc ulong*[T];
        int* counts = stackalloc int[T * T];
        int* stripCounts = stackalloc int[StripTiles * T * T];
        float* rowFactor = stackalloc float[T];
        float* colFactor = stackalloc float[T];
        bool maximise = c.Maximise, cosine = c.Cosine;
        int words = c.Words;
        var strip = _strip;
        var zero = (ulong*)c.ZeroRow;
        var invA = c.InverseSqrtA;
        var invB = c.InverseSqrtB;

        for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = LeftGroup(rowsA, invA, p0, task.EndA, zero, xs, rowFactor);

            Thresholds(reducer.FilterValue, maximise, cosine, out int boundCount, out float boundCosine);
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
                    uint flagged = StripPassMask(stripCounts, tiles, rowFactor, invBFixed + q0, maximise, cosine, boundCount, boundCosine);
                    while (flagged != 0)
                    {
                        int t = System.Numerics.BitOperations.TrailingZeroCount(flagged);
                        flagged &= flagged - 1;
                        OfferTile(task, reducer, p0, rowsHere, q0 + (t * T), T, stripCounts + (t * T * T), T, rowFactor, invBFixed + q0 + (t * T), ref boundCount, ref boundCosine);
                    }

                    q0 += tiles * T;
                    continue;
                }

                int* tileCounts = counts;
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
                if (AnyPass(tileCounts, rowFactor, colTile, maximise, cosine, boundCount, boundCosine))
                {
                    OfferTile(task, reducer, p0, rowsHere, q0, colsHere, tileCounts, T, rowFactor, colTile, ref boundCount, ref boundCosine);
                }

                q0 += T;
            }
        }
    }

    /// <summary>
    /// Points <paramref name="xs"/> at the (up to) 4 left rows from position <paramref name="p0"/> and loads their
    /// 1/sqrt weights; missing rows are the zero row with factor 0. Returns how many rows are real.
    /// </summary>
    private static int LeftGroup(nint* rowsA, float[] invA, int p0, int end, ulong* zero, ulong** xs, float* rowFactor)
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
    /// one-word tile), each tested exactly at the current bound and offered to the reducer.
    /// </summary>
    private void OfferTile(
        in BlockPairTask task, PairReducer reducer, int p0, int rowsHere, int q0, int colsHere, int* tileCounts, int stride, float* rowFactor, float* colTile, ref int boundCount, ref float boundCosine)
    {
        var c = _context;
        bool maximise = c.Maximise, cosine = c.Cosine;
        for (int r = 0; r < rowsHere; r++)
        {
            for (int s = 0; s < colsHere; s++)
            {
                int p = p0 + r, q = q0 + s;
                if (task.Diagonal && q <= p) continue;
                if (!Passes(tileCounts[(r * stride) + s], rowFactor[r] * colTile[s], maximise, cosine, boundCount, boundCosine)) continue;
                var (i, j) = c.Original(p, q);
                reducer.Offer(i, j, c.BinaryScore(i, j, tileCounts[(r * stride) + s]));
                Thresholds(reducer.FilterValue, maximise, cosine, out boundCount, out boundCosine);
            }
        }
    }

    /// <summary>
    /// Bit t set when tile t of a strip (counts at <c>16 t</c>, column factors at <c>4 t</c>) has a pair that passes
    /// the filter: the arithmetic of <see cref="Passes"/>, 16 pairs per compare, the objective and score kind decided
    /// once per strip instead of once per tile. Strips exist only for 512-bit variants, so AVX-512F is present here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StripPassMask(int* counts, int tiles, float* rowFactor, float* colFactors, bool maximise, bool cosine, int boundCount, float boundCosine)
    {
        uint mask = 0;
        if (!cosine)
        {
            var limit = Vector512.Create(boundCount);
            if (maximise)
            {
                for (int t = 0; t < tiles; t++) mask |= Vector512.GreaterThanOrEqualAny(Vector512.Load(counts + (t * T * T)), limit) ? 1u << t : 0;
            }
            else
            {
                for (int t = 0; t < tiles; t++) mask |= Vector512.LessThanOrEqualAny(Vector512.Load(counts + (t * T * T)), limit) ? 1u << t : 0;
            }

            return mask;
        }

        // Lane r * 4 + s holds rowFactor[r] * colFactor[s], multiplied by the count as in Passes.
        var rows = Vector512.Create(
            Vector256.Create(Vector128.Create(rowFactor[0]), Vector128.Create(rowFactor[1])),
            Vector256.Create(Vector128.Create(rowFactor[2]), Vector128.Create(rowFactor[3])));
        var bound = Vector512.Create(boundCosine);
        for (int t = 0; t < tiles; t++)
        {
            // One VBROADCASTF32X4 from memory (a load, not two lane inserts on the shuffle port the kernels use).
            var columns = System.Runtime.Intrinsics.X86.Avx512F.BroadcastVector128ToVector512(colFactors + (t * T));
            var value = Vector512.ConvertToSingle(Vector512.Load(counts + (t * T * T))) * (rows * columns);
            bool any = maximise ? Vector512.GreaterThanOrEqualAny(value, bound) : Vector512.LessThanOrEqualAny(value, bound);
            mask |= any ? 1u << t : 0;
        }

        return mask;
    }

    /// <summary>
    /// Rows of one word (l &lt;= 64): the right block's words are packed contiguously (8 rows per zmm) and each 4 x 8
    /// tile costs one AND + popcount + SAD per left row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunOneWord(in BlockPairTask task, PairReducer reducer, nint* rowsA)
    {
        const int C = 8;
        var c = _context;
        ulong** xs = stackalloc ulong*[T];
        int* counts = stackalloc int[T * C];
        float* rowFactor = stackalloc float[T];
        float* colFactor = stackalloc float[C];
        bool maximise = c.Maximise, cosine = c.Cosine;
        var zero = (ulong*)c.ZeroRow;
        var rowsB = c.RowsB;
        var invA = c.InverseSqrtA;
        var invB = c.InverseSqrtB;
        ulong* packed = _packedWords!.Pointer;
        int width = task.EndB - task.StartB;
        for (int q = 0; q < width; q++) packed[q] = *(ulong*)rowsB[task.StartB + q];
        for (int q = width; q < width + C; q++) packed[q] = 0;

        for (int p0 = task.StartA; p0 < task.EndA; p0 += T)
        {
            if (reducer.StopBeforeRow(p0)) return;
            int rowsHere = LeftGroup(rowsA, invA, p0, task.EndA, zero, xs, rowFactor);

            Thresholds(reducer.FilterValue, maximise, cosine, out int boundCount, out float boundCosine);
            for (int q0 = task.Diagonal ? p0 - (p0 - task.StartB) % C : task.StartB; q0 < task.EndB; q0 += C)
            {
                int colsHere = Math.Min(C, task.EndB - q0);
                if (task.Diagonal && q0 + colsHere - 1 <= p0) continue;
                for (int s = 0; s < C; s++) colFactor[s] = s < colsHere ? invB[q0 + s] : 0f;
                BinaryInnerProducts.Tile4x8OneWordVector512(xs, packed + (q0 - task.StartB), counts);
                if (!AnyPassEight(counts, rowFactor, colFactor, maximise, cosine, boundCount, boundCosine)) continue;
                OfferTile(task, reducer, p0, rowsHere, q0, colsHere, counts, C, rowFactor, colFactor, ref boundCount, ref boundCosine);
            }
        }
    }

    /// <summary>The 4 x 8 tile's filter: the same arithmetic as <see cref="Passes"/>, eight pairs per vector.</summary>
    private static bool AnyPassEight(int* counts, float* rowFactor, float* colFactor, bool maximise, bool cosine, int boundCount, float boundCosine)
    {
        if (!cosine)
        {
            var limit = Vector256.Create(boundCount);
            var hits = Vector256<int>.Zero;
            for (int r = 0; r < T; r++)
            {
                var row = Vector256.Load(counts + r * 8);
                hits |= maximise ? Vector256.GreaterThanOrEqual(row, limit) : Vector256.LessThanOrEqual(row, limit);
            }

            return hits != Vector256<int>.Zero;
        }

        var bound = Vector256.Create(boundCosine);
        var columns = Vector256.Load(colFactor);
        var any = Vector256<float>.Zero;
        for (int r = 0; r < T; r++)
        {
            var value = Vector256.ConvertToSingle(Vector256.Load(counts + r * 8)) * (Vector256.Create(rowFactor[r]) * columns);
            any |= maximise ? Vector256.GreaterThanOrEqual(value, bound) : Vector256.LessThanOrEqual(value, bound);
        }

        return any != Vector256<float>.Zero;
    }

    /// <summary>Turns the bound L into the filter's integer and float32 thresholds (ties always pass).</summary>
    private static void Thresholds(double bound, bool maximise, bool cosine, out int boundCount, out float boundCosine)
    {
        boundCount = 0;
        boundCosine = 0f;
        if (cosine)
        {
            if (double.IsInfinity(bound))
            {
                boundCosine = (float)bound;
                return;
            }

            boundCosine = maximise
                ? MathF.BitDecrement((float)(bound * (1 - CosineMargin)))
                : MathF.BitIncrement((float)(bound * (1 + CosineMargin)));
            return;
        }

        boundCount = maximise
            ? (bound <= int.MinValue ? int.MinValue : bound >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(bound))
            : (bound >= int.MaxValue ? int.MaxValue : bound <= int.MinValue ? int.MinValue : (int)Math.Floor(bound));
    }

    private static bool Passes(int count, float factor, bool maximise, bool cosine, int boundCount, float boundCosine)
    {
        if (cosine)
        {
            float value = count * factor;
            return maximise ? value >= boundCosine : value <= boundCosine;
        }

        return maximise ? count >= boundCount : count <= boundCount;
    }

    // Full optimisation from the first call: tier-0 code with on-stack replacement made the first solve 2x slower (measured).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnyPass(int* counts, float* rowFactor, float* colFactor, bool maximise, bool cosine, int boundCount, float boundCosine)
    {
        // Same arithmetic as Passes (count * (rowFactor * colFactor)): the whole tile in one vector where 512-bit
        // vectors are hardware (one compare, or one convert + two multiplies + compare), else four pairs per vector.
        if (Vector512.IsHardwareAccelerated)
        {
            var tile = Vector512.Load(counts);
            if (!cosine)
            {
                var hit = maximise ? Vector512.GreaterThanOrEqual(tile, Vector512.Create(boundCount)) : Vector512.LessThanOrEqual(tile, Vector512.Create(boundCount));
                return hit != Vector512<int>.Zero;
            }

            var rows = Vector512.Create(
                Vector256.Create(Vector128.Create(rowFactor[0]), Vector128.Create(rowFactor[1])),
                Vector256.Create(Vector128.Create(rowFactor[2]), Vector128.Create(rowFactor[3])));
            var columns4 = Vector128.Load(colFactor);
            var columns8 = Vector256.Create(columns4, columns4);
            var factor = rows * Vector512.Create(columns8, columns8);
            var value = Vector512.ConvertToSingle(tile) * factor;
            var pass = maximise ? Vector512.GreaterThanOrEqual(value, Vector512.Create(boundCosine)) : Vector512.LessThanOrEqual(value, Vector512.Create(boundCosine));
            return pass != Vector512<float>.Zero;
        }

        if (!cosine)
        {
            var limit = Vector128.Create(boundCount);
            var hits = Vector128<int>.Zero;
            for (int r = 0; r < T; r++)
            {
                var row = Vector128.Load(counts + r * T);
                hits |= maximise ? Vector128.GreaterThanOrEqual(row, limit) : Vector128.LessThanOrEqual(row, limit);
            }

            return hits != Vector128<int>.Zero;
        }

        var bound = Vector128.Create(boundCosine);
        var columns = Vector128.Load(colFactor);
        var any = Vector128<float>.Zero;
        for (int r = 0; r < T; r++)
        {
            var value = Vector128.ConvertToSingle(Vector128.Load(counts + r * T)) * (Vector128.Create(rowFactor[r]) * columns);
            any |= maximise ? Vector128.GreaterThanOrEqual(value, bound) : Vector128.LessThanOrEqual(value, bound);
        }

        return any != Vector128<float>.Zero;
    }
}
