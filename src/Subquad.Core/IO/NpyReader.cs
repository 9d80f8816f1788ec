using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Reads 2-D C-order numpy <c>.npy</c> files (format 1.0, 2.0, 3.0) of bool, unsigned and signed integers of 1-8
/// bytes, or float16/32/64, in either byte order.
/// </summary>
/// <remarks>
/// Kind: a bool or integer array whose entries are all 0 or 1 becomes <see cref="BinaryVectors"/>; any other
/// integer array and every float array become <see cref="DenseVectors"/>. A forced kind overrides that: forced
/// binary rejects the first entry that is not exactly 0 or 1 (naming its row and column), forced dense converts
/// every entry to float32 (integers above 2^24 round). The data is streamed row by row (twice for integer arrays
/// whose kind must be decided), so memory holds only the result.
/// </remarks>
public static class NpyReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file is missing, not a readable .npy, truncated, or holds bad values.</exception>
    public static VectorSet Read(string path, VectorKind? forced = null)
    {
        using var stream = FileInput.Open(path);
        return Read(stream, path, forced);
    }

    /// <summary>Reads the header only (for <c>subquad info</c>).</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = FileInput.Open(path);
        return NpyHeader.Read(stream, path);
    }

    /// <summary>Reads one .npy image from a seekable <paramref name="stream"/>; <paramref name="source"/> names it in messages.</summary>
    public static VectorSet Read(Stream stream, string? source, VectorKind? forced = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        long start = stream.Position;
        var header = NpyHeader.Read(stream, source);
        CheckDataLength(header, stream.Length - start, source);

        // Fail before allocating anything: the cheaper kind first, then the one the data decides.
        MemoryBudget.Check(source, header.Rows, header.Columns, forced ?? VectorKind.Binary);
        int n = (int)header.Rows, d = (int)header.Columns;
        var dataStart = start + header.DataOffset;
        var kind = forced ?? Decide(stream, header, dataStart);
        stream.Position = dataStart;
        string? hint = forced == VectorKind.Binary ? " (the array was read as binary because binary was asked for)" : null;
        if (kind == VectorKind.Binary && header.Dtype.Size == 1) return ReadByteBits(stream, source, n, d, header.Dtype, hint);
        if (kind == VectorKind.Dense && header.Dtype.Element == NpyElement.Float32 && !header.Dtype.BigEndian && BitConverter.IsLittleEndian) return ReadFloat32(stream, source, n, d);
        if ((long)d * header.Dtype.Size > Array.MaxLength)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture, $"has rows of {d} x {header.Dtype.Size} bytes, more than one row buffer can hold (split the columns)"));
        }

        var rowBytes = new byte[d * header.Dtype.Size];
        var dtype = header.Dtype;
        var vectors = RowAssembler.Assemble(source, n, d, kind, (i, destination) =>
        {
            stream.ReadExactly(rowBytes);
            for (int k = 0; k < d; k++) destination[k] = dtype.Decode(rowBytes, k);
        }, binaryHint: hint);
        return vectors;
    }

    /// <summary>
    /// Throws the one-line error when the bytes after the header (of a .npy image of <paramref name="imageLength"/>
    /// bytes) are fewer or more than the header's shape and dtype declare: a truncated file, or a header that lies.
    /// </summary>
    internal static void CheckDataLength(NpyHeader header, long imageLength, string? source)
    {
        // In 128 bits: a hostile shape's product must not wrap around to the file's real length.
        Int128 declared = (Int128)header.Rows * header.Columns * header.Dtype.Size;
        long actual = imageLength - header.DataOffset;
        if (actual < declared)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"is truncated: shape ({header.Rows}, {header.Columns}) of {header.Dtype} needs {declared} data bytes but only {Math.Max(0, actual)} follow the header"));
        }

        if (actual > declared)
        {
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"has {actual - declared} bytes after the {declared} data bytes its header declares for shape ({header.Rows}, {header.Columns}) of {header.Dtype}; the file is corrupt"));
        }
    }

    /// <summary>
    /// Fast path for the common binary case (bool, uint8, int8 of 0/1): each row's bytes are checked with one
    /// vectorised search and packed 64 at a time from the byte-equals-one mask. Same result as the generic path.
    /// </summary>
    private static BinaryVectors ReadByteBits(Stream stream, string? source, int n, int d, NpyDtype dtype, string? hint)
    {
        MemoryBudget.Check(source, n, d, VectorKind.Binary);
        var builder = new BinaryVectors.Builder(n, d);
        var row = new byte[d];
        for (int i = 0; i < n; i++)
        {
            stream.ReadExactly(row);
            int bad = row.AsSpan().IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                throw new InputException(source, RowAssembler.RowColumn(i, bad), $"{RowAssembler.Show(dtype.Decode(row, bad))} is not 0 or 1; binary vectors need 0/1 entries{hint}");
            }

            var words = builder.RowSpan(i);
            int k = 0;
            for (; k + 64 <= d; k += 64)
            {
                words[k >> 6] = Vector512.Equals(Vector512.Create(row.AsSpan(k, 64)), Vector512<byte>.One).ExtractMostSignificantBits();
            }

            for (; k < d; k++)
            {
                if (row[k] == 1) words[k >> 6] |= 1UL << (k & 63);
            }
        }

        return builder.Build(null, source);
    }

    /// <summary>Fast path for little-endian float32: rows are read straight into the matrix, then checked finite.</summary>
    private static DenseVectors ReadFloat32(Stream stream, string? source, int n, int d)
    {
        MemoryBudget.Check(source, n, d, VectorKind.Dense);
        var builder = new DenseVectors.Builder(n, d, source);
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            stream.ReadExactly(MemoryMarshal.AsBytes(row));
            for (int k = 0; k < row.Length; k++)
            {
                if (!float.IsFinite(row[k]))
                {
                    throw new InputException(source, RowAssembler.RowColumn(i, k), $"{RowAssembler.Show(row[k])} is not a finite number; remove or replace NaN and infinite values");
                }
            }
        }

        return builder.Build();
    }

    /// <summary>Binary for bool and for integer arrays of 0/1; dense otherwise (one pass over integer data).</summary>
    private static VectorKind Decide(Stream stream, NpyHeader header, long dataStart)
    {
        if (header.Dtype.Element == NpyElement.Bool) return VectorKind.Binary;
        if (!header.Dtype.IsIntegral) return VectorKind.Dense;
        stream.Position = dataStart;
        if (header.Dtype.Size == 1)
        {
            var bytes = new byte[1 << 16];
            for (long left = header.DataBytes; left > 0;)
            {
                int chunk = (int)Math.Min(bytes.Length, left);
                stream.ReadExactly(bytes, 0, chunk);
                if (bytes.AsSpan(0, chunk).IndexOfAnyExcept((byte)0, (byte)1) >= 0) return VectorKind.Dense;
                left -= chunk;
            }

            return VectorKind.Binary;
        }

        var buffer = new byte[Math.Max(header.Dtype.Size, 1 << 16) / header.Dtype.Size * header.Dtype.Size];
        long remaining = header.DataBytes;
        while (remaining > 0)
        {
            int chunk = (int)Math.Min(buffer.Length, remaining);
            stream.ReadExactly(buffer, 0, chunk);
            for (int k = 0; k < chunk / header.Dtype.Size; k++)
            {
                double v = header.Dtype.Decode(buffer, k);
                if (v != 0 && v != 1) return VectorKind.Dense;
            }

            remaining -= chunk;
        }

        return VectorKind.Binary;
    }
}
