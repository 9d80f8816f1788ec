namespace Subquad.Core.Text;

/// <summary>
/// How <see cref="KeywordSelection"/> picks the l keywords: the <see cref="Count"/> most document-frequent words,
/// ties broken by ordinal word order, among words present in at most <see cref="MaxDocumentFraction"/> of the
/// documents and in at least <see cref="MinDocuments"/> of them.
/// </summary>
public sealed record KeywordOptions
{
    /// <summary>l, the number of keywords (columns) wanted; fewer when fewer words qualify.</summary>
    public int Count { get; init; } = 64;

    /// <summary>
    /// Words present in more than this fraction of documents are skipped (0.5 by default): a word in nearly every
    /// document ("the") carries no similarity signal and makes every cosine high. 1 keeps every word.
    /// </summary>
    public double MaxDocumentFraction { get; init; } = 0.5;

    /// <summary>Words present in fewer documents than this are skipped (1 by default: keep all).</summary>
    public int MinDocuments { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on values that cannot select anything.</summary>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "the keyword count must be at least 1");
        if (!(MaxDocumentFraction > 0 && MaxDocumentFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(MaxDocumentFraction), MaxDocumentFraction, "the maximum document fraction must lie in (0, 1]");
        if (MinDocuments < 1) throw new ArgumentOutOfRangeException(nameof(MinDocuments), MinDocuments, "the minimum document count must be at least 1");
    }
}
