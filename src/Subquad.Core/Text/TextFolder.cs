using System.Text;

namespace Subquad.Core.Text;

/// <summary>
/// The documents under a folder: every regular file, recursively, in ordinal order of its '/'-separated path
/// relative to the folder (so row numbers are the same on every machine).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Hidden entries (names starting with '.', such as .git) are skipped and reported, folders without reading
/// inside them.</item>
/// <item>Links to folders are followed, but a folder whose real path was already walked is not walked again (no
/// loops, no duplicates), and is reported as skipped.</item>
/// <item>Files with a NUL byte (binary) or invalid UTF-8 are skipped and reported, not read as garbage; so are files
/// that cannot be read and broken links. A UTF-8 byte-order mark is dropped.</item>
/// </list>
/// </remarks>
public static class TextFolder
{
    /// <summary>Largest document read (64 MiB); larger files are skipped with their size, before any is read.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>Reads the documents under <paramref name="folder"/>.</summary>
    /// <exception cref="InputException">The folder does not exist or is a file.</exception>
    public static (IReadOnlyList<TextDocument> Documents, IReadOnlyList<SkippedFile> Skipped) Read(string folder)
    {
        var skipped = new List<SkippedFile>();
        var documents = Enumerate(folder, skipped).ToList();
        skipped.Sort((x, y) => string.CompareOrdinal(x.RelativePath, y.RelativePath));
        return (documents, skipped);
    }

    /// <summary>
    /// The documents under <paramref name="folder"/> one at a time, in order, so a caller that only needs each
    /// document's words never holds the whole corpus; files that are not documents are added to
    /// <paramref name="skipped"/> as they are met.
    /// </summary>
    /// <exception cref="InputException">The folder does not exist or is a file (thrown before the first document).</exception>
    public static IEnumerable<TextDocument> Enumerate(string folder, List<SkippedFile> skipped)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(skipped);
        if (File.Exists(folder)) throw new InputException(folder, null, "is a file; embed reads a folder of text files");
        if (!Directory.Exists(folder)) throw new InputException(folder, null, "folder not found");
        var files = new List<(string Relative, string Physical)>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Walk(RealPath(Path.GetFullPath(folder)), "", files, skipped, visited);
        files.Sort((x, y) => string.CompareOrdinal(x.Relative, y.Relative));
        return Documents(files, skipped);
    }

    private static IEnumerable<TextDocument> Documents(List<(string Relative, string Physical)> files, List<SkippedFile> skipped)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (var (relative, physical) in files)
        {
            byte[] bytes;
            try
            {
                long length = new FileInfo(physical).Length;
                if (length > MaxBytes)
                {
                    skipped.Add(new SkippedFile(relative, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"too large ({length} bytes; the limit is {MaxBytes >> 20} MiB per document)")));
                    continue;
                }

                using var stream = IO.FileInput.Open(physical);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (InputException ex)
            {
                skipped.Add(new SkippedFile(relative, ex.Problem));
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                skipped.Add(new SkippedFile(relative, "cannot be read: " + ex.Message));
                continue;
            }

            int nul = Array.IndexOf(bytes, (byte)0);
            if (nul >= 0)
            {
                skipped.Add(new SkippedFile(relative, $"binary (NUL byte at offset {nul})"));
                continue;
            }

            string text;
            try
            {
                var span = bytes.AsSpan();
                if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
                text = strict.GetString(span);
            }
            catch (DecoderFallbackException ex)
            {
                skipped.Add(new SkippedFile(relative, $"not valid UTF-8 (byte offset {ex.Index})"));
                continue;
            }

            yield return new TextDocument(relative, text);
        }
    }

    private static void Walk(string physical, string relative, List<(string, string)> files, List<SkippedFile> skipped, HashSet<string> visited)
    {
        if (!visited.Add(physical))
        {
            skipped.Add(new SkippedFile(relative, "a link to a folder already read (not followed twice)"));
            return;
        }

        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(physical).EnumerateFileSystemInfos().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedFile(relative.Length == 0 ? "." : relative, "folder cannot be read: " + ex.Message));
            return;
        }

        foreach (var entry in entries)
        {
            string childRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (entry.Name.StartsWith('.'))
            {
                // .git, .DS_Store, editor swap files: never documents, and a repository's objects would flood the rows.
                skipped.Add(new SkippedFile(childRelative, entry is DirectoryInfo ? "hidden folder (name starts with '.'), not read" : "hidden file (name starts with '.')"));
                continue;
            }

            string target = entry.FullName;
            bool isDirectory = entry is DirectoryInfo;
            if (entry.LinkTarget is not null)
            {
                FileSystemInfo? resolved;
                try
                {
                    resolved = entry.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException ex)
                {
                    skipped.Add(new SkippedFile(childRelative, "link cannot be resolved: " + ex.Message));
                    continue;
                }

                if (resolved is null || !resolved.Exists)
                {
                    skipped.Add(new SkippedFile(childRelative, "broken link"));
                    continue;
                }

                isDirectory = resolved is DirectoryInfo || Directory.Exists(resolved.FullName);
                target = RealPath(resolved.FullName);
            }

            if (isDirectory) Walk(RealPath(target), childRelative, files, skipped, visited);
            else if (IO.FileInput.IsRegularFile(target)) files.Add((childRelative, target));
            else skipped.Add(new SkippedFile(childRelative, "not a regular file (a FIFO, device or socket is never read: it can block or never end)"));
        }
    }

    /// <summary>The path with every link component resolved (like realpath(3)), so one folder has one name.</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? "/";
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (depth < 64 && info.LinkTarget is not null)
            {
                FileSystemInfo? resolved;
                try
                {
                    resolved = info.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException)
                {
                    resolved = null; // a cycle of links: keep the name, the walk reports it as unresolvable
                }

                if (resolved is not null)
                {
                    string rest = string.Join(Path.DirectorySeparatorChar, parts[(i + 1)..]);
                    return RealPath(rest.Length == 0 ? resolved.FullName : Path.Combine(resolved.FullName, rest), depth + 1);
                }
            }

            current = next;
        }

        return current;
    }
}
