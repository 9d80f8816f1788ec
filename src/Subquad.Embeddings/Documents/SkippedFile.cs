namespace Subquad.Embeddings.Documents;

/// <summary>A file or document left out of a run, with the reason a user can act on.</summary>
/// <param name="Name">The path relative to the input folder (or the document name).</param>
/// <param name="Reason">Why it was left out, in one line ("binary file (NUL byte at offset 12)").</param>
public sealed record SkippedFile(string Name, string Reason);
