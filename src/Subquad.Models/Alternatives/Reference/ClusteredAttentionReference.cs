using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The oracle for <see cref="ClusteredAttention"/>: every query row is replaced by its centroid and the result goes
/// through <see cref="AttentionReference.Masked"/> (n full rows, O(n^2 m)); shares only the routing.
/// </summary>
public static class ClusteredAttentionReference
{
    /// <summary>Attention with each query replaced by its centroid.</summary>
    public static Matrix Forward(ClusteredAttention clustered, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(clustered);
        var (q, k, v, centroids, assignment) = clustered.Route(x, weights);
        var routed = new Matrix(q.Rows, q.Columns);
        for (int i = 0; i < q.Rows; i++) centroids.Row(assignment[i]).CopyTo(routed.Row(i));
        return AttentionReference.Masked(routed, k, v, (_, _) => true).Output;
    }
}
