using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The oracle for <see cref="LshAttention"/>: per round, each query's and key's chunk is found by counting how many
/// rows sort before it (O(n^2), no sort), the allowed pairs become a dense mask, <see cref="AttentionReference.Masked"/>
/// does the softmax, and rounds combine by log-sum-exp. Shares only the hash function and the rotations.
/// </summary>
public static class LshAttentionReference
{
    /// <summary>Dense masked attention per round, combined.</summary>
    public static Matrix Forward(LshAttention lsh, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(lsh);
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        int n = q.Rows;
        var rotations = lsh.Rotations(q.Columns);
        var outputs = new Matrix[lsh.Rounds];
        var lses = new double[lsh.Rounds][];
        int globalStart = n - Math.Min(lsh.GlobalRows, n);
        for (int r = 0; r < lsh.Rounds; r++)
        {
            var qb = Enumerable.Range(0, n).Select(i => lsh.Hash(q.Row(i), rotations[r])).ToArray();
            var kb = Enumerable.Range(0, n).Select(j => lsh.Hash(k.Row(j), rotations[r])).ToArray();
            var qc = Chunks(lsh, qb);
            var kc = Chunks(lsh, kb);
            int chunks = lsh.Buckets;
            var (output, lse) = AttentionReference.Masked(q, k, v, (i, j) =>
                i >= globalStart || j >= globalStart || kc[j] == qc[i] || kc[j] == (qc[i] - 1 + chunks) % chunks);
            outputs[r] = output;
            lses[r] = lse;
        }

        return LshAttention.CombineRounds(outputs, lses);
    }

    private static int[] Chunks(LshAttention lsh, int[] bucket)
    {
        int n = bucket.Length;
        var chunk = new int[n];
        for (int i = 0; i < n; i++)
        {
            int rank = 0;
            for (int j = 0; j < n; j++)
            {
                if (bucket[j] < bucket[i] || (bucket[j] == bucket[i] && j < i)) rank++;
            }

            int c = 0;
            while (lsh.ChunkStart(c + 1, n) <= rank) c++;
            chunk[i] = c;
        }

        return chunk;
    }
}
