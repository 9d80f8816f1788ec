using System.Text.Json;

namespace Subquad.Cli.Tests.NearDuplicates;

public sealed class NearDuplicatesCommandTests
{
    private const string Exact = "nested/deeper/exact, copy.txt";

    [Fact]
    public void Bow_Threshold_PrintsTheDuplicatePairs_ListsSkippedFilesWithReasons_AndLeavesTheFolderAlone()
    {
        using var folder = new NearDuplicatesFolder();
        string before = folder.TreeHash();
        var (exit, output, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--threshold", "0.8");
        Assert.True(exit == 0, error);
        Assert.Contains("every pair with cosine >= 0.8", output, StringComparison.Ordinal);
        Assert.Contains("1.0000", output, StringComparison.Ordinal);
        Assert.Contains(Exact, output, StringComparison.Ordinal);
        Assert.Contains("near-copy.md", output, StringComparison.Ordinal);
        Assert.DoesNotContain("football", output, StringComparison.Ordinal);
        Assert.Contains("skipped 4 files:", error, StringComparison.Ordinal);
        Assert.Contains("data.bin: binary file (NUL byte at offset 2)", error, StringComparison.Ordinal);
        Assert.Contains("empty.txt: empty file (0 bytes)", error, StringComparison.Ordinal);
        Assert.Contains("latin1.txt: not valid UTF-8 text (byte 0xE9 at offset 3)", error, StringComparison.Ordinal);
        Assert.Contains("nested/loop: symbolic link to '..'", error, StringComparison.Ordinal);
        Assert.Contains("documents/s", error, StringComparison.Ordinal);
        Assert.Equal(before, folder.TreeHash());
    }

    [Theory]
    [InlineData("bow")]
    [InlineData("tfidf")]
    [InlineData("minilm")]
    public void Json_HasThePairsBestFirstAndTheSkips(string model)
    {
        using var folder = new NearDuplicatesFolder();
        var (exit, output, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--model", model, "--threshold", "0.8", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(model, root.GetProperty("model").GetString());
        Assert.Equal(5, root.GetProperty("documents_compared").GetInt32());
        Assert.Equal("subquad.near-duplicates/1", root.GetProperty("schema").GetString());
        var pairs = root.GetProperty("pairs").EnumerateArray().Select(p => (p.GetProperty("name_i").GetString(), p.GetProperty("name_j").GetString(), p.GetProperty("cosine").GetDouble())).ToList();
        Assert.Equal([(Exact, "original.txt"), ("near-copy.md", Exact), ("near-copy.md", "original.txt")], pairs.Select(p => (p.Item1, p.Item2)).ToList());
        Assert.InRange(pairs[0].Item3, 1 - 1e-6, 1); // clamped: float64 rounding never reports a cosine above 1
        Assert.InRange(pairs[1].Item3, 0.8, 1 - 1e-6);
        var skipped = root.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("file").GetString()).ToList();
        Assert.Equal(["data.bin", "empty.txt", "latin1.txt", "nested/loop"], skipped);
    }

    [Fact]
    public void Interactive_ProgressPath_GivesTheSameCsv()
    {
        using var folder = new NearDuplicatesFolder();
        var (_, plain, _) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--top", "4", "--format", "csv");
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SubquadApp.Run(["near-duplicates", folder.Root, "--top", "4", "--format", "csv"], output, error, interactive: true);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(plain, output.ToString());
    }

    [Fact]
    public void Csv_TopK_QuotesNamesWithCommas()
    {
        using var folder = new NearDuplicatesFolder();
        var (exit, output, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--model", "tfidf", "--top", "2", "--format", "csv");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("rank,i,j,name_i,name_j,cosine,shared_keywords,keywords_i,keywords_j", lines[0]);
        Assert.Contains(",\"nested/deeper/exact, copy.txt\",original.txt,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",near-copy.md,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WritesMarkdownAndHistogramOutsideTheFolder()
    {
        using var folder = new NearDuplicatesFolder();
        string before = folder.TreeHash();
        string reportDir = folder.Root + "-report";
        try
        {
            var (exit, _, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--top", "3", "--report", reportDir);
            Assert.True(exit == 0, error);
            Assert.Contains("report written to", error, StringComparison.Ordinal);
            string markdown = File.ReadAllText(Path.Combine(reportDir, "near-duplicates.md"));
            Assert.Contains("![similarity histogram](similarity-histogram.png)", markdown, StringComparison.Ordinal);
            Assert.Contains("all 10 pairs", markdown, StringComparison.Ordinal);
            Assert.Contains("`data.bin` | `binary file", markdown, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(reportDir, "similarity-histogram.png")).Length > 1000);
            Assert.Equal(before, folder.TreeHash());
        }
        finally
        {
            if (Directory.Exists(reportDir)) Directory.Delete(reportDir, recursive: true);
        }
    }

    [Fact]
    public void Report_InsideTheFolder_IsRefused_AndNothingIsWritten()
    {
        using var folder = new NearDuplicatesFolder();
        string before = folder.TreeHash();
        var (exit, output, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, "--report", Path.Combine(folder.Root, "report"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.Contains("lies inside", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, folder.TreeHash());
    }

    [Theory]
    [InlineData("--threshold", "0.5", "--top", "3", "exclude each other")]
    [InlineData("--model", "word2vec", "--top", "3", "unknown model")]
    [InlineData("--threshold", "1.5", "--max-terms", "10", "must be a number in [0, 1]")]
    [InlineData("--top", "0", "--max-terms", "10", "must be at least 1")]
    public void BadOptions_AreUsageErrors(string a, string b, string c, string d, string message)
    {
        using var folder = new NearDuplicatesFolder();
        var (exit, _, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root, a, b, c, d);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolder_And_FewerThanTwoTexts_AreInputErrors()
    {
        var (exit, _, error) = NearDuplicatesFolder.Run("near-duplicates", Path.Combine(Path.GetTempPath(), "subquad-no-such-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("folder not found", error, StringComparison.Ordinal);

        using var folder = new NearDuplicatesFolder(onlyOneText: true);
        (exit, _, error) = NearDuplicatesFolder.Run("near-duplicates", folder.Root);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("skipped 4 files:", error, StringComparison.Ordinal);
        Assert.Contains("1 document can be compared; near-duplicates needs at least 2", error, StringComparison.Ordinal);
    }
}
