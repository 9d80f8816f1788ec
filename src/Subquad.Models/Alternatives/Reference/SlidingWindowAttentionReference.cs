using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>The oracle for <see cref="SlidingWindowAttention"/>: the dense n x n mask fed to <see cref="AttentionReference.Masked"/>.</summary>
public static class SlidingWindowAttentionReference
{
    /// <summary>Dense masked attention with the window's mask.</summary>
    public static Matrix Forward(SlidingWindowAttention window, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(window);
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return AttentionReference.Masked(q, k, v, (i, j) => window.Allowed(i, j, q.Rows)).Output;
    }
}
