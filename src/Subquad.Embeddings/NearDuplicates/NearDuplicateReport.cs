using System.Globalization;
using System.Text;

namespace Subquad.Embeddings.NearDuplicates;

/// <summary>
/// Writes a near-duplicate result as a markdown report (<see cref="MarkdownFile"/>) with a histogram of pair
/// similarities drawn by ScottPlot (<see cref="HistogramFile"/>) beside it.
/// </summary>
public static class NearDuplicateReport
{
    /// <summary>The report's file name inside the report folder.</summary>
    public const string MarkdownFile = "near-duplicates.md";

    /// <summary>The histogram's file name inside the report folder.</summary>
    public const string HistogramFile = "similarity-histogram.png";

    /// <summary>Pairs listed in the markdown at most (the command's own output lists all).</summary>
    public const int MaxPairsListed = 1000;

    /// <summary>Creates <paramref name="directory"/> if needed and writes the report and the histogram into it (replacing earlier ones).</summary>
    /// <returns>The path of the markdown file.</returns>
    public static string Write(string directory, NearDuplicateResult result)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        string markdownPath = Path.Combine(directory, MarkdownFile);
        if (result.Histogram is { } histogram) DrawHistogram(histogram, Path.Combine(directory, HistogramFile));
        File.WriteAllText(markdownPath, Markdown(result), new UTF8Encoding(false));
        return markdownPath;
    }

    /// <summary>The markdown text of the report.</summary>
    public static string Markdown(NearDuplicateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var embedding = result.Embedding;
        md.AppendLine("# Near-duplicate documents").AppendLine();
        md.AppendLine(inv, $"- Folder: `{result.Root}`");
        md.AppendLine(inv, $"- Model: {result.ModelDescription} ({embedding.Details})");
        md.AppendLine(inv, $"- Documents: {embedding.Vectors.Count} read, {result.Compared.Count} compared, {result.Skipped.Count} skipped");
        md.AppendLine(inv, $"- Embedding: {embedding.Elapsed.TotalSeconds:F2} s ({embedding.DocumentsPerSecond:F1} documents/s)");
        md.AppendLine(inv, $"- Search: {result.Query}, exact ({result.Solver}), {result.SearchTime.TotalSeconds:F3} s");
        md.AppendLine(inv, $"- Pairs found: {result.Pairs.Count}").AppendLine();

        md.AppendLine("## Pairs").AppendLine();
        if (result.Pairs.Count == 0)
        {
            md.AppendLine("No pair met the query.").AppendLine();
        }
        else
        {
            md.AppendLine("| # | cosine | document | document |").AppendLine("|---:|---:|---|---|");
            int rank = 0;
            foreach (var pair in result.Pairs.Take(MaxPairsListed))
            {
                md.AppendLine(inv, $"| {++rank} | {pair.Similarity:F4} | {Cell(pair.NameI)} | {Cell(pair.NameJ)} |");
            }

            if (result.Pairs.Count > MaxPairsListed) md.AppendLine().AppendLine(inv, $"The first {MaxPairsListed} of {result.Pairs.Count} pairs are listed; `--format csv` prints all.");
            md.AppendLine();
        }

        if (result.Histogram is { } histogram)
        {
            md.AppendLine("## Similarity histogram").AppendLine();
            md.AppendLine(inv, $"Cosine similarity of {histogram.Scope}.").AppendLine();
            md.AppendLine(inv, $"![similarity histogram]({HistogramFile})").AppendLine();
            md.AppendLine("| cosine | pairs |").AppendLine("|---|---:|");
            if (histogram.BelowZero > 0) md.AppendLine(inv, $"| < 0 | {histogram.BelowZero} |");
            for (int b = 0; b < histogram.Bins; b++)
            {
                string upper = b == histogram.Bins - 1 ? "1]" : $"{histogram.LowerEdge(b + 1):F2})";
                md.AppendLine(inv, $"| [{histogram.LowerEdge(b):F2}, {upper} | {histogram.Counts[b]} |");
            }

            md.AppendLine();
        }

        md.AppendLine("## Skipped").AppendLine();
        if (result.Skipped.Count == 0)
        {
            md.AppendLine("Nothing was skipped.");
        }
        else
        {
            md.AppendLine("| file | reason |").AppendLine("|---|---|");
            foreach (var skip in result.Skipped) md.AppendLine(inv, $"| {Cell(skip.RelativePath)} | {Cell(skip.Reason)} |");
        }

        return md.ToString();
    }

    private static string Cell(string text) => "`" + text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "`";

    private static void DrawHistogram(SimilarityHistogram histogram, string path)
    {
        var plot = new ScottPlot.Plot();
        double width = 1.0 / histogram.Bins;
        var positions = new List<double>();
        var values = new List<double>();
        if (histogram.BelowZero > 0)
        {
            positions.Add(-width / 2);
            values.Add(histogram.BelowZero);
        }

        for (int b = 0; b < histogram.Bins; b++)
        {
            positions.Add(histogram.LowerEdge(b) + width / 2);
            values.Add(histogram.Counts[b]);
        }

        var bars = plot.Add.Bars(positions.ToArray(), values.ToArray());
        foreach (var bar in bars.Bars) bar.Size = width * 0.95;
        plot.Title("Pair similarities: " + histogram.Scope);
        plot.XLabel(histogram.BelowZero > 0 ? "cosine similarity (leftmost bar: below 0)" : "cosine similarity");
        plot.YLabel("pairs");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 900, 500);
    }
}
