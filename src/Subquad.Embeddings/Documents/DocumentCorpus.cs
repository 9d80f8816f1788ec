using Subquad.Core.Text;
using SkippedFile = Subquad.Core.Text.SkippedFile;

namespace Subquad.Embeddings.Documents;

/// <summary>The documents read from a source, in a deterministic order, and the entries that were left out.</summary>
/// <param name="Root">The folder (or file) they were read from, as given.</param>
/// <param name="Documents">The readable documents, ordered by name (ordinal).</param>
/// <param name="Skipped">Everything left out, with reasons, ordered by name (ordinal).</param>
public sealed record DocumentCorpus(string Root, IReadOnlyList<TextDocument> Documents, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>
    /// How <c>subquad near-duplicates</c> reads a folder with the one folder reader (<see cref="TextFolder"/>): a link
    /// is never followed (a link to a file is the same document and would be reported as its own near duplicate),
    /// files above 16 MiB are skipped, and so are empty files and texts of only whitespace (nothing to compare).
    /// </summary>
    public static TextFolderOptions FolderOptions { get; } = new()
    {
        FollowLinks = false,
        MaxBytes = 16L << 20,
        SkipBlank = true,
        Reads = "near-duplicates reads a folder of text files",
    };

    /// <summary>Reads every text document under <paramref name="folder"/>, recursively, with <see cref="FolderOptions"/>.</summary>
    /// <exception cref="Subquad.Core.InputException">The folder does not exist or is a file.</exception>
    public static DocumentCorpus Read(string folder, CancellationToken cancellationToken = default)
    {
        var (documents, skipped) = TextFolder.Read(folder, FolderOptions, cancellationToken);
        return new DocumentCorpus(folder, documents.Select(d => new TextDocument(d.RelativePath, d.Text)).ToList(), skipped);
    }
}
