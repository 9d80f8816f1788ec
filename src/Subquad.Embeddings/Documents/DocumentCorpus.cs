namespace Subquad.Embeddings.Documents;

/// <summary>The documents read from a source, in a deterministic order, and the entries that were left out.</summary>
/// <param name="Root">The folder (or file) they were read from, as given.</param>
/// <param name="Documents">The readable documents, ordered by name (ordinal).</param>
/// <param name="Skipped">Everything left out, with reasons, ordered by name (ordinal).</param>
public sealed record DocumentCorpus(string Root, IReadOnlyList<TextDocument> Documents, IReadOnlyList<SkippedFile> Skipped);
