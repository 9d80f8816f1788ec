using Subquad.Embeddings.MiniLm;
using Subquad.Embeddings.Text;

namespace Subquad.Embeddings.Embedders;

/// <summary>
/// The one entry point for turning documents into vectors. <c>subquad embed --model</c> and
/// <c>subquad near-duplicates --model</c> both call <see cref="Create"/>.
/// </summary>
/// <example>
/// <code>
/// using var embedder = DocumentEmbedders.Create(EmbeddingModel.MiniLm);
/// Embedding embedding = embedder.Embed(documents);      // documents: IReadOnlyList&lt;TextDocument&gt;
/// NpyWriter.Write("docs.npy", embedding.Vectors);        // BinaryVectors for bow, DenseVectors otherwise
/// </code>
/// </example>
public static class DocumentEmbedders
{
    /// <summary>Creates the embedder for <paramref name="model"/>. MiniLM loads its model here (a second or two); dispose it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (MaxTerms or BatchSize below 1).</exception>
    public static IDocumentEmbedder Create(EmbeddingModel model, DocumentEmbedderOptions? options = null)
    {
        options ??= DocumentEmbedderOptions.Default;
        var tokenizer = options.Tokenizer ?? Subquad.Core.Text.Tokenizer.Tokens;
        return model switch
        {
            EmbeddingModel.Bow => new BagOfWordsEmbedder(tokenizer, options.MaxTerms, options.Keywords),
            EmbeddingModel.TfIdf => new TfIdfEmbedder(tokenizer, options.MaxTerms),
            EmbeddingModel.MiniLm => new MiniLmEmbedder(options.BatchSize, options.Threads),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown embedding model"),
        };
    }
}
