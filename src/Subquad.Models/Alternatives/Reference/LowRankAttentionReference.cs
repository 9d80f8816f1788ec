using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The oracle for <see cref="LowRankAttention"/>: K' and V' entry by entry as explicit sums over the n rows, then
/// <see cref="AttentionReference.Masked"/> of q against the k projected keys.
/// </summary>
public static class LowRankAttentionReference
{
    /// <summary>Linformer by definition.</summary>
    public static Matrix Forward(LowRankAttention linformer, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(linformer);
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        int n = q.Rows, rank = linformer.Rank;
        var (e, f) = linformer.Projections(n);
        var kp = new Matrix(rank, k.Columns);
        var vp = new Matrix(rank, v.Columns);
        for (int c = 0; c < rank; c++)
        {
            for (int a = 0; a < k.Columns; a++)
            {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += e[j, c] * k[j, a];
                kp[c, a] = sum;
            }

            for (int a = 0; a < v.Columns; a++)
            {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += f[j, c] * v[j, a];
                vp[c, a] = sum;
            }
        }

        return AttentionReference.Masked(q, kp, vp, (_, _) => true).Output;
    }
}
