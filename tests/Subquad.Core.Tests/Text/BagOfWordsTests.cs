using Subquad.Core.Tests.IO;
using Subquad.Core.Text;

namespace Subquad.Core.Tests.Text;

public class BagOfWordsTests
{
    [Fact]
    public void PaperExample_GivesOneOneZeroOne()
    {
        // paper.md 2.1: "There are ten apples on the apple tree", keywords (apple, tree, computer, ten) -> (1,1,0,1).
        var v = BagOfWords.Embed(["There are ten apples on the apple tree"], ["apple", "tree", "computer", "ten"]);
        Assert.Equal([true, true, false, true], Enumerable.Range(0, 4).Select(k => v[0, k]).ToArray());
    }

    [Fact]
    public void PaperExample_AppleCountsBecauseAppleOccurs_NotBecauseOfApples()
    {
        // Our matching is exact on words (no stemming): the paper's vector holds since "apple" itself occurs.
        // Without it, "apples" alone does not switch the apple bit on. This documents the choice honestly.
        var v = BagOfWords.Embed(["There are ten apples on the tree"], ["apple", "tree", "computer", "ten"]);
        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(k => v[0, k]).ToArray());
    }

    [Fact]
    public void KeywordSelection_MostFrequentFirst_TiesByOrdinal_MaxAndMinDf()
    {
        var docs = new[] { "a b c the", "b c d the", "c d e the", "x the", "y the" }
            .Select(t => (IReadOnlySet<string>)Tokenizer.DistinctTokens(t)).ToList();
        // df: the 5, c 3, b 2, d 2, a 1, e 1, x 1, y 1.
        Assert.Equal(["c", "b", "d", "a", "e"], KeywordSelection.Select(docs, new KeywordOptions { Count = 5, MaxDocumentFraction = 0.6 }));
        Assert.Equal(["the", "c"], KeywordSelection.Select(docs, new KeywordOptions { Count = 2, MaxDocumentFraction = 1 }));
        Assert.Equal(["b", "d"], KeywordSelection.Select(docs, new KeywordOptions { Count = 9, MaxDocumentFraction = 0.5 }).Take(2));
        Assert.Equal(["b", "d"], KeywordSelection.Select(docs, new KeywordOptions { Count = 9, MaxDocumentFraction = 0.5, MinDocuments = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeywordSelection.Select(docs, new KeywordOptions { MaxDocumentFraction = 0 }));
    }

    [Fact]
    public void KeywordFile_CommentsCaseAndErrors()
    {
        Assert.Equal(["apple", "tree", "ten"], KeywordFile.Parse(new StringReader("# fruit\nApple\n\n  tree  # a plant\nTEN\n"), "k.txt"));
        Assert.Contains("line 2", Assert.Throws<InputException>(() => KeywordFile.Parse(new StringReader("apple\nnew york\n"), "k.txt")).Message, StringComparison.Ordinal);
        Assert.Contains("line 3", Assert.Throws<InputException>(() => KeywordFile.Parse(new StringReader("apple\ntree\nAPPLE\n"), "k.txt")).Message, StringComparison.Ordinal);
        Assert.Contains("no keywords", Assert.Throws<InputException>(() => KeywordFile.Parse(new StringReader("# none\n"), "k.txt")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_OrderSkipsAndRowNames()
    {
        using var temp = new FoundationTestData.TempFolder();
        Directory.CreateDirectory(temp.File("sub/deeper"));
        File.WriteAllText(temp.File("b.txt"), "apple tree");
        File.WriteAllText(temp.File("a.txt"), "apple computer");
        File.WriteAllText(temp.File("sub/deeper/z.md"), "tree ten");
        File.WriteAllText(temp.File("sub/B.txt"), "ten computer");
        File.WriteAllBytes(temp.File("bin.dat"), [65, 0, 66]);
        File.WriteAllBytes(temp.File("latin1.txt"), [0x63, 0x61, 0x66, 0xE9]);
        File.WriteAllBytes(temp.File("bom.txt"), [0xEF, 0xBB, 0xBF, .. "apple"u8]);
        File.WriteAllText(temp.File("empty.txt"), "");
        Directory.CreateDirectory(temp.File(".git"));
        File.WriteAllText(temp.File(".git/HEAD"), "ref: refs/heads/main");
        File.WriteAllText(temp.File(".notes.txt"), "apple");
        var result = BagOfWords.EmbedFolder(temp.Path, keywords: ["apple", "tree", "computer", "ten"]);
        Assert.Equal(["a.txt", "b.txt", "bom.txt", "empty.txt", "sub/B.txt", "sub/deeper/z.md"], result.Vectors.RowNames!);
        Assert.Equal([".git/", ".notes.txt", "bin.dat", "latin1.txt"], result.Skipped.Select(s => s.RelativePath)); // a skipped folder is named with a trailing / (one reader for embed and near-duplicates)
        Assert.Contains("hidden folder", result.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("NUL", result.Skipped[2].Reason, StringComparison.Ordinal);
        Assert.Contains("UTF-8", result.Skipped[3].Reason, StringComparison.Ordinal);
        Assert.True(result.Vectors[2, 0]); // the BOM is not part of "apple"
        Assert.True(result.Vectors.IsZeroRow(3));
        Assert.Single(result.Warnings);
        Assert.Contains("empty.txt", result.Warnings[0], StringComparison.Ordinal);
        Assert.Equal([true, false, true, false], Enumerable.Range(0, 4).Select(k => result.Vectors[0, k]).ToArray());
    }

    [Fact]
    public void Folder_LinkLoops_AreNotFollowedTwice()
    {
        using var temp = new FoundationTestData.TempFolder();
        Directory.CreateDirectory(temp.File("docs/inner"));
        File.WriteAllText(temp.File("docs/one.txt"), "alpha beta");
        File.WriteAllText(temp.File("docs/inner/two.txt"), "beta gamma");
        try
        {
            Directory.CreateSymbolicLink(temp.File("docs/inner/loop"), temp.File("docs"));
            Directory.CreateSymbolicLink(temp.File("docs/self"), ".");
            File.CreateSymbolicLink(temp.File("docs/broken.txt"), temp.File("nowhere"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Assert.Skip("symbolic links cannot be created here: " + ex.Message);
        }

        var (documents, skipped) = TextFolder.Read(temp.File("docs"));
        Assert.Equal(["inner/two.txt", "one.txt"], documents.Select(d => d.RelativePath));
        Assert.Contains(skipped, s => s.RelativePath == "inner/loop" && s.Reason.Contains("already", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.RelativePath == "self");
        Assert.Contains(skipped, s => s.RelativePath == "broken.txt" && s.Reason.Contains("broken", StringComparison.Ordinal));
    }

    [Fact]
    public void Folder_NoDocumentsOrNoKeywords_AreInputErrors()
    {
        using var temp = new FoundationTestData.TempFolder();
        Assert.Contains("no text documents", Assert.Throws<InputException>(() => BagOfWords.EmbedFolder(temp.Path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(temp.File("x.bin"), [0, 1]);
        Assert.Contains("x.bin", Assert.Throws<InputException>(() => BagOfWords.EmbedFolder(temp.Path)).Message, StringComparison.Ordinal);
        File.WriteAllText(temp.File("a.txt"), "same words");
        File.WriteAllText(temp.File("b.txt"), "same words");
        // Every word is in every document: above the default max-df of 0.5.
        var ex = Assert.Throws<InputException>(() => BagOfWords.EmbedFolder(temp.Path));
        Assert.Contains("no keywords", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-df", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, BagOfWords.EmbedFolder(temp.Path, new KeywordOptions { MaxDocumentFraction = 1 }).Keywords.Count);
        Assert.Contains("not found", Assert.Throws<InputException>(() => BagOfWords.EmbedFolder(temp.File("missing"))).Message, StringComparison.Ordinal);
    }
}
