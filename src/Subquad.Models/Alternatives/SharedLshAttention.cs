using System.Globalization;
using System.Runtime.InteropServices;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// LSH attention with one sorted sequence, as in Reformer (Kitaev et al. 2020) and, with <see cref="Asymmetric"/>,
/// asymmetric LSH for inner products (Shrivastava and Li 2014; Neyshabur and Srebro 2015; SMYRF, Daras et al. 2020).
/// Per round: the n queries and the n keys are hashed with the same random rotation R_r (bucket = argmax [y R ; -y R]),
/// all 2n items are sorted together by (bucket, position, query-after-key) and cut into <see cref="Buckets"/> equal
/// chunks; a query attends to the keys in its own chunk and the previous one (cyclic), plus the trailing global rows;
/// rounds combine with Reformer's weights softmax_r(lse_r). A query whose two chunks hold no key attends to the global
/// rows only (or, without any, contributes nothing in that round).
/// </summary>
/// <remarks>
/// Reformer shares Q and K (k = q / |q|); Def 2.1 has separate Q and K, so the faithful reading is the shared hash
/// and the single sequence: a query meets the keys that hash near it. Symmetric (Reformer): items are normalised,
/// y = x / |x|, so the hash sees angles and a query lands near keys of high cosine. Asymmetric (ALSH for maximum inner
/// product): keys become P(k) = [k / M ; sqrt(1 - |k|^2 / M^2)] with M the largest key norm, queries Q(q) = [q / |q| ; 0];
/// then q . k / (M |q|) = cos(Q(q), P(k)), so the hash puts a query near the keys of largest inner product, which is
/// what the softmax rewards. Fewer than 4 buckets means every query sees about every key: full attention in disguise.
/// Cost per round: hashing 2n (m + 1) b flops, a sort of 2n items, and n x (2 x 2n / b) key scores (m + d_out each).
/// </remarks>
public sealed class SharedLshAttention : IAttentionMixer
{
    private readonly LshParameters _parameters;

    /// <summary>Shared-hash LSH with <paramref name="rounds"/> rounds and <paramref name="buckets"/> buckets (even, or 1).</summary>
    public SharedLshAttention(int rounds, int buckets, int seed, int globalRows = 0, bool asymmetric = false)
    {
        _parameters = new LshParameters(rounds, buckets, seed, globalRows);
        Asymmetric = asymmetric;
    }

    /// <summary>Hash rounds.</summary>
    public int Rounds => _parameters.Rounds;

    /// <summary>Buckets per round (also the number of chunks of the 2n-item sequence).</summary>
    public int Buckets => _parameters.Buckets;

    /// <summary>Seed of the rotations.</summary>
    public int Seed => _parameters.Seed;

    /// <summary>Trailing global rows.</summary>
    public int GlobalRows => _parameters.GlobalRows;

    /// <summary>True: asymmetric transforms for maximum inner product (ALSH); false: Reformer's angular hashing.</summary>
    public bool Asymmetric { get; }

    /// <inheritdoc/>
    public string Name => $"{(Asymmetric ? "alsh" : "lsh-shared")}({_parameters.Describe()})";

    /// <summary>The hashed items of one side: normalised (symmetric), or the asymmetric transforms (one extra coordinate).</summary>
    public Matrix Transform(Matrix y, bool keys)
    {
        ArgumentNullException.ThrowIfNull(y);
        int extra = Asymmetric ? 1 : 0;
        var result = new Matrix(y.Rows, y.Columns + extra);
        double maxNorm = 0;
        if (Asymmetric && keys)
        {
            for (int i = 0; i < y.Rows; i++) maxNorm = Math.Max(maxNorm, Norm(y.Row(i)));
        }

        for (int i = 0; i < y.Rows; i++)
        {
            var row = y.Row(i);
            var target = result.Row(i);
            double norm = Norm(row);
            if (Asymmetric && keys)
            {
                double scale = maxNorm > 0 ? 1 / maxNorm : 0;
                for (int a = 0; a < row.Length; a++) target[a] = row[a] * scale;
                double r = norm * scale;
                target[row.Length] = Math.Sqrt(Math.Max(0, 1 - (r * r)));
            }
            else
            {
                double scale = norm > 0 ? 1 / norm : 0;
                for (int a = 0; a < row.Length; a++) target[a] = row[a] * scale;
            }
        }

        return result;
    }

