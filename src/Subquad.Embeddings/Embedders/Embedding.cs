using Subquad.Core.Vectors;

namespace Subquad.Embeddings.Embedders;

/// <summary>The vectors of a list of documents (row i is document i, named after it) and how they were made.</summary>
public sealed record Embedding
{
    /// <summary>One row per document: <see cref="BinaryVectors"/> for BOW, <see cref="DenseVectors"/> otherwise.</summary>
    public required VectorSet Vectors { get; init; }

    /// <summary>The model that made them.</summary>
    public required EmbeddingModel Model { get; init; }

    /// <summary>Wall time of the embedding step (tokenizing included; model loading excluded).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>
    /// Rows that are all zero because their document has no term of the vocabulary (BOW, TF-IDF) or no token at all
    /// (MiniLM). Cosine is undefined for them; callers drop them with a reason.
    /// </summary>
    public required IReadOnlyList<int> ZeroRows { get; init; }

    /// <summary>One line on the representation ("4096 keywords", "1234 chunks of at most 256 tokens").</summary>
    public required string Details { get; init; }

    /// <summary>Documents per second of <see cref="Elapsed"/>.</summary>
    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Vectors.Count / Elapsed.TotalSeconds : double.PositiveInfinity;
}
