using Subquad.Embeddings.Documents;

namespace Subquad.Embeddings.Embedders;

/// <summary>Maps a list of documents to one vector each. Deterministic: the same list gives bit-identical vectors.</summary>
public interface IDocumentEmbedder : IDisposable
{
    /// <summary>The model.</summary>
    EmbeddingModel Model { get; }

    /// <summary>One line for reports: the model and its settings.</summary>
    string Description { get; }

    /// <summary>Embeds <paramref name="documents"/>; row i is document i and is named after it.</summary>
    /// <param name="documents">The documents, in the order wanted for the rows.</param>
    /// <param name="progress">Receives the number of documents done, now and then.</param>
    /// <param name="cancellationToken">Stops the run with <see cref="OperationCanceledException"/>.</param>
    Embedding Embed(IReadOnlyList<TextDocument> documents, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
