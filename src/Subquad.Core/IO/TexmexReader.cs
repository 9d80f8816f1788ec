using System.Buffers.Binary;
using System.Globalization;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Reads TEXMEX <c>.fvecs</c> / <c>.bvecs</c> files (<see cref="TexmexFormat"/>). Records are numbered from 0, like
/// rows. Every record must repeat the first record's dimension; a record with another dimension, or cut short by
/// the end of the file, is reported with its number.
/// </summary>
/// <remarks>
/// Kind: <c>.fvecs</c> is dense unless binary is forced (then every component must be exactly 0 or 1);
/// <c>.bvecs</c> is binary when every component is 0 or 1 and dense otherwise, unless a kind is forced.
/// </remarks>
public static class TexmexReader
{
    /// <summary>Reads <paramref name="path"/> in <paramref name="format"/>.</summary>
    public static VectorSet Read(string path, TexmexFormat format, VectorKind? forced = null)
    {
        using var stream = FileInput.Open(path);
        return Read(stream, path, format, forced);
    }

    /// <summary>Reads a whole seekable stream.</summary>
    public static VectorSet Read(Stream stream, string? source, TexmexFormat format, VectorKind? forced = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position;
        long length = stream.Length - start;
        int size = format == TexmexFormat.Fvecs ? sizeof(float) : sizeof(byte);
        if (length == 0) throw new InputException(source, null, "is empty; a ." + format.ToString().ToLowerInvariant() + " file needs at least one record");
        var dimField = new byte[4];
        if (length < 4) throw new InputException(source, "record 0", $"is truncated: the file has {length} bytes, fewer than the 4-byte dimension field");
        stream.ReadExactly(dimField);
        int d = BinaryPrimitives.ReadInt32LittleEndian(dimField);
        if (d < 1) throw new InputException(source, "record 0", $"declares dimension {d}; it must be at least 1 (is this really a .{format.ToString().ToLowerInvariant()} file?)");
        long recordBytes = 4 + (long)d * size;
        long n = length / recordBytes;
        if (n * recordBytes != length)
        {
            // Either a ragged record (another dimension) or a truncated last one: walk the records to name it.
            FindBadRecord(stream, start, length, d, size, source);
        }

        MemoryBudget.Check(source, n, d, forced ?? VectorKind.Binary);
        if ((long)d * size > Array.MaxLength)
        {
            throw new InputException(source, "record 0", string.Create(CultureInfo.InvariantCulture,
                $"declares dimension {d}: a record of {(long)d * size} bytes is more than one row can hold (is this really a .{format.ToString().ToLowerInvariant()} file?)"));
        }

        var bytes = new byte[d * size];
        var kind = forced ?? (format == TexmexFormat.Fvecs ? VectorKind.Dense : DecideBvecs(stream, start, (int)n, d, bytes, source));
        stream.Position = start;
        return RowAssembler.Assemble(source, (int)n, d, kind, (i, destination) =>
        {
            stream.ReadExactly(dimField);
            int di = BinaryPrimitives.ReadInt32LittleEndian(dimField);
            if (di != d) throw Ragged(source, i, di, d);
            stream.ReadExactly(bytes);
            for (int k = 0; k < d; k++)
            {
                destination[k] = format == TexmexFormat.Fvecs ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * 4)) : bytes[k];
            }
        }, (row, column) => string.Create(CultureInfo.InvariantCulture, $"record {row}, component {column}"));
    }

    private static VectorKind DecideBvecs(Stream stream, long start, int n, int d, byte[] bytes, string? source)
    {
        stream.Position = start;
        var dimField = new byte[4];
        for (int i = 0; i < n; i++)
        {
            stream.ReadExactly(dimField);
            int di = BinaryPrimitives.ReadInt32LittleEndian(dimField);
            if (di != d) throw Ragged(source, i, di, d);
            stream.ReadExactly(bytes);
            foreach (byte b in bytes)
            {
                if (b > 1) return VectorKind.Dense;
            }
        }

        return VectorKind.Binary;
    }

    private static void FindBadRecord(Stream stream, long start, long length, int d, int size, string? source)
    {
        long recordBytes = 4 + (long)d * size;
        var dimField = new byte[4];
        long offset = 0;
        for (int i = 0; ; i++)
        {
            long left = length - offset;
            if (left < 4)
            {
                throw new InputException(source, $"record {i}", $"is truncated: {left} bytes remain, fewer than the 4-byte dimension field");
            }

            stream.Position = start + offset;
            stream.ReadExactly(dimField);
            int di = BinaryPrimitives.ReadInt32LittleEndian(dimField);
            if (di != d) throw Ragged(source, i, di, d);
            if (left < recordBytes)
            {
                throw new InputException(source, $"record {i}", $"is truncated: it needs {recordBytes} bytes (dimension {d}) but only {left} remain");
            }

            offset += recordBytes;
        }
    }

    private static InputException Ragged(string? source, int record, int dimension, int expected) =>
        new(source, $"record {record}", $"has dimension {dimension} but record 0 has {expected}; every record must have the same dimension");
}
