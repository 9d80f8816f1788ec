namespace Subquad.Models.Constructions;

/// <summary>
/// An achievable cosine between two nonzero binary vectors, kept exact as k / sqrt(a b) (k = inner product, a and b
/// the weights). Ordered by comparing k^2 a' b' with k'^2 a b in integers (paper.md 2.1, DESIGN.md).
/// </summary>
/// <param name="K">Inner product.</param>
/// <param name="A">Weight of the first vector (&gt;= 1).</param>
/// <param name="B">Weight of the second vector (&gt;= 1).</param>
public readonly record struct CosineValue(int K, int A, int B) : IComparable<CosineValue>
{
    /// <summary>The value in float64.</summary>
    public double Value => K / Math.Sqrt((double)A * B);

    /// <summary>Exact comparison of the two cosines.</summary>
    public int CompareTo(CosineValue other) => ((long)K * K * other.A * other.B).CompareTo((long)other.K * other.K * A * B);
}
