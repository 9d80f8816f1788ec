using Subquad.Core.Vectors;

namespace Subquad.Core.Text;

/// <summary>
/// The paper's bag-of-words embedding (paper.md 2.1): fix l keywords; entry k of BOW(D) is 1 iff keyword k occurs in
/// document D. "Occurs" means "is one of D's <see cref="Tokenizer"/> words", exactly: no stemming.
/// </summary>
/// <remarks>
/// The paper's example, "There are ten apples on the apple tree" with keywords (apple, tree, computer, ten), gives
/// (1, 1, 0, 1). With exact word matching that is right for the reason that "apple" itself occurs in the sentence;
/// "apples" alone would not count for "apple" (the test <c>PaperExample</c> shows both). A stemmer would make the
/// embedding language-specific and is left out on purpose.
/// </remarks>
public static class BagOfWords
{
    /// <summary>BOW of <paramref name="texts"/> over <paramref name="keywords"/>.</summary>
    public static BinaryVectors Embed(IReadOnlyList<string> texts, IReadOnlyList<string> keywords, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(keywords);
        return Embed(texts.Select(t => (IReadOnlySet<string>)Tokenizer.DistinctTokens(t)).ToList(), keywords, rowNames, source);
    }

    /// <summary>Embeds the folder: documents, keywords (chosen by <paramref name="options"/> or given), rows.</summary>
    /// <param name="folder">The folder of text files (see <see cref="TextFolder"/>).</param>
    /// <param name="options">Keyword selection, used when <paramref name="keywords"/> is null.</param>
    /// <param name="keywords">An explicit keyword list (e.g. from <see cref="KeywordFile"/>), or null to select.</param>
    /// <exception cref="InputException">No documents, or no keywords.</exception>
    public static BagOfWordsResult EmbedFolder(string folder, KeywordOptions? options = null, IReadOnlyList<string>? keywords = null)
    {
        // One document at a time: only its distinct words are kept, never the corpus text.
        var skipped = new List<SkippedFile>();
        var names = new List<string>();
        var words = new List<IReadOnlySet<string>>();
        foreach (var document in TextFolder.Enumerate(folder, skipped))
        {
            names.Add(document.RelativePath);
            words.Add(Tokenizer.DistinctTokens(document.Text));
        }

        skipped.Sort((x, y) => string.CompareOrdinal(x.RelativePath, y.RelativePath));
        if (names.Count == 0)
        {
            string why = skipped.Count == 0 ? "it has no files" : $"all {skipped.Count} files were skipped (first: {skipped[0].RelativePath}: {skipped[0].Reason})";
            throw new InputException(folder, null, $"contains no text documents: {why}");
        }

        if (keywords is null)
        {
            options ??= new KeywordOptions();
            keywords = KeywordSelection.Select(words, options);
            if (keywords.Count == 0)
            {
                int distinct = KeywordSelection.DocumentFrequency(words).Count;
                throw new InputException(folder, null, distinct == 0
                    ? $"has {names.Count} documents but no words in them; nothing to embed"
                    : $"has no keywords: none of its {distinct} words is in at least {options.MinDocuments} and at most {options.MaxDocumentFraction:0.###} of the {names.Count} documents (raise --max-df, e.g. --max-df 1, or lower --min-df)");
            }
        }

        var vectors = Embed(words, keywords, names, folder);
        var warnings = new List<string>();
        for (int i = 0; i < vectors.Count; i++)
        {
            if (vectors.IsZeroRow(i))
            {
                warnings.Add($"{names[i]} (row {i}) contains none of the keywords: its row is all zeros, so cosine problems (msd, lsd) will refuse it");
            }
        }

        return new BagOfWordsResult(vectors, keywords, skipped, warnings);
    }

    private static BinaryVectors Embed(IReadOnlyList<IReadOnlySet<string>> words, IReadOnlyList<string> keywords, IReadOnlyList<string>? rowNames, string? source)
    {
        if (keywords.Count == 0) throw new ArgumentException("at least one keyword is needed", nameof(keywords));
        var builder = new BinaryVectors.Builder(words.Count, keywords.Count);
        for (int i = 0; i < words.Count; i++)
        {
            for (int k = 0; k < keywords.Count; k++)
            {
                if (words[i].Contains(keywords[k])) builder.Set(i, k);
            }
        }

        return builder.Build(rowNames, source);
    }
}
