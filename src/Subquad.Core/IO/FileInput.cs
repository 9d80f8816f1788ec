namespace Subquad.Core.IO;

/// <summary>Opens input files with the one-line errors the CLI prints (missing, a directory, unreadable).</summary>
public static class FileInput
{
    /// <summary>Throws the one-line error for a path that is a folder or does not exist.</summary>
    public static void RequireFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new InputException(path, null, "is a directory, not a file");
        if (!File.Exists(path)) throw new InputException(path, null, "file not found");
    }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="InputException">The file does not exist, is a directory, or cannot be read.</exception>
    public static FileStream Open(string path)
    {
        RequireFile(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException(path, null, "cannot be read (permission denied)");
        }
        catch (IOException ex)
        {
            throw new InputException(path, null, "cannot be read: " + ex.Message);
        }
    }
}
