using System.Globalization;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Refuses, with one line, a file whose declared shape would not fit: more rows or columns than an int holds, more
/// elements than one .NET array holds (the vector types keep each matrix in one pinned array), or more bytes than
/// the memory this process may use. Checked from the header alone, before anything is allocated, so a huge or
/// corrupted header never turns into an OutOfMemoryException half-way through a read.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Throws an <see cref="InputException"/> naming <paramref name="source"/> when n x d does not fit as <paramref name="kind"/>.</summary>
    public static void Check(string? source, long rows, long columns, VectorKind kind)
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

        long bytes = rows * perRow * elementSize;
        long available = AvailableBytes();
        if (bytes > available)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"declares shape ({rows}, {columns}), which needs {Gib(bytes)} of memory as {kind.ToString().ToLowerInvariant()} rows, but only {Gib(available)} is available (split the file or use a bigger machine)"));
        }
    }

    /// <summary>The memory this process may still allocate, as the GC sees it (container limits included).</summary>
    public static long AvailableBytes()
    {
        var info = GC.GetGCMemoryInfo();
        long total = info.TotalAvailableMemoryBytes;
        long used = GC.GetTotalMemory(forceFullCollection: false);
        return Math.Max(0, total - used);
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB");
}
