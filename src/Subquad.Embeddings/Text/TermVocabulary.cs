using Subquad.Core.Text;

namespace Subquad.Embeddings.Text;

/// <summary>
/// The terms that become columns of a BOW or TF-IDF embedding, with their document frequencies over the corpus.
/// </summary>
/// <remarks>
/// Selection (<see cref="MostFrequent"/>): the <c>maxTerms</c> terms with the highest document frequency df(t) (the
/// number of documents containing t at least once); ties by ordinal order of the term. Columns follow that order,
/// so column 0 is the most widespread term. The rule depends only on the corpus, never on enumeration order, so
/// the same folder always gives the same columns.
/// </remarks>
public sealed class TermVocabulary
{
    private readonly Dictionary<string, int> _columns;
    private readonly int[] _documentFrequencies;

    private TermVocabulary(IReadOnlyList<string> terms, int[] documentFrequencies, int documentCount)
    {
        Terms = terms;
        _documentFrequencies = documentFrequencies;
        DocumentCount = documentCount;
        _columns = new Dictionary<string, int>(terms.Count, StringComparer.Ordinal);
        for (int k = 0; k < terms.Count; k++) _columns.Add(terms[k], k);
    }

    /// <summary>The terms, column by column.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Number of columns.</summary>
    public int Count => Terms.Count;

    /// <summary>N: the number of documents the frequencies were counted over.</summary>
    public int DocumentCount { get; }

    /// <summary>df of the term in column <paramref name="column"/>.</summary>
    public int DocumentFrequency(int column) => _documentFrequencies[column];

    /// <summary>The column of <paramref name="term"/>, or -1 when it is not in the vocabulary.</summary>
    public int ColumnOf(string term) => _columns.TryGetValue(term, out int k) ? k : -1;

    /// <summary>Counts document frequencies over <paramref name="documents"/> (each a list of terms) and keeps the <paramref name="maxTerms"/> most frequent.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTerms"/> is less than 1.</exception>
    public static TermVocabulary MostFrequent(IReadOnlyList<IReadOnlyList<string>> documents, int maxTerms)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTerms, 1);

        // The same rule as `subquad embed` (Core's keyword selection), with no document-frequency cut-off.
        var sets = DistinctTerms(documents);
        var frequencies = KeywordSelection.DocumentFrequency(sets);
        var chosen = KeywordSelection.Select(sets, new KeywordOptions { Count = maxTerms, MaxDocumentFraction = 1, MinDocuments = 1 });
        return new TermVocabulary(chosen, chosen.Select(t => frequencies[t]).ToArray(), documents.Count);
    }

    /// <summary>A fixed list of keywords (the paper's "fix l keywords"), with document frequencies counted over <paramref name="documents"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty or names a keyword twice.</exception>
    public static TermVocabulary Fixed(IReadOnlyList<string> keywords, IReadOnlyList<IReadOnlyList<string>> documents)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentNullException.ThrowIfNull(documents);
        if (keywords.Count == 0) throw new ArgumentException("no keywords", nameof(keywords));
        var duplicate = keywords.GroupBy(k => k, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"keyword '{duplicate.Key}' is listed twice", nameof(keywords));
        var frequencies = KeywordSelection.DocumentFrequency(DistinctTerms(documents));
        return new TermVocabulary(keywords.ToList(), keywords.Select(k => frequencies.GetValueOrDefault(k)).ToArray(), documents.Count);
    }

    private static IReadOnlySet<string>[] DistinctTerms(IReadOnlyList<IReadOnlyList<string>> documents) =>
        documents.Select(terms => (IReadOnlySet<string>)new HashSet<string>(terms, StringComparer.Ordinal)).ToArray();
}
