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
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
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
