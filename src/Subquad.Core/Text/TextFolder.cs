using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Subquad.Core.Text;

/// <summary>
/// The one reader of a folder of text documents (<c>subquad embed</c>, <c>subquad near-duplicates</c>): every regular
/// file, recursively, in ordinal order of its '/'-separated path relative to the folder (so row numbers are the same on
/// every machine). Files are opened read-only with sharing; the folder is never modified.
/// </summary>
/// <remarks>
/// Every entry that is not a document is reported with its reason (a <see cref="SkippedFile"/>), never read as
/// garbage and never failing the run:
/// <list type="bullet">
/// <item>Hidden entries (names starting with '.', such as .git) are skipped, folders without reading inside them.</item>
/// <item>Links (<see cref="TextFolderOptions.FollowLinks"/>): followed, but a folder whose real path was already walked
/// is not walked again (no loops, no duplicates); or never followed. Broken links are skipped.</item>
/// <item>FIFOs, sockets and devices are never read (they can block or never end); nor are files above
/// <see cref="TextFolderOptions.MaxBytes"/>.</item>
/// <item>Text is UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark; a NUL byte in a file without a
/// UTF-16 mark marks it binary; invalid UTF-8 is reported with the offending byte and its offset.</item>
/// <item>With <see cref="TextFolderOptions.SkipBlank"/>, empty files and texts of only whitespace are skipped.</item>
/// </list>
/// </remarks>
public static class TextFolder
{
    /// <summary>Largest document read by default (64 MiB).</summary>
    public const long MaxBytes = 64L << 20;

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the documents under <paramref name="folder"/>.</summary>
    /// <exception cref="InputException">The folder does not exist or is a file.</exception>
    public static (IReadOnlyList<TextDocument> Documents, IReadOnlyList<SkippedFile> Skipped) Read(string folder, TextFolderOptions? options = null, CancellationToken cancellationToken = default)
    {
        var skipped = new List<SkippedFile>();
        var documents = Enumerate(folder, skipped, options, cancellationToken).ToList();
        skipped.Sort((x, y) => string.CompareOrdinal(x.RelativePath, y.RelativePath));
        return (documents, skipped);
    }

    /// <summary>
    /// The documents under <paramref name="folder"/> one at a time, in order, so a caller that only needs each
    /// document's words never holds the whole corpus; files that are not documents are added to
    /// <paramref name="skipped"/> as they are met.
    /// </summary>
    /// <exception cref="InputException">The folder does not exist or is a file (thrown before the first document).</exception>
    public static IEnumerable<TextDocument> Enumerate(string folder, List<SkippedFile> skipped, TextFolderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(skipped);
        options ??= new TextFolderOptions();
        if (File.Exists(folder)) throw new InputException(folder, null, "is a file; " + options.Reads);
        if (!Directory.Exists(folder)) throw new InputException(folder, null, "folder not found");
        var files = new List<(string Relative, string Physical)>();
        var walk = new FolderWalk(options, files, skipped, new HashSet<string>(StringComparer.Ordinal), cancellationToken);
        walk.Walk(options.FollowLinks ? RealPath(Path.GetFullPath(folder)) : Path.GetFullPath(folder), "");
        files.Sort((x, y) => string.CompareOrdinal(x.Relative, y.Relative));
        return Documents(files, skipped, options, cancellationToken);
    }

    private static IEnumerable<TextDocument> Documents(List<(string Relative, string Physical)> files, List<SkippedFile> skipped, TextFolderOptions options, CancellationToken cancellationToken)
    {
        foreach (var (relative, physical) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (text, reason) = ReadText(physical, options);
            if (reason is null) yield return new TextDocument(relative, text!);
            else skipped.Add(new SkippedFile(relative, reason));
        }
    }

