using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Text;

namespace Subquad.Embeddings.Embedders;

/// <summary>
/// TF-IDF: a dense, weighted bag of words. Row d, column t is tf(t, d) * idf(t), and every row is then divided by its
/// Euclidean norm.
/// </summary>
/// <remarks>
/// <para>Formula (the "smooth" idf of scikit-learn's TfidfVectorizer, so results can be compared with it):</para>
/// <list type="bullet">
/// <item>tf(t, d) = the number of times term t occurs in document d (raw count);</item>
/// <item>df(t) = the number of documents of the list that contain t; N = the number of documents;</item>
/// <item>idf(t) = ln((1 + N) / (1 + df(t))) + 1, so a term in every document keeps weight 1 and never vanishes;</item>
/// <item>w(t, d) = tf(t, d) * idf(t); the row is w / ||w||_2, computed in float64 and stored as float32.</item>
/// </list>
/// <para>
/// Columns are the <see cref="DocumentEmbedderOptions.MaxTerms"/> terms of highest df (<see cref="TermVocabulary.MostFrequent"/>);
/// other terms are ignored and do not count towards the norm. df is counted over the whole list (the whole folder),
/// so the same document can get a different vector in another folder. A document with no vocabulary term is a zero
/// row (listed in <see cref="Embedding.ZeroRows"/>).
/// </para>
/// </remarks>
public sealed class TfIdfEmbedder : IDocumentEmbedder
{
    private readonly Func<string, IEnumerable<string>> _tokenizer;
    private readonly int _maxTerms;

    /// <summary>Creates the embedder.</summary>
    /// <param name="tokenizer">Splits a text into terms.</param>
    /// <param name="maxTerms">Columns: the terms of highest document frequency.</param>
    public TfIdfEmbedder(Func<string, IEnumerable<string>> tokenizer, int maxTerms = 4096)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTerms, 1);
        _tokenizer = tokenizer;
        _maxTerms = maxTerms;
    }

    /// <inheritdoc/>
    public EmbeddingModel Model => EmbeddingModel.TfIdf;

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"TF-IDF: raw tf x (ln((1+N)/(1+df)) + 1), rows L2-normalised, the {_maxTerms} terms of highest document frequency");

    /// <summary>idf(t) = ln((1 + N) / (1 + df)) + 1.</summary>
    public static double InverseDocumentFrequency(int documentCount, int documentFrequency) =>
        Math.Log((1.0 + documentCount) / (1.0 + documentFrequency)) + 1.0;

    /// <inheritdoc/>
    public Embedding Embed(IReadOnlyList<TextDocument> documents, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var clock = Stopwatch.StartNew();
        var terms = TermLists.Tokenize(documents, _tokenizer, cancellationToken);
        var vocabulary = TermVocabulary.MostFrequent(terms, _maxTerms);
        var idf = new double[vocabulary.Count];
        for (int k = 0; k < idf.Length; k++) idf[k] = InverseDocumentFrequency(documents.Count, vocabulary.DocumentFrequency(k));

        int dimensions = Math.Max(1, vocabulary.Count);
        var builder = new DenseVectors.Builder(documents.Count, dimensions);
        var counts = new int[dimensions];
        var weights = new double[dimensions];
        var zeroRows = new List<int>();
        for (int i = 0; i < documents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(counts);
            foreach (var term in terms[i])
            {
                int k = vocabulary.ColumnOf(term);
                if (k >= 0) counts[k]++;
            }

            double squares = 0;
            for (int k = 0; k < idf.Length; k++)
            {
                weights[k] = counts[k] * idf[k];
                squares += weights[k] * weights[k];
            }

            if (squares == 0)
            {
                zeroRows.Add(i);
                continue;
            }

            double inverseNorm = 1.0 / Math.Sqrt(squares);
            var row = builder.RowSpan(i);
            for (int k = 0; k < idf.Length; k++) row[k] = (float)(weights[k] * inverseNorm);
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
            Details = string.Create(CultureInfo.InvariantCulture, $"{vocabulary.Count} terms"),
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
