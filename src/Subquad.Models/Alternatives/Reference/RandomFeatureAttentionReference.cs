using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The oracle for <see cref="RandomFeatureAttention"/>: the explicit n x n kernel matrix A = phi(Q) phi(K)^T, each row
/// divided by its sum, times V. O(n^2 f).
/// </summary>
public static class RandomFeatureAttentionReference
{
    /// <summary>Quadratic form of FAVOR+ with the same features.</summary>
    public static Matrix Forward(RandomFeatureAttention performer, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(performer);
        var (phiQ, phiK, v) = performer.FeaturesOf(x, weights);
        int n = phiQ.Rows;
        var output = new Matrix(n, v.Columns);
        for (int i = 0; i < n; i++)
        {
            double rowSum = 0;
            var oi = output.Row(i);
            for (int j = 0; j < n; j++)
            {
                double a = AttentionAlgebra.Dot(phiQ.Row(i), phiK.Row(j));
                rowSum += a;
                var vj = v.Row(j);
                for (int c = 0; c < oi.Length; c++) oi[c] += a * vj[c];
            }

            for (int c = 0; c < oi.Length; c++) oi[c] /= rowSum;
        }

        return output;
    }
}