    /// <summary>Reads and decodes one file, or says why it is not a document.</summary>
    private static (string? Text, string? Reason) ReadText(string physical, TextFolderOptions options)
    {
        byte[] bytes;
        try
        {
            long length = new FileInfo(physical).Length;
            if (length == 0 && options.SkipBlank) return (null, "empty file (0 bytes)");
            if (length > options.MaxBytes) return (null, string.Create(CultureInfo.InvariantCulture, $"too large ({length} bytes; the limit is {options.MaxBytes >> 20} MiB per document)"));
            using var stream = new FileStream(physical, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, "cannot be read: " + ex.Message);
        }

        var (text, reason) = Decode(bytes);
        if (reason is null && options.SkipBlank && string.IsNullOrWhiteSpace(text)) return (null, "no text (only whitespace)");
        return (text, reason);
    }

    /// <summary>The text of a file's bytes (UTF-8, or UTF-16 with a byte-order mark), or the reason it is not text.</summary>
    public static (string? Text, string? Reason) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            bool little = bytes[0] == 0xFF;
            try
            {
                return (new UnicodeEncoding(bigEndian: !little, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]), null);
            }
            catch (DecoderFallbackException)
            {
                return (null, $"not valid UTF-16 text (it starts with a UTF-16 {(little ? "LE" : "BE")} byte-order mark)");
            }
        }

        int nul = bytes.IndexOf((byte)0);
        if (nul >= 0) return (null, string.Create(CultureInfo.InvariantCulture, $"binary file (NUL byte at offset {nul})"));
        int bom = bytes.StartsWith(Utf8ByteOrderMark) ? 3 : 0;
        bytes = bytes[bom..];
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                int offset = read < bytes.Length ? read : bytes.Length;
                string what = offset < bytes.Length ? string.Create(CultureInfo.InvariantCulture, $"byte 0x{bytes[offset]:X2} at offset {offset + bom}") : "truncated sequence at the end";
                return (null, $"not valid UTF-8 text ({what}); convert it to UTF-8 to include it");
            }

            return (new string(chars, 0, written), null);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>One walk of the tree: its policy, what it found, and the real paths of the folders already walked.</summary>
    private sealed record FolderWalk(TextFolderOptions Options, List<(string Relative, string Physical)> Files, List<SkippedFile> Skipped, HashSet<string> Visited, CancellationToken CancellationToken)
    {
        public void Walk(string physical, string relative)
        {
            CancellationToken.ThrowIfCancellationRequested();
            if (!Visited.Add(physical))
            {
                Skipped.Add(new SkippedFile(relative, "a link to a folder already read (not followed twice)"));
                return;
            }

            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(physical).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Skipped.Add(new SkippedFile(relative.Length == 0 ? "." : relative + "/", "folder cannot be read: " + ex.Message));
                return;
            }

            foreach (var entry in entries)
            {
                string childRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                if (entry.LinkTarget is { } link && !Options.FollowLinks)
                {
                    Skipped.Add(new SkippedFile(childRelative, $"symbolic link to '{link}' (links are not followed: they can loop or leave the folder)"));
                    continue;
                }

                if (entry.Name.StartsWith('.'))
                {
                    // .git, .DS_Store, editor swap files: never documents, and a repository's objects would flood the rows.
                    Skipped.Add(entry is DirectoryInfo
                        ? new SkippedFile(childRelative + "/", "hidden folder (name starts with '.'), not read")
                        : new SkippedFile(childRelative, "hidden file (name starts with '.')"));
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
                        Skipped.Add(new SkippedFile(childRelative, "link cannot be resolved: " + ex.Message));
                        continue;
                    }

                    if (resolved is null || !resolved.Exists)
                    {
                        Skipped.Add(new SkippedFile(childRelative, "broken link"));
                        continue;
                    }

                    isDirectory = resolved is DirectoryInfo || Directory.Exists(resolved.FullName);
                    target = RealPath(resolved.FullName);
                }

                if (isDirectory) Walk(Options.FollowLinks ? RealPath(target) : target, childRelative);
                else if (IO.FileInput.IsRegularFile(target)) Files.Add((childRelative, target));
                else Skipped.Add(new SkippedFile(childRelative, "not a regular file (a FIFO, device or socket is never read: it can block or never end)"));
            }
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
