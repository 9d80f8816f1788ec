using Subquad.Core.Vectors;

namespace Subquad.Core.Text;

/// <summary>The bag-of-words embedding of a folder.</summary>
/// <param name="Vectors">One row per document (row names = relative paths), one column per keyword.</param>
/// <param name="Keywords">Column k's keyword.</param>
/// <param name="Skipped">Files that were not documents, with reasons.</param>
/// <param name="Warnings">Other things the caller should show: documents that became zero rows.</param>
public sealed record BagOfWordsResult(BinaryVectors Vectors, IReadOnlyList<string> Keywords, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<string> Warnings);
