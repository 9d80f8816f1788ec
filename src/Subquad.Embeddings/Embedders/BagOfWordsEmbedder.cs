using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Text;

namespace Subquad.Embeddings.Embedders;

/// <summary>
/// The paper's bag-of-words embedding (paper.md 2.1): fix l keywords; BOW(D) in {0,1}^l has bit k = 1 iff keyword k
/// occurs in D. The paper's example: "There are ten apples on the apple tree" with keywords (apple, tree, computer,
/// ten) gives (1, 1, 0, 1).
/// </summary>
/// <remarks>
/// Keywords are the fixed list of <see cref="DocumentEmbedderOptions.Keywords"/> or, when none is given, the
/// <see cref="DocumentEmbedderOptions.MaxTerms"/> terms of highest document frequency (<see cref="TermVocabulary.MostFrequent"/>).
/// A document containing no keyword is a zero row (listed in <see cref="Embedding.ZeroRows"/>). Exact: integers only.
/// </remarks>
public sealed class BagOfWordsEmbedder : IDocumentEmbedder
{
    private readonly Func<string, IEnumerable<string>> _tokenizer;
    private readonly int _maxTerms;
    private readonly IReadOnlyList<string>? _keywords;

    /// <summary>Creates the embedder.</summary>
    /// <param name="tokenizer">Splits a text into terms (keywords are matched against these terms exactly).</param>
    /// <param name="maxTerms">Keywords to select when <paramref name="keywords"/> is null.</param>
    /// <param name="keywords">A fixed keyword list, or null.</param>
    public BagOfWordsEmbedder(Func<string, IEnumerable<string>> tokenizer, int maxTerms = 4096, IReadOnlyList<string>? keywords = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTerms, 1);
        _tokenizer = tokenizer;
        _maxTerms = maxTerms;
        _keywords = keywords;
    }

    /// <inheritdoc/>
    public EmbeddingModel Model => EmbeddingModel.Bow;

    /// <inheritdoc/>
    public string Description => _keywords is null
        ? string.Create(CultureInfo.InvariantCulture, $"bag of words (paper 2.1): binary, the {_maxTerms} terms of highest document frequency as keywords")
        : string.Create(CultureInfo.InvariantCulture, $"bag of words (paper 2.1): binary, {_keywords.Count} fixed keywords");

    /// <inheritdoc/>
    public Embedding Embed(IReadOnlyList<TextDocument> documents, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var clock = Stopwatch.StartNew();
        var terms = TermLists.Tokenize(documents, _tokenizer, cancellationToken);
        var vocabulary = _keywords is null ? TermVocabulary.MostFrequent(terms, _maxTerms) : TermVocabulary.Fixed(_keywords, terms);

        // A vocabulary can be empty (no document has a term); vectors need one column, which then stays zero.
        var builder = new BinaryVectors.Builder(documents.Count, Math.Max(1, vocabulary.Count));
        var zeroRows = new List<int>();
        for (int i = 0; i < documents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool any = false;
            foreach (var term in terms[i])
            {
                int k = vocabulary.ColumnOf(term);
                if (k < 0) continue;
                builder.Set(i, k);
                any = true;
            }

            if (!any) zeroRows.Add(i);
            if ((i & 1023) == 1023) progress?.Report(i + 1);
        }

        progress?.Report(documents.Count);
        var vectors = builder.Build(documents.Select(d => d.Name).ToList());
        clock.Stop();
        return new Embedding
        {
            Vectors = vectors,
            Model = Model,
            Elapsed = clock.Elapsed,
            ZeroRows = zeroRows,
            Details = string.Create(CultureInfo.InvariantCulture, $"{vocabulary.Count} keywords"),
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
