using System.Text;
using Subquad.Core.Tests.IO;
using Subquad.Core.Text;

namespace Subquad.Core.Tests.Text;

/// <summary>
/// The one folder reader under its two policies: embed's defaults (links followed, blank files are documents) and
/// near-duplicates' (links never followed, blank files skipped); the same decoding, order and reasons in both.
/// </summary>
public sealed class TextFolderTests
{
    [Fact]
    public void BothPolicies_OnOneFolder_ReadTheSameTextsAndSkipWhatTheyPromise()
    {
        using var temp = new FoundationTestData.TempFolder();
        string root = temp.File("docs");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        Directory.CreateDirectory(Path.Combine(root, ".git"));
        File.WriteAllText(Path.Combine(root, "a.txt"), "alpha");
        File.WriteAllText(Path.Combine(root, "sub", "b.txt"), "beta");
        File.WriteAllText(Path.Combine(root, ".git", "HEAD"), "ref");
        File.WriteAllText(Path.Combine(root, "blank.txt"), " \n\t");
        File.WriteAllBytes(Path.Combine(root, "empty.txt"), []);
        File.WriteAllBytes(Path.Combine(root, "u16.txt"), [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("héllo")]);
        File.WriteAllBytes(Path.Combine(root, "big.txt"), Enumerable.Repeat((byte)'x', (1 << 20) + 1).ToArray());
        File.WriteAllBytes(Path.Combine(root, "nul.bin"), [(byte)'a', 0]);
        try
        {
            File.CreateSymbolicLink(Path.Combine(root, "link.txt"), "a.txt");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Assert.Skip("symbolic links cannot be created here: " + ex.Message);
        }

        var follow = new TextFolderOptions { MaxBytes = 1 << 20 };
        var (documents, skipped) = TextFolder.Read(root, follow);
        Assert.Equal(["a.txt", "blank.txt", "empty.txt", "link.txt", "sub/b.txt", "u16.txt"], documents.Select(d => d.RelativePath));
        Assert.Equal(["alpha", " \n\t", "", "alpha", "beta", "héllo"], documents.Select(d => d.Text));
        Assert.Equal([".git/", "big.txt", "nul.bin"], skipped.Select(s => s.RelativePath));
        Assert.Equal(["hidden folder (name starts with '.'), not read", "too large (1048577 bytes; the limit is 1 MiB per document)", "binary file (NUL byte at offset 1)"], skipped.Select(s => s.Reason));

        var strict = follow with { FollowLinks = false, SkipBlank = true, Reads = "near-duplicates reads a folder of text files" };
        (documents, skipped) = TextFolder.Read(root, strict);
        Assert.Equal(["a.txt", "sub/b.txt", "u16.txt"], documents.Select(d => d.RelativePath));
        Assert.Equal(["alpha", "beta", "héllo"], documents.Select(d => d.Text));
        Assert.Equal([".git/", "big.txt", "blank.txt", "empty.txt", "link.txt", "nul.bin"], skipped.Select(s => s.RelativePath));
        Assert.Equal("no text (only whitespace)", skipped.Single(s => s.RelativePath == "blank.txt").Reason);
        Assert.Equal("empty file (0 bytes)", skipped.Single(s => s.RelativePath == "empty.txt").Reason);
        Assert.Equal("symbolic link to 'a.txt' (links are not followed: they can loop or leave the folder)", skipped.Single(s => s.RelativePath == "link.txt").Reason);

        // A file where a folder is expected, or no folder: one input error naming the path and the verb.
        var file = Assert.Throws<InputException>(() => TextFolder.Read(Path.Combine(root, "a.txt"), strict));
        Assert.Contains("a.txt", file.Message, StringComparison.Ordinal);
        Assert.Contains("is a file; near-duplicates reads a folder of text files", file.Message, StringComparison.Ordinal);
        Assert.Contains("is a file; embed reads a folder of text files", Assert.Throws<InputException>(() => TextFolder.Read(Path.Combine(root, "a.txt"))).Message, StringComparison.Ordinal);
        Assert.Contains("folder not found", Assert.Throws<InputException>(() => TextFolder.Read(temp.File("missing"), strict)).Message, StringComparison.Ordinal);
    }
}
