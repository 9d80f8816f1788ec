using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Subquad.Core.IO;

/// <summary>
/// Writes plain 2-D C-order arrays as .npy 1.0 (atomically): the int64 indices and float32 / int32 scores of
/// <c>subquad search</c>, laid out as FAISS returns them, and the header for other writers.
/// </summary>
public static class NpyArrayWriter
{
    /// <summary>Writes int64 values, shape (<paramref name="rows"/>, <paramref name="columns"/>).</summary>
    public static void Write(string path, ReadOnlySpan<long> values, int rows, int columns) => Write(path, MemoryMarshal.AsBytes(values), "<i8", rows, columns, values.Length);

    /// <summary>Writes float32 values.</summary>
    public static void Write(string path, ReadOnlySpan<float> values, int rows, int columns) => Write(path, MemoryMarshal.AsBytes(values), "<f4", rows, columns, values.Length);

    /// <summary>Writes int32 values.</summary>
    public static void Write(string path, ReadOnlySpan<int> values, int rows, int columns) => Write(path, MemoryMarshal.AsBytes(values), "<i4", rows, columns, values.Length);

    private static void Write(string path, ReadOnlySpan<byte> bytes, string descr, int rows, int columns, int count)
    {
        if (count != (long)rows * columns) throw new ArgumentException($"{count} values for shape ({rows}, {columns})");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the .npy writer assumes a little-endian machine");
        var copy = bytes.ToArray();
        AtomicFile.Write(path, stream =>
        {
            WriteHeader(stream, descr, rows, columns);
            stream.Write(copy);
        });
    }

    /// <summary>Writes a version 1.0 header for a 2-D C-order array, padded so the data starts at a multiple of 64.</summary>
    public static void WriteHeader(Stream stream, string descr, long rows, long columns)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        int prefix = NpyHeader.Magic.Length + 2 + 2;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        stream.Write(NpyHeader.Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
