using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The quadratic oracle for linear attention (ALTERNATIVES.md 3.2): A = phi(Q) phi(K)^T (masked to j &lt;= i when causal),
/// Y = (A V) / (A 1 + eps).
/// </summary>
public static class LinearAttentionReference
{
    /// <summary>Quadratic causal form of <see cref="CausalLinearAttention"/>.</summary>
    public static Matrix Forward(CausalLinearAttention attention, Matrix x)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var (phiQ, phiK, v) = attention.Features(x);
        return Quadratic(phiQ, phiK, v, attention.Epsilon, causal: true);
    }

    /// <summary>Quadratic form of the non-causal <see cref="LinearAttention"/>.</summary>
    public static Matrix Forward(LinearAttention attention, Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var (phiQ, phiK, v) = attention.Features(x, weights);
        return Quadratic(phiQ, phiK, v, attention.Epsilon, causal: false);
    }

    private static Matrix Quadratic(Matrix phiQ, Matrix phiK, Matrix v, double epsilon, bool causal)
    {
        int n = phiQ.Rows;
        var y = new Matrix(n, v.Columns);
        for (int i = 0; i < n; i++)
        {
            double rowSum = 0;
            var yi = y.Row(i);
            for (int j = 0; j < (causal ? i + 1 : n); j++)
            {
                double a = AttentionAlgebra.Dot(phiQ.Row(i), phiK.Row(j));
                rowSum += a;
                var vj = v.Row(j);
                for (int c = 0; c < yi.Length; c++) yi[c] += a * vj[c];
            }

            for (int c = 0; c < yi.Length; c++) yi[c] /= rowSum + epsilon;
        }

        return y;
    }
}
