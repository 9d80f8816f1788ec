namespace Subquad.Core.Text;

/// <summary>A file under the folder that is not a document, and why (binary, not UTF-8, unreadable, a link loop).</summary>
public sealed record SkippedFile(string RelativePath, string Reason);
