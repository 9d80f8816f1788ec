namespace Subquad.Embeddings.Documents;

/// <summary>One document to embed: a display name (for a folder, the path relative to it) and its text.</summary>
/// <remarks>
/// The embedders take a plain list of these, so they do not care where the text came from: a folder reader, a
/// JSONL file or a test. Row i of an embedding is document i of the list, and its row name is <see cref="Name"/>.
/// </remarks>
/// <param name="Name">Display name, used as the row name of the embedding.</param>
/// <param name="Text">The document's text (already decoded).</param>
public sealed record TextDocument(string Name, string Text);
