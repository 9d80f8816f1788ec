namespace Subquad.Core.Search;

/// <summary>
/// The k nearest corpus rows of every query, laid out as FAISS returns them: row q of <see cref="Indices"/> holds
/// query q's neighbours, nearest first (ties: the smaller corpus index first), and <see cref="Scores"/> their
/// scores. When k exceeds the corpus, the missing places hold index -1 and score NaN.
/// </summary>
public sealed class NeighborResult
{
    internal NeighborResult(NeighborMetric metric, int queries, int k, long[] indices, double[] scores, long[]? innerProducts)
    {
        Metric = metric;
        Queries = queries;
        K = k;
        Indices = indices;
        Scores = scores;
        InnerProducts = innerProducts;
    }

    public NeighborMetric Metric { get; }

    public int Queries { get; }

    public int K { get; }

    /// <summary>Row-major (queries x k) corpus indices, -1 where the corpus has fewer than k rows.</summary>
    public long[] Indices { get; }

    /// <summary>
    /// Row-major (queries x k) scores: the cosine (MSD, LSD), inner product (Max-IP, Min-IP, OV) or Hamming distance,
    /// the float64 value the oracle computes (binary: exact integers or ip / sqrt(|a| |b|)); NaN where no neighbour.
    /// </summary>
    public double[] Scores { get; }

    /// <summary>Binary input: the exact inner product of each pair (-1 where no neighbour); null on dense input.</summary>
    public long[]? InnerProducts { get; }

    /// <summary>Neighbours per query that exist: min(k, corpus rows).</summary>
    public int Found { get; internal init; }
}