    private static double Norm(ReadOnlySpan<double> row)
    {
        double s = 0;
        foreach (double v in row) s += v * v;
        return Math.Sqrt(s);
    }

    /// <summary>
    /// The keys query i attends to in round r (sorted), global rows included: what <see cref="Forward"/> uses, exposed
    /// so the test can check it against a dense mask.
    /// </summary>
    public int[][] KeySets(Matrix q, Matrix k, int round)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        int n = q.Rows;
        int globalStart = n - Math.Min(GlobalRows, n);
        var tq = Transform(q, keys: false);
        var tk = Transform(k, keys: true);
        var rotation = RotationFor(round, tq.Columns);
        // Items 0..n-1 are keys, n..2n-1 queries; sort by (bucket, position, key before query).
        var bucket = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            bucket[i] = Hash(tk.Row(i), rotation);
            bucket[n + i] = Hash(tq.Row(i), rotation);
        }

        var order = Enumerable.Range(0, 2 * n).OrderBy(t => bucket[t]).ThenBy(t => t % n).ThenBy(t => t / n).ToArray();
        var chunkOf = new int[2 * n];
        var chunkKeys = new List<int>[Buckets];
        for (int c = 0; c < Buckets; c++) chunkKeys[c] = [];
        for (int p = 0; p < 2 * n; p++)
        {
            int c = (int)((long)p * Buckets / (2 * n));
            chunkOf[order[p]] = c;
            if (order[p] < n) chunkKeys[c].Add(order[p]);
        }

        var result = new int[n][];
        for (int i = 0; i < n; i++)
        {
            if (i >= globalStart)
            {
                result[i] = Enumerable.Range(0, n).ToArray();
                continue;
            }

            int c = chunkOf[n + i], back = (c - 1 + Buckets) % Buckets;
            var set = new SortedSet<int>(chunkKeys[c]);
            set.UnionWith(chunkKeys[back]);
            for (int j = globalStart; j < n; j++) set.Add(j);
            result[i] = [.. set];
        }

        return result;
    }

    private Matrix RotationFor(int round, int embedding)
    {
        var gaussian = new Gaussian(unchecked((Seed * 1000003) + round));
        return gaussian.Matrix(embedding, Math.Max(1, Buckets / 2));
    }

    private int Hash(ReadOnlySpan<double> row, Matrix rotation) => _parameters.Hash(row, rotation);

    /// <inheritdoc/>
    /// <remarks>
    /// Block-sparse: per round every query of a chunk attends to the same keys (its chunk's, the previous chunk's and
    /// the global rows, sorted), so each chunk's keys are gathered once into a tile and the chunk's queries are scored
    /// against it by the 4-row tile kernel; the hashes are vectorised across rotation columns and the sequence is sorted
    /// by one composite key. Bitwise equal to <see cref="ForwardReference"/> (tested); without Vector512 or with
    /// non-finite values the reference runs.
    /// </remarks>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        if (!BlockSparseGather.Supported(q, k, v)) return Reference(q, k, v, cancellationToken);
        int n = q.Rows;
        int globalStart = n - Math.Min(GlobalRows, n);
        var tq = Transform(q, keys: false);
        var tk = Transform(k, keys: true);
        var gather = new BlockSparseGather(k, v);
        var outputs = new Matrix[Rounds];
        var lses = new double[Rounds][];
        var bucket = new int[2 * n];
        var sortKeys = new long[2 * n];
        var order = new int[2 * n];
        var chunkStart = new int[Buckets + 1];
        var chunkQueries = new List<int>[Buckets];
        for (int c = 0; c < Buckets; c++) chunkQueries[c] = [];
        var stamp = new int[n];
        var keys = new List<int>();
        var all = Enumerable.Range(0, n).ToArray();
        var globalQueries = Enumerable.Range(globalStart, n - globalStart).ToArray();
        for (int r = 0; r < Rounds; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rotation = RotationFor(r, tq.Columns);
            _parameters.HashRows(tk, rotation, bucket.AsSpan(0, n));
            _parameters.HashRows(tq, rotation, bucket.AsSpan(n, n));

            // The reference's order by (bucket, position, key before query): one unique composite key per item.
            for (int t = 0; t < 2 * n; t++)
            {
                sortKeys[t] = (((long)bucket[t] * n) + (t % n)) * 2 + (t / n);
                order[t] = t;
            }

            Array.Sort(sortKeys, order);
            foreach (var list in chunkQueries) list.Clear();
            for (int c = 0; c <= Buckets; c++) chunkStart[c] = (int)((((long)c * 2 * n) + Buckets - 1) / Buckets);
            for (int c = 0; c < Buckets; c++)
            {
                for (int p = chunkStart[c]; p < chunkStart[c + 1]; p++)
                {
                    int item = order[p];
                    if (item >= n && item - n < globalStart) chunkQueries[c].Add(item - n);
                }
            }

            var output = new Matrix(n, v.Columns);
            var lse = new double[n];
            for (int c = 0; c < Buckets; c++)
            {
                if (chunkQueries[c].Count == 0) continue;
                int back = (c - 1 + Buckets) % Buckets, mark = (r * Buckets) + c + 1;
                keys.Clear();
                foreach (int chunk in (ReadOnlySpan<int>)[c, back])
                {
                    for (int p = chunkStart[chunk]; p < chunkStart[chunk + 1]; p++)
                    {
                        int item = order[p];
                        if (item >= n || stamp[item] == mark) continue;
                        stamp[item] = mark;
                        keys.Add(item);
                    }
                }

                for (int j = globalStart; j < n; j++)
                {
                    if (stamp[j] == mark) continue;
                    stamp[j] = mark;
                    keys.Add(j);
                }

                keys.Sort();
                gather.SharedKeys(q, CollectionsMarshal.AsSpan(chunkQueries[c]), CollectionsMarshal.AsSpan(keys), output, lse);
            }

            if (globalQueries.Length > 0) gather.SharedKeys(q, globalQueries, all, output, lse);
            outputs[r] = output;
            lses[r] = lse;
        }

        return LshAttention.CombineRounds(outputs, lses);
    }

    /// <summary>The per-query scalar loop over <see cref="KeySets"/> (<c>AttentionAlgebra.Dot</c>, <c>SoftmaxSum</c>): the reference of <see cref="Forward"/>.</summary>
    public Matrix ForwardReference(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return Reference(q, k, v, cancellationToken);
    }

    private Matrix Reference(Matrix q, Matrix k, Matrix v, CancellationToken cancellationToken)
    {
        int n = q.Rows;
        var outputs = new Matrix[Rounds];
        var lses = new double[Rounds][];
        var scores = new List<double>();
        for (int r = 0; r < Rounds; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sets = KeySets(q, k, r);
            var output = new Matrix(n, v.Columns);
            var lse = new double[n];
            for (int i = 0; i < n; i++)
            {
                scores.Clear();
                foreach (int j in sets[i]) scores.Add(AttentionAlgebra.Dot(q.Row(i), k.Row(j)));
                lse[i] = AttentionAlgebra.SoftmaxSum(CollectionsMarshal.AsSpan(scores), sets[i], v, output.Row(i));
            }

            outputs[r] = output;
            lses[r] = lse;
        }

        return LshAttention.CombineRounds(outputs, lses);
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int m = weights.EmbeddingDimension + (Asymmetric ? 1 : 0);
        double hashing = Buckets == 1 ? 0 : 2.0 * (2.0 * rows) * m * (Buckets / 2.0);
        double pairs = _parameters.PairsPerRound(rows);
        double sort = 2.0 * (2.0 * rows) * Math.Log2(Math.Max(2, 2 * rows));
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + (Rounds * (hashing + sort + (2.0 * pairs * (weights.EmbeddingDimension + weights.OutputWidth)))), 0, 0);
    }
}
