using System.Security.Cryptography;
using System.Text;

namespace Subquad.Embeddings.Tests;

/// <summary>
/// A temporary folder with the cases near-duplicates must handle: an exact duplicate (in a nested folder), a near
/// duplicate, unrelated documents, an empty file, a whitespace-only file, non-UTF-8 bytes, a binary file, a hidden
/// folder, and a symbolic-link loop. Deleted on dispose.
/// </summary>
internal sealed class TestCorpusFolder : IDisposable
{
    public const string Original = "The committee reviewed the annual budget on Tuesday and agreed to fund two new libraries, "
        + "a public swimming pool and the repair of the old bridge across the river before the winter storms arrive.";

    // One word changed and punctuation altered: a near duplicate of Original.
    public const string NearCopy = "The committee reviewed the annual budget on Tuesday and agreed to fund two new libraries, "
        + "a public swimming pool, and the repair of the old bridge over the river before the winter storms arrive!";

    public static readonly string[] Unrelated =
    [
        "Photosynthesis converts light energy into chemical energy stored in glucose molecules inside plant cells.",
        "Our football team scored three goals in the second half and won the championship final last night.",
        "To bake sourdough bread, mix flour, water and salt with an active starter and let the dough rise slowly.",
    ];

    public TestCorpusFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "subquad-nd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "nested", "deeper"));
        Directory.CreateDirectory(Path.Combine(Root, ".hidden"));
        File.WriteAllText(Path.Combine(Root, "original.txt"), Original);
        File.WriteAllText(Path.Combine(Root, "nested", "deeper", "exact-copy.txt"), Original);
        File.WriteAllText(Path.Combine(Root, "near-copy.md"), NearCopy);
        for (int i = 0; i < Unrelated.Length; i++) File.WriteAllText(Path.Combine(Root, "nested", $"unrelated-{i}.txt"), Unrelated[i]);
        File.WriteAllBytes(Path.Combine(Root, "empty.txt"), []);
        File.WriteAllText(Path.Combine(Root, "blank.txt"), " \n\t \r\n");
        File.WriteAllBytes(Path.Combine(Root, "latin1.txt"), [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', (byte)'a', (byte)'u', (byte)' ', (byte)'l', (byte)'a', (byte)'i', (byte)'t']);
        File.WriteAllBytes(Path.Combine(Root, "image.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);
        File.WriteAllText(Path.Combine(Root, ".hidden", "secret.txt"), Original);
        Directory.CreateSymbolicLink(Path.Combine(Root, "nested", "loop"), "..");
        File.CreateSymbolicLink(Path.Combine(Root, "link-to-original.txt"), "original.txt");
    }

    public string Root { get; }

    /// <summary>The skipped entries and a word each reason must contain.</summary>
    public static readonly (string Name, string ReasonWord)[] ExpectedSkips =
    [
        (".hidden/", "hidden"),
        ("blank.txt", "whitespace"),
        ("empty.txt", "empty"),
        ("image.png", "binary"),
        ("latin1.txt", "UTF-8"),
        ("link-to-original.txt", "symbolic link"),
        ("nested/loop", "symbolic link"),
    ];

    /// <summary>The readable documents, in the reader's (ordinal) order.</summary>
    public static readonly string[] ExpectedDocuments =
        ["near-copy.md", "nested/deeper/exact-copy.txt", "nested/unrelated-0.txt", "nested/unrelated-1.txt", "nested/unrelated-2.txt", "original.txt"];

    /// <summary>SHA-256 over every entry (path, kind, link target, bytes, last-write time), without following links.</summary>
    public static string TreeHash(string root)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).GetFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(root, entry.FullName);
                hash.AppendData(Encoding.UTF8.GetBytes($"{relative}|{entry.GetType().Name}|{entry.LinkTarget}|{entry.LastWriteTimeUtc.Ticks}\n"));
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo) pending.Push(entry.FullName);
                else hash.AppendData(File.ReadAllBytes(entry.FullName));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
