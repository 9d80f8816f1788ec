using System.Text;
using Subquad.Core;
using Subquad.Core.Text;
using Subquad.Embeddings.Documents;

namespace Subquad.Embeddings.Tests;

/// <summary>near-duplicates' reading of a folder: the one folder reader (<see cref="TextFolder"/>) with <see cref="DocumentCorpus.FolderOptions"/>.</summary>
public sealed class DocumentCorpusReadTests
{
    [Fact]
    public void Read_TestFolder_ListsDocumentsAndEverySkipWithItsReason_AndChangesNothing()
    {
        using var folder = new TestCorpusFolder();
        string before = TestCorpusFolder.TreeHash(folder.Root);
        var corpus = DocumentCorpus.Read(folder.Root);
        Assert.Equal(TestCorpusFolder.ExpectedDocuments, corpus.Documents.Select(d => d.Name).ToArray());
        Assert.Equal(TestCorpusFolder.ExpectedSkips.Select(s => s.Name).ToArray(), corpus.Skipped.Select(s => s.RelativePath).ToArray());
        foreach (var ((_, word), skip) in TestCorpusFolder.ExpectedSkips.Zip(corpus.Skipped))
        {
            Assert.Contains(word, skip.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(TestCorpusFolder.Original, corpus.Documents.Single(d => d.Name == "original.txt").Text);
        Assert.Equal(before, TestCorpusFolder.TreeHash(folder.Root));
    }

    [Fact]
    public void Read_MissingFolderOrAFile_IsAnInputError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "subquad-missing-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("folder not found", Assert.Throws<InputException>(() => DocumentCorpus.Read(missing)).Message, StringComparison.Ordinal);
        string file = Path.GetTempFileName();
        try
        {
            Assert.Contains("is a file", Assert.Throws<InputException>(() => DocumentCorpus.Read(file)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Decode_Encodings()
    {
        Assert.Equal("héllo", TextFolder.Decode([0xEF, 0xBB, 0xBF, .. "héllo"u8]).Text);
        Assert.Equal("héllo", TextFolder.Decode([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("héllo")]).Text);
        Assert.Equal("héllo", TextFolder.Decode([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("héllo")]).Text);
        Assert.Equal("not valid UTF-8 text (byte 0xE9 at offset 4); convert it to UTF-8 to include it", TextFolder.Decode([0xEF, 0xBB, 0xBF, (byte)'h', 0xE9, (byte)'x']).Reason);
        Assert.Equal("not valid UTF-8 text (byte 0xC3 at offset 1); convert it to UTF-8 to include it", TextFolder.Decode([(byte)'a', 0xC3]).Reason);
        Assert.Equal("binary file (NUL byte at offset 1)", TextFolder.Decode([(byte)'a', 0, (byte)'b']).Reason);
        Assert.Equal(" \r\n\t", TextFolder.Decode(" \r\n\t"u8).Text); // blank texts are near-duplicates' policy, not the decoder's
    }
}
