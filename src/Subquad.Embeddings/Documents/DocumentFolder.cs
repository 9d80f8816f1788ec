using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Subquad.Core;

namespace Subquad.Embeddings.Documents;

/// <summary>
/// The read-only folder reader of <c>subquad near-duplicates</c>. Its rules are deliberately stricter than
/// <see cref="Subquad.Core.Text.TextFolder"/> (which <c>subquad embed</c> uses): a symbolic link is never followed,
/// because a link to a file is the same document and would be reported as a "near duplicate" of itself; a text of
/// only whitespace has nothing to compare; UTF-16 files with a BOM are decoded. Every skip is reported with its reason.
/// </summary>
/// <remarks>
/// Rules, each leaving a <see cref="SkippedFile"/> with its reason instead of failing the run:
/// symbolic links are never followed (a link can loop or leave the folder); names starting with '.' are hidden and
/// not read (this keeps .git out); zero-byte files are empty (and are never opened, so a FIFO cannot block the
/// run); files above <see cref="MaxBytes"/> are too large; a NUL byte marks a binary file; text must be valid UTF-8
/// (a UTF-8 BOM is dropped) or UTF-16 with a BOM; a text of only whitespace has nothing to compare. Files are opened
/// read-only with sharing, so the folder is never modified. Order is ordinal by relative path ('/' separators),
/// whatever order the file system lists entries in.
/// </remarks>
internal static class DocumentFolder
{
    /// <summary>Files above this size are skipped (16 MiB).</summary>
    public const long MaxBytes = 16L << 20;

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads every text file under <paramref name="folder"/>, recursively.</summary>
    /// <exception cref="InputException">The folder does not exist or is a file.</exception>
    public static DocumentCorpus Read(string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder)) throw new InputException(folder, null, "is a file; near-duplicates reads a folder of text files");
        if (!Directory.Exists(folder)) throw new InputException(folder, null, "folder not found");

        var documents = new List<TextDocument>();
        var skipped = new List<SkippedFile>();
        var pending = new Stack<(DirectoryInfo Directory, string Relative)>();
        pending.Push((new DirectoryInfo(folder), ""));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (directory, relative) = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                skipped.Add(new SkippedFile(relative.Length == 0 ? "." : relative + "/", "cannot list folder: " + ex.Message));
                continue;
            }

            foreach (var entry in entries)
            {
                string name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                if (entry.LinkTarget is { } target)
                {
                    skipped.Add(new SkippedFile(name, $"symbolic link to '{target}' (links are not followed: they can loop or leave the folder)"));
                }
                else if (entry.Name.StartsWith('.'))
                {
                    skipped.Add(new SkippedFile(entry is DirectoryInfo ? name + "/" : name, entry is DirectoryInfo ? "hidden folder (name starts with '.'; not searched)" : "hidden file (name starts with '.')"));
                }
                else if (entry is DirectoryInfo sub)
                {
                    pending.Push((sub, name));
                }
                else if (entry is FileInfo special && !Subquad.Core.IO.FileInput.IsRegularFile(special.FullName))
                {
                    skipped.Add(new SkippedFile(name, "not a regular file (a FIFO, device or socket is never read)"));
                }
                else if (entry is FileInfo file)
                {
                    var (text, reason) = ReadText(file);
                    if (reason is null) documents.Add(new TextDocument(name, text!));
                    else skipped.Add(new SkippedFile(name, reason));
                }
            }
        }

        documents.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        skipped.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        return new DocumentCorpus(folder, documents, skipped);
    }

    /// <summary>Decodes one file, or says why it is not a text document.</summary>
    internal static (string? Text, string? Reason) ReadText(FileInfo file)
    {
        long length;
        try
        {
            length = file.Length;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return (null, "cannot read: " + ex.Message);
        }

        if (length == 0) return (null, "empty file (0 bytes)");
        if (length > MaxBytes) return (null, string.Create(CultureInfo.InvariantCulture, $"too large ({length} bytes; the limit is {MaxBytes >> 20} MiB)"));

        byte[] bytes;
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return (null, "cannot read: " + ex.Message);
        }

        return Decode(bytes);
    }

    /// <summary>The text of a file's bytes, or the reason it is not text.</summary>
    internal static (string? Text, string? Reason) Decode(ReadOnlySpan<byte> bytes)
    {
        string text;
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            bool little = bytes[0] == 0xFF;
            try
            {
                text = new UnicodeEncoding(bigEndian: !little, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]);
            }
            catch (DecoderFallbackException)
            {
                return (null, $"not valid UTF-16 text (it starts with a UTF-16 {(little ? "LE" : "BE")} byte-order mark)");
            }
        }
        else
        {
            int nul = bytes.IndexOf((byte)0);
            if (nul >= 0) return (null, string.Create(CultureInfo.InvariantCulture, $"binary file (NUL byte at offset {nul})"));
            int bom = bytes.StartsWith(Utf8ByteOrderMark) ? 3 : 0;
            bytes = bytes[bom..];
            var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
            try
            {
                var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
                if (status != System.Buffers.OperationStatus.Done)
                {
                    int offset = read < bytes.Length ? read : bytes.Length;
                    string what = offset < bytes.Length ? string.Create(CultureInfo.InvariantCulture, $"byte 0x{bytes[offset]:X2} at offset {offset + bom}") : "truncated sequence at the end";
                    return (null, $"not valid UTF-8 text ({what}); convert it to UTF-8 to include it");
                }

                text = new string(chars, 0, written);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }

        if (string.IsNullOrWhiteSpace(text)) return (null, "no text (only whitespace)");
        return (text, null);
    }
}
