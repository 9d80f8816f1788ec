using System.Security.Cryptography;
using System.Text;

namespace Subquad.Cli.Tests.NearDuplicates;

/// <summary>
/// A temporary folder for the near-duplicates verb: an exact duplicate in a nested folder, a near duplicate, two
/// unrelated texts, an empty file, non-UTF-8 bytes, a binary file and a symbolic-link loop. Deleted on dispose.
/// </summary>
internal sealed class NearDuplicatesFolder : IDisposable
{
    public const string Original = "The committee reviewed the annual budget on Tuesday and agreed to fund two new libraries, "
        + "a public swimming pool and the repair of the old bridge across the river before the winter storms arrive.";

    public const string NearCopy = "The committee reviewed the annual budget on Tuesday and agreed to fund two new libraries, "
        + "a public swimming pool, and the repair of the old bridge over the river before the winter storms arrive!";

    public NearDuplicatesFolder(bool onlyOneText = false)
    {
        Root = Path.Combine(Path.GetTempPath(), "subquad-cli-nd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "nested", "deeper"));
        File.WriteAllText(Path.Combine(Root, "original.txt"), Original);
        File.WriteAllBytes(Path.Combine(Root, "empty.txt"), []);
        File.WriteAllBytes(Path.Combine(Root, "latin1.txt"), [(byte)'c', (byte)'a', (byte)'f', 0xE9]);
        File.WriteAllBytes(Path.Combine(Root, "data.bin"), [1, 2, 0, 3]);
        Directory.CreateSymbolicLink(Path.Combine(Root, "nested", "loop"), "..");
        if (onlyOneText) return;
        File.WriteAllText(Path.Combine(Root, "nested", "deeper", "exact, copy.txt"), Original);
        File.WriteAllText(Path.Combine(Root, "near-copy.md"), NearCopy);
        File.WriteAllText(Path.Combine(Root, "nested", "photosynthesis.txt"), "Photosynthesis converts light energy into chemical energy stored in glucose inside plant cells.");
        File.WriteAllText(Path.Combine(Root, "nested", "football.txt"), "Our football team scored three goals in the second half and won the championship final.");
    }

    public string Root { get; }

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SubquadApp.Run(args, output, error, interactive: false);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>SHA-256 over every entry (path, kind, link target, bytes, last-write time), without following links.</summary>
    public string TreeHash()
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pending = new Stack<string>();
        pending.Push(Root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).GetFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(Root, entry.FullName)}|{entry.GetType().Name}|{entry.LinkTarget}|{entry.LastWriteTimeUtc.Ticks}\n"));
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
