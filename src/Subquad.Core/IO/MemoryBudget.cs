using System.Globalization;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Refuses, with one line, a file whose declared shape would not fit: more rows or columns than an int holds, more
/// elements than one .NET array holds (the vector types keep each matrix in one pinned array), or more bytes than
/// the memory this process may use (<see cref="AvailableBytes"/>: free memory, not total RAM). Checked from the header alone, before anything is allocated, so a huge or
/// corrupted header never turns into an OutOfMemoryException half-way through a read.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Throws an <see cref="InputException"/> naming <paramref name="source"/> when n x d does not fit as <paramref name="kind"/>.</summary>
    public static void Check(string? source, long rows, long columns, VectorKind kind)
    {
        long bytes = CheckShape(source, rows, columns, kind);
        long available = AvailableBytes();
        if (bytes > available)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"declares shape ({rows}, {columns}), which needs {Gib(bytes)} of memory as {kind.ToString().ToLowerInvariant()} rows, but only {Gib(available)} is available (split the file or use a bigger machine)"));
        }
    }

    /// <summary>
    /// The limits that hold wherever the rows live (in memory or in a mapped file): an int's rows and columns, one
    /// matrix's padded elements. Returns the bytes of the padded matrix.
    /// </summary>
    public static long CheckShape(string? source, long rows, long columns, VectorKind kind)
    {
        if (rows < 0 || columns < 0)
        {
            throw new InputException(source, null, $"declares a negative shape ({rows}, {columns})");
        }

        if (rows > int.MaxValue || columns > int.MaxValue)
        {
            throw new InputException(source, null, $"declares shape ({rows}, {columns}); Subquad handles at most {int.MaxValue} rows and {int.MaxValue} columns");
        }

        long perRow = kind == VectorKind.Binary ? BinaryVectors.WordsFor((int)Math.Max(1, columns)) : DenseVectors.StrideFor((int)Math.Max(1, columns));
        long elementSize = kind == VectorKind.Binary ? sizeof(ulong) : sizeof(float);
        if (rows > 0 && perRow > (Array.MaxLength - 64) / rows)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"declares shape ({rows}, {columns}), which needs {rows * (double)perRow:E3} padded {(kind == VectorKind.Binary ? "64-bit words" : "floats")}; one matrix holds at most {Array.MaxLength:N0} (split the file)"));
        }

        return rows * perRow * elementSize;
    }

    /// <summary>The environment variable that caps the budget (bytes, or with a K/M/G suffix), for tests and shared machines.</summary>
    public const string Variable = "SUBQUAD_MAX_MEMORY";

    /// <summary>
    /// The memory this process may still allocate: the least of what the GC may still take (its limit includes a
    /// container's), what the machine has free (MemAvailable, not total RAM: other processes' memory is not ours),
    /// what the cgroup this process runs in still allows (limit minus usage, v2 or v1), and the
    /// <see cref="Variable"/> cap minus what this process holds.
    /// </summary>
    public static long AvailableBytes()
    {
        var info = GC.GetGCMemoryInfo();
        long used = GC.GetTotalMemory(forceFullCollection: false);
        long available = Math.Max(0, info.TotalAvailableMemoryBytes - used);
        if (MachineFreeBytes() is long free) available = Math.Min(available, free);
        if (CgroupFreeBytes() is long cgroup) available = Math.Min(available, cgroup);
        if (Cap() is long cap) available = Math.Min(available, Math.Max(0, cap - Environment.WorkingSet));
        return available;
    }

    /// <summary>
    /// Throws a one-line <see cref="InputException"/> when <paramref name="bytes"/> more would not fit:
    /// "<paramref name="what"/> needs X, but only Y is available (<paramref name="lower"/>)".
    /// </summary>
    public static void Require(string? source, long bytes, string what, string lower)
    {
        long available = AvailableBytes();
        if (bytes > available)
        {
            throw new InputException(source, null, $"{what} needs {Format(bytes)} of memory, but only {Format(available)} is available ({lower})");
        }
    }

    /// <summary>"1.50 GiB" / "12.0 MiB" / "512 bytes".</summary>
    public static string Format(long bytes) => bytes == long.MaxValue ? "more than 2^63 bytes"
        : bytes >= 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : bytes >= 1L << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");

    /// <summary>The <see cref="Variable"/> cap, or null when unset or unreadable.</summary>
    internal static long? Cap() => ParseBytes(Environment.GetEnvironmentVariable(Variable));

    /// <summary>"123", "64K", "512M", "2G" (binary units); null for anything else.</summary>
    internal static long? ParseBytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
        if (unit != 1) text = text[..^1];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value * unit < long.MaxValue
            ? (long)(value * unit)
            : null;
    }

    private static long? MachineFreeBytes()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/meminfo")) return null;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static long? CgroupFreeBytes()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/cgroup")) return null;
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
            {
                // v2: "0::/path"; v1: "N:memory:/path" (possibly with other controllers in the list).
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                bool v2 = parts[0] == "0" && parts[1].Length == 0;
                bool v1 = parts[1].Split(',').Contains("memory");
                if (!v2 && !v1) continue;
                string folder = v2 ? "/sys/fs/cgroup" + parts[2] : "/sys/fs/cgroup/memory" + parts[2];
                if (!Directory.Exists(folder)) folder = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
                long? limit = ReadNumber(Path.Combine(folder, v2 ? "memory.max" : "memory.limit_in_bytes"));
                long? usage = ReadNumber(Path.Combine(folder, v2 ? "memory.current" : "memory.usage_in_bytes"));
                if (limit is long l && usage is long u && l < (1L << 60)) return Math.Max(0, l - u);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static long? ReadNumber(string path)
    {
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
    }

    private static string Gib(long bytes) => Format(bytes);
}
