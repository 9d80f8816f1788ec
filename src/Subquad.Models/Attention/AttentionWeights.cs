namespace Subquad.Models.Attention;

/// <summary>
/// The parameters of one attention unit, Def 2.1: Q, K in R^{d_in x m} and V in R^{d_in x d_out}.
/// A(X) = softmax(X Q K^T X^T) X V, one head, no mask, no 1/sqrt(m).
/// </summary>
public sealed record AttentionWeights
{
    /// <summary>Checks the shapes agree.</summary>
    public AttentionWeights(Matrix q, Matrix k, Matrix v)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Rows != k.Rows || q.Columns != k.Columns) throw new ArgumentException($"Q is {q.Rows} x {q.Columns} but K is {k.Rows} x {k.Columns}");
        if (v.Rows != q.Rows) throw new ArgumentException($"V has {v.Rows} rows but Q has {q.Rows} (both must be d_in)");
        Q = q;
        K = k;
        V = v;
    }

    /// <summary>Query map, d_in x m.</summary>
    public Matrix Q { get; }

    /// <summary>Key map, d_in x m.</summary>
    public Matrix K { get; }

    /// <summary>Value map, d_in x d_out.</summary>
    public Matrix V { get; }

    /// <summary>d_in.</summary>
    public int InputWidth => Q.Rows;

    /// <summary>m, the embedding dimension.</summary>
    public int EmbeddingDimension => Q.Columns;

    /// <summary>d_out.</summary>
    public int OutputWidth => V.Columns;
}
