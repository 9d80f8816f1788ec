using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Subquad.Core.Vectors;

/// <summary>
/// A pinned managed array whose usable region starts on a 64-byte boundary, so every row of a matrix laid out in it
/// with a 64-byte stride can be read with aligned 512-bit loads. Pinned (POH) so the GC never moves it and
/// kernels may take raw pointers; managed so nothing has to be freed by hand.
/// </summary>
internal sealed class AlignedBuffer<T> where T : unmanaged
{
    private const int Alignment = 64;
    private readonly T[] _array;
    private readonly int _offset;

    public AlignedBuffer(long length)
    {
        if (length < 0 || length > Array.MaxLength - Alignment)
        {
            throw new OutOfMemoryException($"a buffer of {length} elements of {Unsafe.SizeOf<T>()} bytes does not fit in one .NET array");
        }

        int slack = Alignment / Unsafe.SizeOf<T>();
        _array = GC.AllocateArray<T>((int)length + slack, pinned: true);
        unsafe
        {
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
            int misalignment = (int)(address % Alignment);
            _offset = misalignment == 0 ? 0 : (Alignment - misalignment) / Unsafe.SizeOf<T>();
        }

        Length = (int)length;
    }

    public int Length { get; }

    public Span<T> Span => _array.AsSpan(_offset, Length);

    public ref T Reference => ref _array[_offset];

    public unsafe T* Pointer => (T*)Unsafe.AsPointer(ref _array[_offset]);
}
