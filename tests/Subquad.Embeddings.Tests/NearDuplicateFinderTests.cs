using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using Subquad.Embeddings.NearDuplicates;

namespace Subquad.Embeddings.Tests;

[Collection(MiniLmCollection.Name)]
public sealed class NearDuplicateFinderTests(MiniLmFixture fixture)
{
    private static Rational T(string text) => Rational.TryParse(text, out var t) ? t : throw new ArgumentException(text);

    [Theory]
    [InlineData(EmbeddingModel.Bow)]
    [InlineData(EmbeddingModel.TfIdf)]
    [InlineData(EmbeddingModel.MiniLm)]
    public void TestFolder_FindsTheExactAndTheNearDuplicate_AndNothingElse_AndChangesNothing(EmbeddingModel model)
    {
        using var folder = new TestCorpusFolder();
        string before = TestCorpusFolder.TreeHash(folder.Root);
        var corpus = DocumentCorpus.Read(folder.Root);
        using var own = model == EmbeddingModel.MiniLm ? null : DocumentEmbedders.Create(model);
        IDocumentEmbedder embedder = own ?? fixture.Embedder;
        var result = NearDuplicateFinder.Find(corpus, embedder, NearDuplicateQuery.AtLeast(T("0.8")), histogram: true);

        var pairs = result.Pairs.Select(p => (p.NameI, p.NameJ)).ToList();
        Assert.Equal(
            [
                ("nested/deeper/exact-copy.txt", "original.txt"),
                ("near-copy.md", "nested/deeper/exact-copy.txt"),
                ("near-copy.md", "original.txt"),
            ],
            pairs);
        Assert.InRange(result.Pairs[0].Similarity, 1 - 1e-6, 1 + 1e-6);
        Assert.True(result.Pairs[1].Similarity < 1 - 1e-6, "the near copy is not identical");
        Assert.Equal(result.Pairs[1].Similarity, result.Pairs[2].Similarity, 6);
        Assert.Equal(TestCorpusFolder.ExpectedSkips.Select(s => s.Name).ToArray(), result.Skipped.Select(s => s.RelativePath).ToArray());
        Assert.Equal(6, result.Compared.Count);
        Assert.Equal(15, result.Histogram!.Total);
        Assert.Equal(before, TestCorpusFolder.TreeHash(folder.Root));
    }

    [Fact]
    public void Threshold_And_TopK_Agree_WithTheOracle_OnGeneratedCorpora()
    {
        var random = new Random(7);
        string[] vocabulary = [.. Enumerable.Range(0, 40).Select(k => "w" + k)];
        for (int round = 0; round < 20; round++)
        {
            int n = random.Next(2, 30);
            var docs = Enumerable.Range(0, n).Select(i => new TextDocument($"d{i:D2}",
                string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => vocabulary[random.Next(round % 2 == 0 ? 8 : 40)])))).ToList();
            var corpus = new DocumentCorpus("<generated>", docs, []);
            foreach (var model in new[] { EmbeddingModel.Bow, EmbeddingModel.TfIdf })
            {
                using var embedder = DocumentEmbedders.Create(model);
                var t = T("0.5");
                var joined = NearDuplicateFinder.Find(corpus, embedder, NearDuplicateQuery.AtLeast(t)).Pairs;
                var top = NearDuplicateFinder.Find(corpus, embedder, NearDuplicateQuery.MostSimilar(n * n)).Pairs;
                // The threshold join is the prefix of the full ranking that meets t, in the same order.
                var expected = top.Where(p => ScoreOrder.MeetsThreshold(ProblemKind.Msd, p.Score, t)).Select(p => (p.NameI, p.NameJ)).ToList();
                Assert.Equal(expected, joined.Select(p => (p.NameI, p.NameJ)).ToList());
                Assert.Equal(n * (n - 1) / 2, top.Count);

                // And both agree with the oracle run directly on the embedding.
                var embedding = embedder.Embed(docs);
                if (embedding.ZeroRows.Count == 0)
                {
                    var oracle = BruteForce.PairsMeeting(SimilarityInstance.Monochromatic(embedding.Vectors), Problem.WithThreshold(ProblemKind.Msd, t));
                    Assert.Equal(oracle.Select(a => (a.I, a.J)).Order().ToList(), joined.Select(p => (p.I, p.J)).Order().ToList());
                }
            }
        }
    }

    [Fact]
    public void ThresholdJoin_PastMaxPairs_IsAnInputError()
    {
        var docs = Enumerable.Range(0, 10).Select(i => new TextDocument($"d{i}", "same words here")).ToList();
        using var embedder = DocumentEmbedders.Create(EmbeddingModel.Bow);
        var query = NearDuplicateQuery.AtLeast(T("0.5")) with { MaxPairs = 44 };
        var error = Assert.Throws<InputException>(() => NearDuplicateFinder.Find(new DocumentCorpus("dir", docs, []), embedder, query));
        Assert.Contains("more than 44 pairs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WritesMarkdownWithHistogramAndSkips()
    {
        using var folder = new TestCorpusFolder();
        string reportDir = Path.Combine(Path.GetTempPath(), "subquad-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var embedder = DocumentEmbedders.Create(EmbeddingModel.Bow);
            var result = NearDuplicateFinder.Find(DocumentCorpus.Read(folder.Root), embedder, NearDuplicateQuery.MostSimilar(3), histogram: true);
            string path = NearDuplicateReport.Write(reportDir, result);
            string markdown = File.ReadAllText(path);
            Assert.Contains("## Similarity histogram", markdown, StringComparison.Ordinal);
            Assert.Contains("all 15 pairs", markdown, StringComparison.Ordinal);
            Assert.Contains("`latin1.txt` | `not valid UTF-8 text", markdown, StringComparison.Ordinal);
            Assert.Contains("| 1 | 1.0000 | `nested/deeper/exact-copy.txt` | `original.txt` |", markdown, StringComparison.Ordinal);
            var png = File.ReadAllBytes(Path.Combine(reportDir, NearDuplicateReport.HistogramFile));
            Assert.True(png.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G']), "the histogram is not a PNG");
        }
        finally
        {
            if (Directory.Exists(reportDir)) Directory.Delete(reportDir, recursive: true);
        }
    }
}
