using System.Globalization;

namespace Subquad.Cli.Tests;

/// <summary>
/// One field of a child process's /proc/PID/status in bytes (VmHWM: peak resident; RssAnon: anonymous resident, what
/// RAM must hold; RssFile: file-backed, evictable), for the tests that bound a child's memory. 0 once the process is
/// gone (the file vanishes between polls).
/// </summary>
internal static class ProcStatus
{
    public static long Bytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal) && line.Length > field.Length && line[field.Length] == ':')
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
