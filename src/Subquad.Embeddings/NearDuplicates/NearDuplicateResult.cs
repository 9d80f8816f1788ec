using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using SkippedFile = Subquad.Core.Text.SkippedFile;

namespace Subquad.Embeddings.NearDuplicates;

/// <summary>What <see cref="NearDuplicateFinder.Find"/> found, and everything a report needs to explain it.</summary>
public sealed record NearDuplicateResult
{
    /// <summary>The folder (or source) the documents came from.</summary>
    public required string Root { get; init; }

    /// <summary>The question asked.</summary>
    public required NearDuplicateQuery Query { get; init; }

    /// <summary>The embedder's description.</summary>
    public required string ModelDescription { get; init; }

    /// <summary>The embedding of all readable documents (zero rows included), with its timing.</summary>
    public required Embedding Embedding { get; init; }

    /// <summary>The documents that were compared (readable, with a non-zero vector), in row order.</summary>
    public required IReadOnlyList<string> Compared { get; init; }

    /// <summary>Everything left out, with reasons: the reader's skips and the documents whose vector was zero.</summary>
    public required IReadOnlyList<SkippedFile> Skipped { get; init; }

    /// <summary>The pairs found, most similar first, ties by (I, J).</summary>
    public required IReadOnlyList<DocumentPair> Pairs { get; init; }

    /// <summary>Wall time of the exact similarity search (threshold join or top-K).</summary>
    public required TimeSpan SearchTime { get; init; }

    /// <summary>The similarity histogram, or null when not asked for.</summary>
    public SimilarityHistogram? Histogram { get; init; }

    /// <summary>The solver that answered.</summary>
    public required string Solver { get; init; }
}
