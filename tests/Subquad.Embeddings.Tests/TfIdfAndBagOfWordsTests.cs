using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using Subquad.Embeddings.Text;

namespace Subquad.Embeddings.Tests;

public sealed class TfIdfAndBagOfWordsTests
{
    private static List<TextDocument> Docs(params string[] texts) => texts.Select((t, i) => new TextDocument($"doc{i}", t)).ToList();

    [Fact]
    public void TfIdf_TinyCorpus_MatchesTheHandComputedWeights()
    {
        // N = 3; df: a = 2, b = c = d = 1. idf(a) = ln(4/3) + 1 = 1.2876820724517808, idf(b..d) = ln(2) + 1 = 1.6931471805599454.
        // Columns by df, then ordinal: a, b, c, d.
        // doc0 "a b b": (1.28768, 2 * 1.69315) / 3.61287 = (0.35543246785041743, 0.9347019636214327, 0, 0)
        // doc1 "a c":   (1.28768, 1.69315) / 2.12714     = (0.6053485081062916, 0, 0.7959605415681652, 0)
        // doc2 "d":     (0, 0, 0, 1)
        using var embedder = DocumentEmbedders.Create(EmbeddingModel.TfIdf);
        var embedding = embedder.Embed(Docs("a b b", "A, c.", "d"));
        var v = Assert.IsType<DenseVectors>(embedding.Vectors);
        Assert.Equal(4, v.Dimensions);
        Assert.Empty(embedding.ZeroRows);
        float[][] expected =
        [
            [0.35543246785041743f, 0.9347019636214327f, 0f, 0f],
            [0.6053485081062916f, 0f, 0.7959605415681652f, 0f],
            [0f, 0f, 0f, 1f],
        ];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], v.Row(i).ToArray());
        Assert.Equal(Math.Log(4.0 / 3.0) + 1, TfIdfEmbedder.InverseDocumentFrequency(3, 2), 15);
    }

    [Fact]
    public void TfIdf_IdenticalTextsGetCosineOne_RowsAreUnit_RunsAreIdentical_NoTermIsAZeroRow()
    {
        string[] texts = ["the cat sat on the mat", "a dog in the park", "the cat sat on the mat", "!!! ... ???", "cats and dogs"];
        using var embedder = DocumentEmbedders.Create(EmbeddingModel.TfIdf);
        var first = embedder.Embed(Docs(texts));
        var v = (DenseVectors)first.Vectors;
        Assert.Equal([3], first.ZeroRows);
        Assert.True(v.Row(0).SequenceEqual(v.Row(2)));
        for (int i = 0; i < v.Count; i++)
        {
            if (i != 3) Assert.InRange(v.Norm(i), 1 - 1e-6, 1 + 1e-6);
        }

        Assert.True(v.Values.SequenceEqual(((DenseVectors)embedder.Embed(Docs(texts)).Vectors).Values));
    }

    [Fact]
    public void TfIdf_MaxTerms_KeepsTheTermsOfHighestDocumentFrequency()
    {
        // df: x = 3, y = 2, z = 1, w = 1. MaxTerms = 2 keeps x and y.
        var terms = new IReadOnlyList<string>[] { ["x", "y", "z"], ["x", "y"], ["x", "w", "w"] };
        var vocabulary = TermVocabulary.MostFrequent(terms, 2);
        Assert.Equal(["x", "y"], vocabulary.Terms);
        Assert.Equal(3, vocabulary.DocumentFrequency(0));
        Assert.Equal(2, vocabulary.DocumentFrequency(1));
        // Ties by ordinal order.
        Assert.Equal(["x", "y", "w", "z"], TermVocabulary.MostFrequent(terms, 10).Terms);
    }

    [Fact]
    public void Bow_PaperExample_GivesOneOneZeroOne()
    {
        // paper.md 2.1: "There are ten apples on the apple tree" with keywords (apple, tree, computer, ten) -> (1,1,0,1).
        using var embedder = DocumentEmbedders.Create(EmbeddingModel.Bow, new DocumentEmbedderOptions { Keywords = ["apple", "tree", "computer", "ten"] });
        var embedding = embedder.Embed(Docs("There are ten apples on the apple tree", "Computers!"));
        var v = Assert.IsType<BinaryVectors>(embedding.Vectors);
        Assert.Equal(4, v.Dimensions);
        Assert.Equal([true, true, false, true], Enumerable.Range(0, 4).Select(k => v[0, k]).ToArray());
        // "Computers" is not the keyword "computer": matching is by whole term.
        Assert.Equal([1], embedding.ZeroRows);
    }

    [Fact]
    public void Bow_SelectedKeywords_IdenticalTextsGetIdenticalRows()
    {
        using var embedder = DocumentEmbedders.Create(EmbeddingModel.Bow, new DocumentEmbedderOptions { MaxTerms = 3 });
        var embedding = embedder.Embed(Docs("b a c", "a b", "b a c", "d e"));
        var v = (BinaryVectors)embedding.Vectors;
        Assert.Equal("3 keywords", embedding.Details);
        Assert.True(v.Row(0).SequenceEqual(v.Row(2)));
        // Keywords by df then ordinal: a (3), b (3), c (2); "d e" has none of them.
        Assert.Equal([3], embedding.ZeroRows);
        Assert.Equal(3, v.Weight(0));
        Assert.Equal(2, v.Weight(1));
    }

    [Fact]
    public void DefaultTokenizer_IsCoreTokenizer_SplitsOnNonLettersAndLowercases()
    {
        Assert.Equal(["don", "t", "stop", "naïve", "東京", "x2"], Subquad.Core.Text.Tokenizer.Tokens("Don't STOP: naïve 東京 x2!").ToArray());
        Assert.Empty(Subquad.Core.Text.Tokenizer.Tokens(" ... "));
    }

    [Fact]
    public void ModelNames_RoundTrip()
    {
        foreach (var model in Enum.GetValues<EmbeddingModel>())
        {
            Assert.True(EmbeddingModels.TryParse(model.CliName(), out var parsed));
            Assert.Equal(model, parsed);
        }

        Assert.False(EmbeddingModels.TryParse("word2vec", out _));
    }
}
