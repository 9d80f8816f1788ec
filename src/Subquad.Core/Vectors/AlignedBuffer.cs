using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Subquad.Core.Vectors;

/// <summary>
/// A pinned managed array whose usable region starts on a 64-byte boundary, so every row of a matrix laid out in it
/// with a 64-byte stride can be read with aligned 512-bit loads. Pinned (POH) so the GC never moves it and
/// kernels may take raw pointers; managed so nothing has to be freed by hand.
/// </summary>
/// <remarks>
/// Or a window of memory someone else owns (a read-only memory-mapped file, <see cref="IO.MappedFile"/>): then the
/// buffer keeps that owner reachable, so the mapping lives exactly as long as the vectors that read it. Such a
/// buffer is never written (the vector types are immutable after construction).
/// </remarks>
internal sealed unsafe class AlignedBuffer<T> where T : unmanaged
{
    private const int Alignment = 64;
    private readonly T[]? _array;
    private readonly int _offset;
    private readonly T* _external;
    private readonly object? _owner;

    public AlignedBuffer(long length)
    {
        if (length < 0 || length > Array.MaxLength - Alignment)
        {
            throw new OutOfMemoryException($"a buffer of {length} elements of {Unsafe.SizeOf<T>()} bytes does not fit in one .NET array");
        }

        int slack = Alignment / Unsafe.SizeOf<T>();
        _array = GC.AllocateArray<T>((int)length + slack, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        int misalignment = (int)(address % Alignment);
        _offset = misalignment == 0 ? 0 : (Alignment - misalignment) / Unsafe.SizeOf<T>();
        Length = (int)length;
    }

    /// <summary>Wraps <paramref name="length"/> elements at <paramref name="pointer"/> (64-byte aligned), kept valid by <paramref name="owner"/>.</summary>
    public AlignedBuffer(T* pointer, long length, object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if ((nint)pointer % Alignment != 0) throw new ArgumentException("the memory must start on a 64-byte boundary", nameof(pointer));
        if (length < 0 || length > Array.MaxLength - Alignment) throw new ArgumentOutOfRangeException(nameof(length), length, "more elements than one matrix holds");
        _external = pointer;
        _owner = owner;
        Length = (int)length;
    }

    public int Length { get; }

    /// <summary>What keeps external memory valid (null for a managed array).</summary>
    public object? Owner => _owner;

    /// <summary>True when the memory belongs to an owner (a mapped file), not to a managed array.</summary>
    public bool IsExternal => _array is null;

    public Span<T> Span => _array is not null ? _array.AsSpan(_offset, Length) : new Span<T>(_external, Length);

    public ref T Reference => ref _array is not null ? ref _array[_offset] : ref Unsafe.AsRef<T>(_external);

    public T* Pointer => _array is not null ? (T*)Unsafe.AsPointer(ref _array[_offset]) : _external;
}
