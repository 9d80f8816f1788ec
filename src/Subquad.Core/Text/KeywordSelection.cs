namespace Subquad.Core.Text;

/// <summary>Picks keywords by document frequency (see <see cref="KeywordOptions"/>).</summary>
public static class KeywordSelection
{
    /// <summary>
    /// The keywords, most document-frequent first (ties by ordinal order), from the distinct words of each document.
    /// A word is kept when MinDocuments &lt;= df and df &lt;= MaxDocumentFraction * documents.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<IReadOnlySet<string>> documentWords, KeywordOptions options)
    {
        ArgumentNullException.ThrowIfNull(documentWords);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var frequency = DocumentFrequency(documentWords);
        int documents = documentWords.Count;
        return frequency
            .Where(p => p.Value >= options.MinDocuments && p.Value <= options.MaxDocumentFraction * documents)
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(options.Count)
            .Select(p => p.Key)
            .ToList();
    }

    /// <summary>For each word, the number of documents containing it.</summary>
    public static Dictionary<string, int> DocumentFrequency(IReadOnlyList<IReadOnlySet<string>> documentWords)
    {
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var words in documentWords)
        {
            foreach (var word in words) frequency[word] = frequency.GetValueOrDefault(word) + 1;
        }

        return frequency;
    }
}
