namespace Subquad.Embeddings.NearDuplicates;

/// <summary>Counts of pair similarities in equal bins over [0, 1], plus the pairs below 0 (dense embeddings only).</summary>
/// <remarks>Bin b holds [b/B, (b+1)/B); the last bin also holds 1 and anything a rounding error puts above 1.</remarks>
public sealed class SimilarityHistogram
{
    private readonly long[] _counts;

    /// <summary>An empty histogram of <paramref name="bins"/> bins.</summary>
    /// <param name="bins">Number of bins over [0, 1].</param>
    /// <param name="scope">What was counted ("all 4,950 pairs", "the 10 reported pairs").</param>
    public SimilarityHistogram(int bins, string scope)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        _counts = new long[bins];
        Scope = scope;
    }

    /// <summary>What was counted.</summary>
    public string Scope { get; }

    /// <summary>Number of bins over [0, 1].</summary>
    public int Bins => _counts.Length;

    /// <summary>Pairs per bin.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Pairs with a negative cosine (possible for TF-IDF never, for MiniLM yes).</summary>
    public long BelowZero { get; set; }

    /// <summary>Total pairs counted.</summary>
    public long Total => _counts.Sum() + BelowZero;

    /// <summary>Lower edge of bin <paramref name="bin"/>.</summary>
    public double LowerEdge(int bin) => (double)bin / _counts.Length;

    /// <summary>Counts one similarity.</summary>
    public void Add(double similarity)
    {
        if (similarity < 0)
        {
            BelowZero++;
            return;
        }

        int bin = (int)Math.Floor(similarity * _counts.Length);
        _counts[Math.Clamp(bin, 0, _counts.Length - 1)]++;
    }
}
