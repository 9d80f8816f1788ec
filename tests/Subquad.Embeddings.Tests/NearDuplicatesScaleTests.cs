using System.Diagnostics;
using System.Globalization;
using System.Text;
using Subquad.Core.Problems;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using Subquad.Embeddings.NearDuplicates;

namespace Subquad.Embeddings.Tests;

/// <summary>
/// The performance run of docs/embeddings.md: 10,000 generated documents in a temporary folder, read, embedded and
/// joined end to end with each model. Behind SUBQUAD_LONG_TESTS=1 (minutes). SUBQUAD_KEEP_CORPUS=DIR writes the
/// folder to DIR and keeps it, so the CLI can be timed on the same files.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class NearDuplicatesScaleTests(MiniLmFixture fixture)
{
    private const int Documents = 10_000;
    private const int ExactCopies = 20;
    private const int NearCopies = 30;

    private static readonly string[] Words =
    [
        "time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child", "world", "school", "state",
        "family", "student", "group", "country", "problem", "hand", "part", "place", "case", "week", "company", "system",
        "program", "question", "work", "government", "number", "night", "point", "home", "water", "room", "mother",
        "area", "money", "story", "fact", "month", "lot", "right", "study", "book", "eye", "job", "word", "business",
        "issue", "side", "kind", "head", "house", "service", "friend", "father", "power", "hour", "game", "line", "end",
        "member", "law", "car", "city", "community", "name", "president", "team", "minute", "idea", "kid", "body",
        "information", "back", "parent", "face", "others", "level", "office", "door", "health", "person", "art", "war",
        "history", "party", "result", "change", "morning", "reason", "research", "girl", "guy", "moment", "air",
        "teacher", "force", "education", "foot", "boy", "age", "policy", "music", "market", "sense", "nation", "plan",
        "college", "interest", "death", "experience", "effect", "use", "class", "control", "care", "field", "development",
        "role", "effort", "rate", "heart", "drug", "show", "leader", "light", "voice", "wife", "police", "mind", "price",
        "report", "decision", "son", "view", "relationship", "town", "road", "arm", "difference", "value", "building",
        "action", "model", "season", "society", "tax", "director", "position", "player", "record", "paper", "space",
        "ground", "form", "event", "official", "matter", "center", "couple", "site", "project", "activity", "star",
        "table", "need", "court", "oil", "situation", "cost", "industry", "figure", "street", "image", "phone", "data",
        "picture", "practice", "piece", "land", "product", "doctor", "wall", "patient", "worker", "news", "test", "movie",
        "the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "with", "new", "good", "old", "big", "small",
        "makes", "takes", "finds", "gives", "tells", "calls", "keeps", "brings", "holds", "turns", "starts", "shows",
    ];

    /// <summary>Writes the corpus: random word sequences of 40-160 words, plus planted exact and near copies.</summary>
    internal static void Write(string root, int seed = 2410)
    {
        var random = new Random(seed);
        var texts = new string[Documents];
        int planted = ExactCopies + NearCopies;
        for (int i = 0; i < Documents - planted; i++)
        {
            int length = random.Next(40, 161);
            var text = new StringBuilder();
            for (int w = 0; w < length; w++)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(w % 12 == 11 ? ". " : " ");
            }

            texts[i] = text.ToString().TrimEnd();
        }

        for (int c = 0; c < planted; c++)
        {
            string source = texts[c * 7];
            if (c < ExactCopies)
            {
                texts[Documents - planted + c] = source;
                continue;
            }

            // A near copy: three words replaced.
            var words = source.Split(' ');
            for (int r = 0; r < 3; r++) words[random.Next(words.Length)] = Words[random.Next(Words.Length)];
            texts[Documents - planted + c] = string.Join(' ', words);
        }

        for (int i = 0; i < Documents; i++)
        {
            string dir = Path.Combine(root, "part" + (i / 1000).ToString("D2", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "doc" + i.ToString("D5", CultureInfo.InvariantCulture) + ".txt"), texts[i]);
        }
    }

    [Theory]
    [InlineData(EmbeddingModel.Bow)]
    [InlineData(EmbeddingModel.TfIdf)]
    [InlineData(EmbeddingModel.MiniLm)]
    public void TenThousandDocuments_EndToEnd(EmbeddingModel model)
    {
        if (Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") != "1") Assert.Skip("set SUBQUAD_LONG_TESTS=1 to run the 10,000-document performance run (minutes)");
        string? keep = Environment.GetEnvironmentVariable("SUBQUAD_KEEP_CORPUS");
        string root = keep ?? Path.Combine(Path.GetTempPath(), "subquad-10k-" + Guid.NewGuid().ToString("N"));
        var log = TestContext.Current.TestOutputHelper!;
        try
        {
            var clock = Stopwatch.StartNew();
            if (!Directory.Exists(root) || Directory.EnumerateFiles(root, "*.txt", SearchOption.AllDirectories).Count() != Documents)
            {
                Write(root);
                log.WriteLine($"wrote {Documents} documents to {root} in {clock.Elapsed.TotalSeconds:F1} s");
            }

            clock.Restart();
            var corpus = DocumentCorpus.Read(root);
            var read = clock.Elapsed;
            using var own = model == EmbeddingModel.MiniLm ? null : DocumentEmbedders.Create(model);
            var embedder = own ?? fixture.Embedder;
            var t = Rational.TryParse("0.9", out var r) ? r : default;
            var result = NearDuplicateFinder.Find(corpus, embedder, NearDuplicateQuery.AtLeast(t));
            clock.Stop();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.CliName()}: read {read.TotalSeconds:F2} s; embed {result.Embedding.Elapsed.TotalSeconds:F2} s = {result.Embedding.DocumentsPerSecond:F1} documents/s ({result.Embedding.Details}); exact join at t = 0.9 ({result.Solver}) {result.SearchTime.TotalSeconds:F2} s, {result.Pairs.Count} pairs; end to end {clock.Elapsed.TotalSeconds:F2} s"));
            Assert.Equal(Documents, corpus.Documents.Count);
            // Every planted exact copy is found with cosine 1.
            int exact = result.Pairs.Count(p => p.Similarity > 1 - 1e-6);
            Assert.True(exact >= ExactCopies, $"{model}: {exact} pairs with cosine 1, expected at least {ExactCopies}");
        }
        finally
        {
            if (keep is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
