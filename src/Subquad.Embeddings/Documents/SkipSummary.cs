using SkippedFile = Subquad.Core.Text.SkippedFile;

namespace Subquad.Embeddings.Documents;

/// <summary>
/// Skipped files counted by reason, so a run over a large tree (2,196 skips under /usr/share/doc) prints a few lines
/// instead of one per file. The reason's category is its text before the first detail ("binary file (NUL byte at
/// offset 12)" counts as "binary file").
/// </summary>
public static class SkipSummary
{
    /// <summary>The category of a reason: the text before " (" or ": ".</summary>
    public static string CategoryOf(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        int cut = reason.Length;
        foreach (var mark in new[] { " (", ": " })
        {
            int at = reason.IndexOf(mark, StringComparison.Ordinal);
            if (at > 0) cut = Math.Min(cut, at);
        }

        return reason[..cut];
    }

    /// <summary>(category, count) pairs, most frequent first, then by name.</summary>
    public static IReadOnlyList<(string Reason, int Count)> ByReason(IEnumerable<SkippedFile> skipped) =>
        skipped.GroupBy(s => CategoryOf(s.Reason)).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
}
