using System.Runtime.Intrinsics;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// The block-sparse path of the sparse heuristics: a block of queries that share a key set (an LSH chunk, a window
/// band, a block of k-means centroids) has those keys gathered once into a contiguous tile in the attention engine's
/// panel layout, is scored against it by the 4-row x 4-vector tile kernel, and each query then takes the softmax-sum
/// over its own keys of the tile. Random-sparse queries share nothing, so each gathers its own tile and is scored by
/// the one-row kernel (a vectorised gather, not a block). All kernels are the exact-order ones
/// (<see cref="AttentionTiles.ScorePanelsExactOrder"/>, <see cref="AttentionTiles.SoftmaxSumExactOrder"/>): the
/// result is bitwise the scalar per-query loop's (<c>AttentionAlgebra.Dot</c> + <c>AttentionAlgebra.SoftmaxSum</c>),
/// tested against it on random inputs.
/// </summary>
/// <remarks>
/// Shape legend: m = embedding dimension (columns of q and k), o = d_out (columns of v), B = queries per scored block
/// (at most <see cref="MaxBlock"/>), K = keys in the tile, P = 32 keys per panel.
/// </remarks>
internal sealed unsafe class BlockSparseGather
{
    /// <summary>Queries scored together against one tile (16 row blocks of 4).</summary>
    public const int MaxBlock = 64;

    private readonly Matrix _k;
    private readonly Matrix _v;
    private readonly int _m;
    private double[] _panels = [];
    private double[] _queries = [];
    private double[] _scores = [];
    private double[] _gathered = [];
    private int[] _gatheredKeys = [];
    private int _stride;

    /// <summary>A gather over the key rows of <paramref name="k"/> and value rows of <paramref name="v"/>.</summary>
    public BlockSparseGather(Matrix k, Matrix v)
    {
        _k = k;
        _v = v;
        _m = k.Columns;
    }

    /// <summary>
    /// True where the block-sparse path runs: Vector512 in hardware (else the scalar loop, which computes the same) and
    /// every q, k, v entry finite (the exactness argument of the skip needs finite values).
    /// </summary>
    public static bool Supported(Matrix q, Matrix k, Matrix v) =>
        Vector512.IsHardwareAccelerated && k.Columns == q.Columns && AttentionTiles.AllFinite(q.Data) && AttentionTiles.AllFinite(k.Data) && AttentionTiles.AllFinite(v.Data);

    /// <summary>
    /// Every listed query (rows of <paramref name="queryRows"/>) attends to exactly <paramref name="keys"/>, in that
    /// order: output row = query index, lse[query] = the log-sum-exp where <paramref name="lse"/> is given.
    /// </summary>
    public void SharedKeys(Matrix queryRows, ReadOnlySpan<int> queries, ReadOnlySpan<int> keys, Matrix output, double[]? lse)
    {
        Pack(keys);
        for (int start = 0; start < queries.Length; start += MaxBlock)
        {
            var block = queries.Slice(start, Math.Min(MaxBlock, queries.Length - start));
            ScoreBlock(queryRows, block);
            for (int r = 0; r < block.Length; r++)
            {
                double value = Softmax(r, keys, output.Row(block[r]));
                if (lse is not null) lse[block[r]] = value;
            }
        }
    }

    /// <summary>Gathers <paramref name="keys"/> into the tile (the keys a following <see cref="ScoreBlock"/> scores).</summary>
    public void Pack(ReadOnlySpan<int> keys)
    {
        int panelCount = (keys.Length + AttentionTiles.ExactPanel - 1) / AttentionTiles.ExactPanel;
        _stride = Math.Max(AttentionTiles.ExactPanel, panelCount * AttentionTiles.ExactPanel);
        Grow(ref _panels, (long)_stride * _m);
        AttentionTiles.PackPanelsExactOrder(_k.Data, _m, keys, _panels);
        _panelCount = panelCount;
    }

    private int _panelCount;

    /// <summary>Scores up to <see cref="MaxBlock"/> query rows against the packed tile; row r of the block is queries[r].</summary>
    public void ScoreBlock(Matrix queryRows, ReadOnlySpan<int> queries)
    {
        int rowBlocks = (queries.Length + AttentionTiles.RowBlock - 1) / AttentionTiles.RowBlock;
        int rows = rowBlocks * AttentionTiles.RowBlock;
        Grow(ref _queries, (long)rows * _m);
        Grow(ref _scores, (long)rows * _stride);
        for (int r = 0; r < rows; r++)
        {
            var target = _queries.AsSpan(r * _m, _m);
            if (r < queries.Length) queryRows.Row(queries[r]).CopyTo(target);
            else target.Clear();
        }

        fixed (double* q = _queries, panels = _panels, scores = _scores)
        {
            if (queries.Length == 1) AttentionTiles.ScoreRowExactOrder(q, panels, _panelCount, _m, scores);
            else AttentionTiles.ScorePanelsExactOrder(q, _m, rowBlocks, panels, _panelCount, _m, scores, _stride);
        }
    }

    /// <summary>Softmax-sum of block row r over the first keys.Length tile keys (tile position t holds keys[t]).</summary>
    public double Softmax(int r, ReadOnlySpan<int> keys, Span<double> destination)
    {
        fixed (double* scores = _scores)
        {
            return AttentionTiles.SoftmaxSumExactOrder(scores + ((long)r * _stride), keys.Length, keys, _v.Data, _v.Columns, destination);
        }
    }

    /// <summary>Softmax-sum of block row r over the tile positions listed, in that order (key of position i: keys[i]).</summary>
    public double Softmax(int r, ReadOnlySpan<int> positions, ReadOnlySpan<int> keys, Span<double> destination)
    {
        Grow(ref _gathered, positions.Length);
        var row = _scores.AsSpan(r * _stride, _stride);
        for (int i = 0; i < positions.Length; i++) _gathered[i] = row[positions[i]];
        fixed (double* scores = _gathered)
        {
            return AttentionTiles.SoftmaxSumExactOrder(scores, positions.Length, keys, _v.Data, _v.Columns, destination);
        }
    }

    /// <summary>A scratch int buffer of at least <paramref name="length"/> (reused between calls).</summary>
    public int[] KeyBuffer(int length)
    {
        if (_gatheredKeys.Length < length) _gatheredKeys = new int[Math.Max(length, 2 * _gatheredKeys.Length)];
        return _gatheredKeys;
    }

    private static void Grow(ref double[] buffer, long length)
    {
        if (buffer.Length < length) buffer = new double[Math.Max(length, 2L * buffer.Length)];
    }
}
