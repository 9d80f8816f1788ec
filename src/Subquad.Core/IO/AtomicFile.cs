using System.Globalization;

namespace Subquad.Core.IO;

/// <summary>Writes a file through a temporary sibling and a rename, so a failed write never leaves half a file where a user's file was.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException(path, null, "is a directory; give a file name to write");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new InputException(path, null, $"cannot be written: the folder {folder} does not exist");
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException(path, null, "cannot be written (permission denied)");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
