using System.Globalization;
using System.Runtime.CompilerServices;

namespace Subquad.Core.IO;

/// <summary>
/// One flat array that doubles as a reader appends to it, asking <see cref="MemoryBudget"/> before each growth: a
/// text reader's memory is its values (no per-row object, no per-row header), and a file that would not fit is
/// refused with one line naming what it would need instead of ending in an OutOfMemoryException.
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal sealed class GrowingBuffer<T>(string? source, string what)
    where T : unmanaged
{
    private T[] _items = new T[256];

    /// <summary>Elements appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>The backing array: elements [0, <see cref="Count"/>) are the appended ones (no copy).</summary>
    public T[] Raw => _items;

    /// <summary>Makes room for <paramref name="count"/> more elements and returns them (zeroed).</summary>
    /// <exception cref="InputException">The buffer would exceed one array or the memory available.</exception>
    public Span<T> Append(int count)
    {
        long needed = (long)Count + count;
        if (needed > _items.Length) Grow(needed);
        var slot = _items.AsSpan(Count, count);
        Count += count;
        return slot;
    }

    private void Grow(long needed)
    {
        if (needed > Array.MaxLength)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"holds more than {Array.MaxLength:N0} {what}, more than one matrix can hold (split the file)"));
        }

        long capacity = Math.Min(Array.MaxLength, Math.Max(needed, 2L * _items.Length));
        long bytes = capacity * Unsafe.SizeOf<T>();
        long available = MemoryBudget.AvailableBytes();
        if (bytes > available)
        {
            capacity = needed;
            bytes = capacity * Unsafe.SizeOf<T>();
            if (bytes > available)
            {
                throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                    $"needs more than {MemoryBudget.Format(bytes)} for its {what} after {Count:N0} of them, but only {MemoryBudget.Format(available)} is available (split the file, or convert it to .npy, which is checked before reading)"));
            }
        }

        Array.Resize(ref _items, (int)capacity);
    }
}
