namespace Subquad.Core.Text;

/// <summary>
/// The policy of <see cref="TextFolder"/> where its callers differ: <c>subquad embed</c> takes the defaults (links
/// followed, 64 MiB, empty and blank files are documents); <c>subquad near-duplicates</c> never follows a link (a
/// link to a file is the same document and would be its own "near duplicate"), and skips texts with nothing to compare.
/// </summary>
public sealed record TextFolderOptions
{
    /// <summary>
    /// True (default): links to files and folders are followed, a folder whose real path was already walked is not
    /// walked again (no loops, no duplicates). False: every link is skipped with its target.
    /// </summary>
    public bool FollowLinks { get; init; } = true;

    /// <summary>Largest document read (default 64 MiB); larger files are skipped with their size, before any is read.</summary>
    public long MaxBytes { get; init; } = TextFolder.MaxBytes;

    /// <summary>True: zero-byte files (never opened, so a FIFO cannot block) and texts of only whitespace are skipped. False (default): they are documents.</summary>
    public bool SkipBlank { get; init; }

    /// <summary>What the caller reads, for the error when the path is a file ("is a file; {Reads}").</summary>
    public string Reads { get; init; } = "embed reads a folder of text files";
}
