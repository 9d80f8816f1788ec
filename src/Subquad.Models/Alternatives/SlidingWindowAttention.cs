using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Sliding-window (local) attention on the construction's own q, k, v: row i attends only to the keys j with
/// |i - j| &lt; W (encoder form, 2W-1 keys) or, causally, i - W &lt; j &lt;= i (W keys including self: the convention
/// ALTERNATIVES.md 3.4 recommends; Zoology's block_size = w is our W = w + 1). Optionally the last g rows are
/// global tokens (Longformer/BigBird): every row attends to them and they attend to every row. In the duel g = 1 makes
/// the construction's sentinel row visible to every document; without it a document row normalises over its
/// neighbours only and loses the sentinel's +1 in the denominator (paper.md 4.3.1).
/// </summary>
/// <remarks>Cost O(n (2W + g) (m + d_out)). W &gt;= n is full attention (tested).</remarks>
public sealed class SlidingWindowAttention : IAttentionMixer
{
    /// <summary>A window of <paramref name="window"/> (W &gt;= 1), encoder or causal, with <paramref name="globalRows"/> global tokens at the end (encoder only).</summary>
    public SlidingWindowAttention(int window, bool causal = false, int globalRows = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalRows);
        if (causal && globalRows > 0) throw new ArgumentException("a causal window cannot have global rows at the end (they are every row's future)", nameof(globalRows));
        Window = window;
        Causal = causal;
        GlobalRows = globalRows;
    }

    /// <summary>W.</summary>
    public int Window { get; }

    /// <summary>True for the causal (backward) window.</summary>
    public bool Causal { get; }

    /// <summary>g: the trailing rows that are global tokens.</summary>
    public int GlobalRows { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"window(W={Window}{(Causal ? ",causal" : "")}{(GlobalRows > 0 ? $",global={GlobalRows}" : "")})");

    /// <summary>The mask: may row i attend to key j among n rows.</summary>
    public bool Allowed(int i, int j, int n)
    {
        if (GlobalRows > 0 && (j >= n - GlobalRows || i >= n - GlobalRows)) return true;
        return Causal ? j <= i && i - j < Window : Math.Abs(i - j) < Window;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Block-sparse: queries in blocks of B (about W, 4..64) share the band of keys [i0 - W + 1, i1 + W - 1] plus the
    /// global rows beyond it, gathered once into a tile and scored by the 4-row tile kernel; each query then takes the
    /// softmax over its own window of the tile, in the reference's key order. Bitwise equal to
    /// <see cref="ForwardReference"/> (tested); without Vector512 or with non-finite values the reference runs.
    /// </remarks>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        if (!BlockSparseGather.Supported(q, k, v)) return Reference(q, k, v, cancellationToken);
        int n = q.Rows;
        var output = new Matrix(n, v.Columns);
        if (n == 0) return output;
        var gather = new BlockSparseGather(k, v);
        int globalStart = n - GlobalRows;
        int documents = GlobalRows > 0 ? Math.Clamp(globalStart, 0, n) : n;
        if (documents < n)
        {
            // Global query rows see every key in order.
            var all = Enumerable.Range(0, n).ToArray();
            gather.SharedKeys(q, Enumerable.Range(documents, n - documents).ToArray(), all, output, null);
        }

        int block = Math.Clamp((Window + 3) / 4 * 4, 4, BlockSparseGather.MaxBlock);
        var tile = new List<int>();
        var positions = new List<int>();
        var keys = new List<int>();
        var queries = new int[block];
        for (int i0 = 0; i0 < documents; i0 += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i1 = Math.Min(documents, i0 + block);
            int bandLo = (int)Math.Max(0L, (long)i0 - Window + 1);
            int bandHi = Causal ? i1 - 1 : (int)Math.Min(n - 1L, (long)i1 - 1 + Window - 1);
            int extraStart = GlobalRows > 0 ? Math.Max(globalStart, bandHi + 1) : n;
            tile.Clear();
            for (int j = bandLo; j <= bandHi; j++) tile.Add(j);
            for (int j = extraStart; j < n; j++) tile.Add(j);
            int bandLength = bandHi - bandLo + 1;
            for (int i = i0; i < i1; i++) queries[i - i0] = i;
            gather.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tile));
            gather.ScoreBlock(q, queries.AsSpan(0, i1 - i0));
            for (int i = i0; i < i1; i++)
            {
                // The reference's key order: lo..hi, then the global rows after hi.
                int lo = (int)Math.Max(0L, (long)i - Window + 1);
                int hi = Causal ? i : (int)Math.Min(n - 1L, (long)i + Window - 1);
                positions.Clear();
                keys.Clear();
                for (int j = lo; j <= hi; j++)
                {
                    positions.Add(j - bandLo);
                    keys.Add(j);
                }

                if (GlobalRows > 0)
                {
                    for (int j = Math.Max(globalStart, hi + 1); j < n; j++)
                    {
                        positions.Add(j <= bandHi ? j - bandLo : bandLength + (j - extraStart));
                        keys.Add(j);
                    }
                }

                gather.Softmax(i - i0, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(positions), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys), output.Row(i));
            }
        }

        return output;
    }

    /// <summary>The per-query scalar loop (<c>AttentionAlgebra.Dot</c>, <c>SoftmaxSum</c>): the reference of <see cref="Forward"/>.</summary>
    public Matrix ForwardReference(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return Reference(q, k, v, cancellationToken);
    }

    private Matrix Reference(Matrix q, Matrix k, Matrix v, CancellationToken cancellationToken)
    {
        int n = q.Rows;
        var output = new Matrix(n, v.Columns);
        var keys = new List<int>();
        var scores = new List<double>();
        int globalStart = n - GlobalRows;
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            keys.Clear();
            scores.Clear();
            if (i >= globalStart && GlobalRows > 0)
            {
                for (int j = 0; j < n; j++) keys.Add(j);
            }
            else
            {
                int lo = Math.Max(0, i - Window + 1);
                int hi = Causal ? i : Math.Min(n - 1, i + Window - 1);
                for (int j = lo; j <= hi; j++) keys.Add(j);
                for (int j = Math.Max(globalStart, hi + 1); j < n; j++) keys.Add(j);
            }

            foreach (int j in keys) scores.Add(AttentionAlgebra.Dot(q.Row(i), k.Row(j)));
            AttentionAlgebra.SoftmaxSum(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scores), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys), v, output.Row(i));
        }

        return output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        double keysPerRow = Math.Min(rows, (Causal ? Window : (2.0 * Window) - 1) + GlobalRows);
        double globalRowsCost = (double)GlobalRows * rows;
        double pairs = ((rows - GlobalRows) * keysPerRow) + globalRowsCost;
        return new(ProjectionFlops(rows, weights) + (2.0 * pairs * (weights.EmbeddingDimension + weights.OutputWidth)), 0, 0);
    }

    internal static double ProjectionFlops(int rows, AttentionWeights weights) =>
        2.0 * rows * weights.InputWidth * ((2.0 * weights.EmbeddingDimension) + weights.OutputWidth);
}
