using Subquad.Core.Problems;

namespace Subquad.Embeddings.NearDuplicates;

/// <summary>Which pairs to report: every pair with cosine at least t (the MSD_t threshold join), or the K most similar.</summary>
public sealed record NearDuplicateQuery
{
    private NearDuplicateQuery(Rational? threshold, int? top)
    {
        Threshold = threshold;
        Top = top;
    }

    /// <summary>t of the threshold join, or null for top-K.</summary>
    public Rational? Threshold { get; }

    /// <summary>K of top-K, or null for the threshold join.</summary>
    public int? Top { get; }

    /// <summary>The threshold join stops with an error past this many pairs (a threshold that is too low).</summary>
    public int MaxPairs { get; init; } = 1_000_000;

    /// <summary>Every pair with cosine &gt;= t (t in [0, 1], exact, as MSD_t in paper.md 2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">t is above 1.</exception>
    public static NearDuplicateQuery AtLeast(Rational t)
    {
        if (t.CompareTo(Rational.FromInteger(1)) > 0) throw new ArgumentOutOfRangeException(nameof(t), $"t = {t}: a cosine threshold must lie in [0, 1]");
        return new(t, null);
    }

    /// <summary>The <paramref name="k"/> most similar pairs, ties by smallest (i, j).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is less than 1.</exception>
    public static NearDuplicateQuery MostSimilar(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return new(null, k);
    }

    /// <inheritdoc/>
    public override string ToString() => Threshold is { } t ? $"every pair with cosine >= {t}" : $"the {Top} most similar pairs";
}
