using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Clustered attention (Vyas, Katharopoulos and Fleuret 2020) on the construction's own q, k, v: the queries are routed
/// to C k-means centroids (<see cref="KMeans"/>), each centroid attends to every key with the exact softmax, and every
/// query returns its centroid's output. O(n C (m + d_out)) plus k-means; C &gt;= n is exactly full attention (each
/// query is its own centroid).
/// </summary>
/// <remarks>
/// Why this and not the Routing Transformer's "attend within your cluster": budget = clusters then grows with accuracy
/// (C = n is exact), which is the knob the duel needs. The centroid is an average of queries, so in the OV
/// construction (q = -lambda v) a query's orthogonal partner is scored against the cluster's mean document, not its
/// own; the duel measures what that costs.
/// </remarks>
public sealed class ClusteredAttention : IAttentionMixer
{
    /// <summary>Clustered attention with <paramref name="clusters"/> centroids, Lloyd <paramref name="iterations"/>, seed.</summary>
    public ClusteredAttention(int clusters, int seed, int iterations = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Clusters = clusters;
        Seed = seed;
        Iterations = iterations;
    }

    /// <summary>C.</summary>
    public int Clusters { get; }

    /// <summary>Seed of the k-means initialisation.</summary>
    public int Seed { get; }

    /// <summary>Lloyd iterations (at most).</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"clustered(clusters={Clusters})");

    /// <summary>(q, k, v, centroids, assignment) for X.</summary>
    public (Matrix Q, Matrix K, Matrix V, Matrix Centroids, int[] Assignment) Route(Matrix x, AttentionWeights weights)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        var (centroids, assignment) = KMeans.Cluster(q, Clusters, Iterations, Seed);
        return (q, k, v, centroids, assignment);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The centroids are scored in blocks of 64 against one tile of every key (the 4-row tile kernel) and k-means'
    /// assignment runs eight centroids per vector; bitwise equal to <see cref="ForwardReference"/> (tested). Without
    /// Vector512 or with non-finite values the reference runs.
    /// </remarks>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v, centroids, assignment) = Route(x, weights);
        if (!BlockSparseGather.Supported(centroids, k, v)) return Reference(q, k, v, centroids, assignment, cancellationToken);
        int n = q.Rows;
        var centreOutputs = new Matrix(centroids.Rows, v.Columns);
        cancellationToken.ThrowIfCancellationRequested();
        new BlockSparseGather(k, v).SharedKeys(centroids, Enumerable.Range(0, centroids.Rows).ToArray(), Enumerable.Range(0, n).ToArray(), centreOutputs, null);
        var output = new Matrix(n, v.Columns);
        for (int i = 0; i < n; i++) centreOutputs.Row(assignment[i]).CopyTo(output.Row(i));
        return output;
    }

    /// <summary>The scalar form: k-means with scalar distances, each centroid scored key by key (<c>AttentionAlgebra.Dot</c>, <c>SoftmaxSum</c>).</summary>
    public Matrix ForwardReference(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        var (centroids, assignment) = KMeans.ClusterReference(q, Clusters, Iterations, Seed);
        return Reference(q, k, v, centroids, assignment, cancellationToken);
    }

    private static Matrix Reference(Matrix q, Matrix k, Matrix v, Matrix centroids, int[] assignment, CancellationToken cancellationToken)
    {
        int n = q.Rows;
        var centreOutputs = new Matrix(centroids.Rows, v.Columns);
        var scores = new double[n];
        var all = Enumerable.Range(0, n).ToArray();
        for (int c = 0; c < centroids.Rows; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int j = 0; j < n; j++) scores[j] = AttentionAlgebra.Dot(centroids.Row(c), k.Row(j));
            AttentionAlgebra.SoftmaxSum(scores, all, v, centreOutputs.Row(c));
        }

        var output = new Matrix(n, v.Columns);
        for (int i = 0; i < n; i++) centreOutputs.Row(assignment[i]).CopyTo(output.Row(i));
        return output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        double c = Math.Min(Clusters, rows), m = weights.EmbeddingDimension, d = weights.OutputWidth;
        double kmeans = c >= rows ? 0 : Iterations * ((3.0 * rows * c * m) + (rows * m));
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + kmeans + (2.0 * c * rows * (m + d)), 0, 0);
    }
}
