using System.Globalization;

namespace Subquad.Core.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a failed write never leaves half a file where a user's
/// file was. Temporary names are <c>.NAME.subquad-PID.tmp</c> beside the target: hidden, and naming the writer, so
/// every later write of the same target removes what a killed predecessor left (a temp whose process is gone).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> (replacing it; callers apply the overwrite rule first).</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Prepare(path);
        string temp = TempPathFor(full);
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
            InFlight.TryRemove(temp, out _);
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> can be written (not a folder, its folder exists), removes stale temporary
    /// files of earlier runs for it, and returns its full path.
    /// </summary>
    public static string Prepare(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException(path, null, "is a directory; give a file name to write");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new InputException(path, null, $"cannot be written: the folder {folder} does not exist");
        RemoveStaleTemps(full);
        return full;
    }

    /// <summary>
    /// This process's temporary name for <paramref name="fullPath"/>; it is remembered as in flight until it is
    /// committed or deleted, so a signal handler can remove it (<see cref="RemoveInFlight"/>).
    /// </summary>
    public static string TempPathFor(string fullPath)
    {
        string temp = Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", "." + Path.GetFileName(fullPath) + ".subquad-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        InFlight[temp] = 0;
        return temp;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> InFlight = new();

    /// <summary>
    /// Deletes every temporary file of this process not yet committed (a SIGTERM or SIGINT that ends a verb which does
    /// not stop cooperatively: its unfinished output must not stay behind). Returns how many it removed.
    /// </summary>
    public static int RemoveInFlight()
    {
        int removed = 0;
        foreach (string temp in InFlight.Keys)
        {
            try
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                    removed++;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            InFlight.TryRemove(temp, out _);
        }

        return removed;
    }

    /// <summary>
    /// Where a partial result for <paramref name="fullPath"/> goes (a cancelled or failed run): <c>NAME.partial.EXT</c>,
    /// never the target itself, so a complete earlier result is never replaced by a partial one.
    /// </summary>
    public static string PartialPathFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", Path.GetFileNameWithoutExtension(fullPath) + ".partial" + Path.GetExtension(fullPath));

    /// <summary>
    /// Moves a finished temporary file into place: onto <paramref name="fullPath"/> when <paramref name="complete"/>,
    /// else onto <see cref="PartialPathFor"/>. Returns the path it now has.
    /// </summary>
    public static string Commit(string temp, string fullPath, bool complete)
    {
        string target = complete ? fullPath : PartialPathFor(fullPath);
        File.Move(temp, target, overwrite: true);
        InFlight.TryRemove(temp, out _);
        return target;
    }

    /// <summary>Deletes <c>.NAME.subquad-PID.tmp</c> (and the older <c>NAME.tmp-PID</c>) siblings whose process no longer runs.</summary>
    public static void RemoveStaleTemps(string fullPath)
    {
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is null || !Directory.Exists(folder)) return;
        string name = Path.GetFileName(fullPath);
        try
        {
            foreach (var candidate in Directory.EnumerateFiles(folder, "." + name + ".subquad-*.tmp").Concat(Directory.EnumerateFiles(folder, name + ".tmp-*")))
            {
                string file = Path.GetFileName(candidate);
                string digits = file.StartsWith('.') ? file[(name.Length + ".subquad-".Length + 1)..^".tmp".Length] : file[(name.Length + ".tmp-".Length)..];
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsRunning(pid)) continue;
                try
                {
                    File.Delete(candidate);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
