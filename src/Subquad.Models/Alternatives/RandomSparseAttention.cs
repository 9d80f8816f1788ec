using System.Globalization;
using System.Runtime.InteropServices;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// The control every sparse heuristic is measured against: each query attends to k keys drawn uniformly at random
/// without replacement (seeded, independently per query), plus optional trailing global rows that every query sees
/// and that see every key. A heuristic whose accuracy at k keys per query is no better than this one's at the same k
/// has learned nothing from its hashing, clustering or locality.
/// </summary>
/// <remarks>
/// Cost O(n (k + g)(m + d_out)): a gather of k key rows per query, never an n x n loop. k &gt;= n - g is full
/// attention (tested against <see cref="AttentionReference"/>).
/// </remarks>
public sealed class RandomSparseAttention : IAttentionMixer
{
    /// <summary>k random keys per query, seeded, with <paramref name="globalRows"/> global rows at the end.</summary>
    public RandomSparseAttention(int keysPerQuery, int seed, int globalRows = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keysPerQuery, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalRows);
        KeysPerQuery = keysPerQuery;
        Seed = seed;
        GlobalRows = globalRows;
    }

    /// <summary>k.</summary>
    public int KeysPerQuery { get; }

    /// <summary>Seed of the key draws.</summary>
    public int Seed { get; }

    /// <summary>g: trailing global rows.</summary>
    public int GlobalRows { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"random-sparse(k={KeysPerQuery}{(GlobalRows > 0 ? $",global={GlobalRows}" : "")})");

    /// <summary>The keys query i sees among n rows (sorted), the global rows included.</summary>
    public int[] Keys(int i, int rows)
    {
        int globalStart = rows - GlobalRows;
        if (i >= globalStart && GlobalRows > 0) return Enumerable.Range(0, rows).ToArray();
        int pool = globalStart;
        int k = Math.Min(KeysPerQuery, pool);
        var chosen = new HashSet<int>();
        var random = new Random(unchecked((Seed * 31) + i));
        // Floyd's algorithm: k distinct draws from [0, pool) in O(k).
        for (int j = pool - k; j < pool; j++)
        {
            int t = random.Next(j + 1);
            if (!chosen.Add(t)) chosen.Add(j);
        }

        for (int g = globalStart; g < rows; g++) chosen.Add(g);
        var keys = chosen.ToArray();
        Array.Sort(keys);
        return keys;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Each query's keys are gathered into a tile and scored by the one-row exact-order kernel (a vectorised gather:
    /// the queries share no keys, so there is no block to tile); the key draws use a stamp array instead of a hash set.
    /// Bitwise equal to <see cref="ForwardReference"/> (tested); without Vector512 or with non-finite values the
    /// reference runs.
    /// </remarks>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        if (!BlockSparseGather.Supported(q, k, v)) return Reference(q, k, v, cancellationToken);
        int n = q.Rows;
        var output = new Matrix(n, v.Columns);
        var gather = new BlockSparseGather(k, v);
        var stamp = new int[n];
        var keys = new List<int>();
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DrawKeys(i, n, stamp, keys);
            var span = CollectionsMarshal.AsSpan(keys);
            gather.Pack(span);
            gather.ScoreBlock(q, new ReadOnlySpan<int>(in i));
            gather.Softmax(0, span, output.Row(i));
        }

        return output;
    }

    /// <summary>The per-query scalar loop (keys from <see cref="Keys"/>, <c>AttentionAlgebra.Dot</c>, <c>SoftmaxSum</c>): the reference of <see cref="Forward"/>.</summary>
    public Matrix ForwardReference(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return Reference(q, k, v, cancellationToken);
    }

    private Matrix Reference(Matrix q, Matrix k, Matrix v, CancellationToken cancellationToken)
    {
        int n = q.Rows;
        var output = new Matrix(n, v.Columns);
        var scores = new List<double>();
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var keys = Keys(i, n);
            scores.Clear();
            foreach (int j in keys) scores.Add(AttentionAlgebra.Dot(q.Row(i), k.Row(j)));
            AttentionAlgebra.SoftmaxSum(CollectionsMarshal.AsSpan(scores), keys, v, output.Row(i));
        }

        return output;
    }

    // Keys(i, rows) without the hash set: the same seeded Floyd draws, membership by stamp[t] == i + 1, then sorted.
    private void DrawKeys(int i, int rows, int[] stamp, List<int> keys)
    {
        keys.Clear();
        int globalStart = rows - GlobalRows;
        if (i >= globalStart && GlobalRows > 0)
        {
            for (int j = 0; j < rows; j++) keys.Add(j);
            return;
        }

        int pool = globalStart, mark = i + 1;
        int k = Math.Min(KeysPerQuery, pool);
        var random = new Random(unchecked((Seed * 31) + i));
        for (int j = pool - k; j < pool; j++)
        {
            int t = random.Next(j + 1);
            int pick = stamp[t] == mark ? j : t;
            stamp[pick] = mark;
            keys.Add(pick);
        }

        for (int g = Math.Max(0, globalStart); g < rows; g++)
        {
            if (stamp[g] == mark) continue;
            stamp[g] = mark;
            keys.Add(g);
        }

        keys.Sort();
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double keysPerRow = Math.Min(rows, KeysPerQuery + GlobalRows);
        double pairs = ((rows - GlobalRows) * keysPerRow) + ((double)GlobalRows * rows);
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + (2.0 * pairs * (weights.EmbeddingDimension + weights.OutputWidth)), 0, 0);
    }
}
