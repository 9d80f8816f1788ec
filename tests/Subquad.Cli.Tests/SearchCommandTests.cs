using System.Text.Json;
using Subquad.Core.IO;
using Subquad.Core.Search;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.NearDuplicates;
using SkippedFile = Subquad.Core.Text.SkippedFile;
using Subquad.Core.Problems;

namespace Subquad.Cli.Tests;

/// <summary>search end to end (FAISS-layout files, k above the corpus, packed codes), the stale sidecar, --groups and the skip summary.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static long[] ReadInt64(string path, out string header)
    {
        var bytes = File.ReadAllBytes(path);
        int length = BitConverter.ToUInt16(bytes, 8);
        header = System.Text.Encoding.ASCII.GetString(bytes, 10, length);
        var values = new long[(bytes.Length - 10 - length) / 8];
        Buffer.BlockCopy(bytes, 10 + length, values, 0, values.Length * 8);
        return values;
    }

    [Fact]
    public void Search_WritesFaissLayoutFiles_PadsPastTheCorpus_AndMatchesTheOracle()
    {
        CliHarness.Ok("generate", "random", "--n", "6", "--dim", "40", "--density", "0.4", "--seed", "5", "-o", _temp.File("c.npy"));
        CliHarness.Ok("generate", "random", "--n", "3", "--dim", "40", "--density", "0.4", "--seed", "6", "-o", _temp.File("q.npy"));
        var json = JsonDocument.Parse(CliHarness.Ok("search", _temp.File("q.npy"), "--corpus", _temp.File("c.npy"), "-k", "8", "-p", "maxip", "-o", _temp.File("out"), "--check", "--format", "json").Out).RootElement;
        Assert.Equal("ok", json.GetProperty("check").GetString());
        Assert.Equal(6, json.GetProperty("neighbors_per_query").GetInt32());
        Assert.Equal(18, json.GetProperty("results").GetArrayLength());
        var indices = ReadInt64(_temp.File("out/indices.npy"), out string header);
        Assert.Contains("'descr': '<i8'", header, StringComparison.Ordinal);
        Assert.Contains("'shape': (3, 8)", header, StringComparison.Ordinal);
        var expected = NearestNeighbors.Reference(VectorFile.Read(_temp.File("q.npy")), VectorFile.Read(_temp.File("c.npy")), NeighborMetric.MaxIp, 8);
        Assert.Equal(expected.Indices, indices);
        Assert.Equal(-1, indices[7]);
        var scores = File.ReadAllBytes(_temp.File("out/scores.npy"));
        Assert.Contains("'descr': '<i4'", System.Text.Encoding.ASCII.GetString(scores, 0, 64), StringComparison.Ordinal);
    }

    [Fact]
    public void PackedCodes_ReadAsThePlainBits_AndAreNeverGuessed()
    {
        CliHarness.Ok("generate", "random", "--n", "30", "--dim", "70", "--density", "0.3", "--seed", "7", "-o", _temp.File("plain.npy"));
        CliHarness.Ok("generate", "random", "--n", "30", "--dim", "70", "--density", "0.3", "--seed", "7", "--packed", "-o", _temp.File("packed.npy"));
        Assert.Equal(128 + 30 * 9, new FileInfo(_temp.File("packed.npy")).Length);
        var plain = JsonDocument.Parse(CliHarness.Ok("solve", _temp.File("plain.npy"), "-p", "msd", "--format", "json").Out).RootElement.GetProperty("pairs")[0];
        var packed = JsonDocument.Parse(CliHarness.Ok("solve", _temp.File("packed.npy"), "-p", "msd", "--packed", "--dim", "70", "--format", "json").Out).RootElement;
        Assert.Equal("packed_bits", packed.GetProperty("input").GetProperty("dtype").GetString());
        Assert.Equal(plain.GetProperty("i").GetInt32(), packed.GetProperty("pairs")[0].GetProperty("i").GetInt32());
        Assert.Equal(plain.GetProperty("score").GetDouble(), packed.GetProperty("pairs")[0].GetProperty("score").GetDouble());
        // Read without --packed, the bytes are dense counts, and stderr says so.
        var guessed = CliHarness.Ok("info", _temp.File("packed.npy"));
        Assert.Contains("--packed --dim L", guessed.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("solve", _temp.File("packed.npy"), "-p", "msd", "--packed").Code);
        Assert.Equal(ExitCodes.BadInput, CliHarness.Run("solve", _temp.File("packed.npy"), "-p", "msd", "--packed", "--dim", "80").Code);
    }

    [Fact]
    public void GenerateAfterEmbed_ReplacesTheStaleSidecar()
    {
        string folder = _temp.File("docs");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "apple tree");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "pear tree");
        CliHarness.Ok("embed", folder, "-o", _temp.File("docs.npy"), "--keywords", "3");
        Assert.True(File.Exists(_temp.File("docs.names.json")));
        // The README's sequence: regenerating over the embedded file is a deliberate replacement (--force).
        CliHarness.Ok("generate", "random", "--n", "50", "--dim", "16", "--force", "-o", _temp.File("docs.npy"));
        Assert.False(File.Exists(_temp.File("docs.names.json")));
        CliHarness.Ok("solve", _temp.File("docs.npy"), "-p", "maxip");
    }

    [Fact]
    public void Groups_FourIdenticalFilesAreOneGroup_NotSixPairs()
    {
        string folder = _temp.File("dups");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 4; i++) File.WriteAllText(Path.Combine(folder, $"copy{i}.txt"), "the same words in every copy of this file");
        File.WriteAllText(Path.Combine(folder, "other.txt"), "something else entirely different here");
        File.WriteAllText(Path.Combine(folder, "other2.txt"), "something else entirely different here too");
        var pairs = JsonDocument.Parse(CliHarness.Ok("near-duplicates", folder, "-t", "0.99", "--format", "json").Out).RootElement;
        Assert.Equal(6, pairs.GetProperty("pairs").GetArrayLength());
        var groups = JsonDocument.Parse(CliHarness.Ok("near-duplicates", folder, "-t", "0.99", "--groups", "--format", "json").Out).RootElement.GetProperty("groups");
        Assert.Equal(1, groups.GetArrayLength());
        Assert.Equal(4, groups[0].GetProperty("size").GetInt32());
        Assert.Equal(["copy0.txt", "copy1.txt", "copy2.txt", "copy3.txt"], groups[0].GetProperty("documents").EnumerateArray().Select(d => d.GetString()!));
        Assert.Equal(1.0, groups[0].GetProperty("max_cosine").GetDouble());
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("near-duplicates", folder, "--top", "3", "--groups").Code);
    }

    [Fact]
    public void DocumentGroups_AreConnectedComponents()
    {
        PairScore s(double v) => PairScore.Dense(v);
        var pairs = new List<DocumentPair> { new(0, 1, "a", "b", s(0.9)), new(1, 2, "b", "c", s(0.95)), new(3, 4, "d", "e", s(0.99)) };
        var groups = DocumentGroup.From(pairs);
        Assert.Equal(2, groups.Count);
        Assert.Equal(["a", "b", "c"], groups[0].Documents);
        Assert.Equal((0.9, 0.95), (groups[0].MinCosine, groups[0].MaxCosine));
        Assert.Equal(["d", "e"], groups[1].Documents);
        Assert.Empty(DocumentGroup.From([]));
    }

    [Fact]
    public void SkipSummary_CountsByReason_AndHtmlTextDropsMarkup()
    {
        var skipped = new[]
        {
            new SkippedFile("a.bin", "binary file (NUL byte at offset 2)"),
            new SkippedFile("b.bin", "binary file (NUL byte at offset 9)"),
            new SkippedFile(".x", "hidden file (name starts with '.')"),
            new SkippedFile("e.txt", "empty file (0 bytes)"),
        };
        Assert.Equal([("binary file", 2), ("empty file", 1), ("hidden file", 1)], SkipSummary.ByReason(skipped));
        Assert.Equal("Title A & B text", HtmlText.Strip("<html><head><title>Title</title><style>p{color:red}</style></head><!-- c --><body><p class=\"x\">A &amp; B</p><script>var x = 1;</script>text</body></html>"));
        Assert.True(HtmlText.IsHtml("x/Page.HTM"));
        Assert.False(HtmlText.IsHtml("notes.txt"));
    }
}
