namespace Subquad.Lab.Analysis;

/// <summary>The machine's load average, printed beside every timing (the machine is shared; a time means little without it).</summary>
public static class LoadAverage
{
    /// <summary>"1-min 5-min 15-min" from /proc/loadavg (Linux), or "n/a".</summary>
    public static string Read()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
