using System.Globalization;
using System.Runtime.InteropServices;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Reformer LSH attention (Kitaev et al. 2020; ALTERNATIVES.md 3.5) on the construction's own q = X Q and k = X K.
/// Per round r: random rotation R_r (m x b/2, N(0,1)), bucket h(x) = argmax([x R_r ; -x R_r]) (Andoni et al. 2015);
/// queries and keys are each stably sorted by (bucket, position) and cut into b equal chunks; query chunk c attends to
/// key chunks c and c-1 (cyclic, "look one back"); softmax within that set. Rounds combine with weights
/// softmax_r(lse_r) (step 10), duplicates across rounds counted as in Reformer's default.
/// </summary>
/// <remarks>
/// Conventions, and why they differ from Reformer's shared-QK layer: Def 2.1 has separate Q and K (the OV construction
/// has q = -lambda v, k = v), so queries and keys are hashed with the same rotation but sorted separately, and there is
/// no self-mask (Def 2.1 lets a row attend to itself). Angular hashing is scale-free, so keys are not normalised.
/// One bucket and one round is exactly full attention (tested). Optional global rows: the last g rows are attended by
/// every query and attend to every key (the sentinel of the construction, as in BigBird's global tokens).
/// Budget: rounds x buckets; cost O(rounds n (2n/b + g)(m + d_out)). Seeded: the rotations come from <see cref="Seed"/>.
/// </remarks>
public sealed class LshAttention : IAttentionMixer
{
    private readonly LshParameters _parameters;

    /// <summary>Reformer attention with <paramref name="rounds"/> hash rounds and <paramref name="buckets"/> buckets (1, or even).</summary>
    public LshAttention(int rounds, int buckets, int seed, int globalRows = 0) => _parameters = new LshParameters(rounds, buckets, seed, globalRows);

    /// <summary>Hash rounds.</summary>
    public int Rounds => _parameters.Rounds;

    /// <summary>Buckets per round (also the number of chunks).</summary>
    public int Buckets => _parameters.Buckets;

    /// <summary>Seed of the rotations.</summary>
    public int Seed => _parameters.Seed;

    /// <summary>Trailing global rows.</summary>
    public int GlobalRows => _parameters.GlobalRows;

    /// <inheritdoc/>
    public string Name => $"lsh({_parameters.Describe()})";

    /// <summary>The rotations R_0..R_{rounds-1}, each m x (buckets/2), drawn in order from <see cref="Seed"/>.</summary>
    public Matrix[] Rotations(int embedding)
    {
        var gaussian = new Gaussian(Seed);
        var result = new Matrix[Rounds];
        for (int r = 0; r < Rounds; r++) result[r] = gaussian.Matrix(embedding, Math.Max(1, Buckets / 2));
        return result;
    }

    /// <summary>The bucket of one row: argmax over [x R ; -x R], ties to the smallest index; always 0 with one bucket.</summary>
    public int Hash(ReadOnlySpan<double> row, Matrix rotation) => _parameters.Hash(row, rotation);

    /// <summary>First sorted position of chunk c among n positions cut into <see cref="Buckets"/> chunks.</summary>
    public long ChunkStart(int c, int n) => (long)c * n / Buckets;

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        int n = q.Rows;
        var rotations = Rotations(q.Columns);
        var outputs = new Matrix[Rounds];
        var lses = new double[Rounds][];
        int globalStart = n - Math.Min(GlobalRows, n);
        var seen = new int[n];
        int stamp = 0;
        var keys = new List<int>();
        var scores = new List<double>();
        for (int r = 0; r < Rounds; r++)
        {
            var qb = new int[n];
            var kb = new int[n];
            for (int i = 0; i < n; i++)
            {
                qb[i] = Hash(q.Row(i), rotations[r]);
                kb[i] = Hash(k.Row(i), rotations[r]);
            }

            // Stable sort by (bucket, position): counting sort over buckets keeps positions in order.
            var querySorted = SortByBucket(qb);
            var keySorted = SortByBucket(kb);
            var output = new Matrix(n, v.Columns);
            var lse = new double[n];
            for (int c = 0; c < Buckets; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int qStart = (int)ChunkStart(c, n), qEnd = (int)ChunkStart(c + 1, n);
                int back = (c - 1 + Buckets) % Buckets;
                for (int p = qStart; p < qEnd; p++)
                {
                    int i = querySorted[p];
                    keys.Clear();
                    stamp++;
                    if (i >= globalStart)
                    {
                        for (int j = 0; j < n; j++) keys.Add(j);
                    }
                    else
                    {
                        AddChunk(keySorted, c, n, keys, seen, stamp);
                        AddChunk(keySorted, back, n, keys, seen, stamp);
                        for (int j = globalStart; j < n; j++)
                        {
                            if (seen[j] != stamp)
                            {
                                seen[j] = stamp;
                                keys.Add(j);
                            }
                        }
                    }

                    scores.Clear();
                    foreach (int j in keys) scores.Add(AttentionAlgebra.Dot(q.Row(i), k.Row(j)));
                    lse[i] = AttentionAlgebra.SoftmaxSum(CollectionsMarshal.AsSpan(scores), CollectionsMarshal.AsSpan(keys), v, output.Row(i));
                }
            }

            outputs[r] = output;
            lses[r] = lse;
        }

        return CombineRounds(outputs, lses);
    }

    private void AddChunk(int[] keySorted, int chunk, int n, List<int> keys, int[] seen, int stamp)
    {
        for (long p = ChunkStart(chunk, n); p < ChunkStart(chunk + 1, n); p++)
        {
            int j = keySorted[p];
            if (seen[j] == stamp) continue;
            seen[j] = stamp;
            keys.Add(j);
        }
    }

    private int[] SortByBucket(int[] bucket)
    {
        var counts = new int[Buckets + 1];
        foreach (int b in bucket) counts[b + 1]++;
        for (int b = 0; b < Buckets; b++) counts[b + 1] += counts[b];
        var order = new int[bucket.Length];
        for (int i = 0; i < bucket.Length; i++) order[counts[bucket[i]]++] = i;
        return order;
    }

    /// <summary>Reformer's round combination: out = sum_r o_r exp(lse_r - logsumexp_r lse_r).</summary>
    internal static Matrix CombineRounds(Matrix[] outputs, double[][] lses)
    {
        int n = outputs[0].Rows;
        var result = new Matrix(n, outputs[0].Columns);
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            foreach (var lse in lses) max = Math.Max(max, lse[i]);
            if (double.IsNegativeInfinity(max)) continue;
            double total = 0;
            foreach (var lse in lses) total += Math.Exp(lse[i] - max);
            var row = result.Row(i);
            for (int r = 0; r < outputs.Length; r++)
            {
                double w = Math.Exp(lses[r][i] - max) / total;
                var o = outputs[r].Row(i);
                for (int c = 0; c < row.Length; c++) row[c] += w * o[c];
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        int m = weights.EmbeddingDimension;
        double hashing = Buckets == 1 ? 0 : 2.0 * rows * m * Buckets; // q and k, b/2 projections each, 2 flops per MAC
        double pairs = _parameters.PairsPerRound(rows);
        double sort = 2.0 * rows * Math.Log2(Math.Max(2, rows));
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + (Rounds * (hashing + sort + (2.0 * pairs * (m + weights.OutputWidth)))), 0, 0);
    }
}
