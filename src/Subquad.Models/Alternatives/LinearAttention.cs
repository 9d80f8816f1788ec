using System.Globalization;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Non-causal kernelised attention on the construction's own q, k, v: Y = phi(Q)(phi(K)^T V) / (phi(Q) phi(K)^T 1 + eps),
/// O(n f (d_out + 1)). With <see cref="TaylorExpFeatureMap"/> it is the degree-p Taylor approximation of the
/// construction's softmax exp(q . k); with <see cref="EluPlusOneFeatureMap"/> it is Katharopoulos et al.'s encoder.
/// Budget = the map's order (feature dimension f = sum_r m^r).
/// </summary>
public sealed class LinearAttention : IAttentionMixer
{
    /// <summary>Linear attention with <paramref name="map"/>.</summary>
    public LinearAttention(IFeatureMap map, double epsilon = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        Epsilon = epsilon;
    }

    /// <summary>phi.</summary>
    public IFeatureMap Map { get; }

    /// <summary>eps in the normaliser.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"linear({Map.Name})");

    /// <summary>(phi(Q), phi(K), v).</summary>
    public (Matrix PhiQ, Matrix PhiK, Matrix V) Features(Matrix x, AttentionWeights weights)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return (FeatureMaps.MapRows(Map, q), FeatureMaps.MapRows(Map, k), v);
    }

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (phiQ, phiK, v) = Features(x, weights);
        int n = phiQ.Rows, f = phiQ.Columns, d = v.Columns;
        var s = new Matrix(f, d);
        var z = new double[f];
        for (int j = 0; j < n; j++)
        {
            var pk = phiK.Row(j);
            var vj = v.Row(j);
            for (int r = 0; r < f; r++)
            {
                z[r] += pk[r];
                var sr = s.Row(r);
                for (int c = 0; c < d; c++) sr[c] += pk[r] * vj[c];
            }
        }

        var y = new Matrix(n, d);
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pq = phiQ.Row(i);
            double denominator = AttentionAlgebra.Dot(pq, z) + Epsilon;
            var yi = y.Row(i);
            for (int r = 0; r < f; r++)
            {
                var sr = s.Row(r);
                for (int c = 0; c < d; c++) yi[c] += pq[r] * sr[c];
            }

            for (int c = 0; c < d; c++) yi[c] /= denominator;
        }

        return y;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        double f = Map.Dimension(weights.EmbeddingDimension), d = weights.OutputWidth;
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + (2.0 * rows * f * weights.EmbeddingDimension) + (4.0 * rows * f * (d + 1)), 0, 0);
    }
}
