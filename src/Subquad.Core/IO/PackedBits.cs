using System.Globalization;
using System.Numerics;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Bit-packed binary rows in the layout <c>np.packbits(x, axis=1)</c> writes and FAISS binary indexes use: a
/// <c>uint8</c> .npy of shape (n, ceil(l / 8)), bit k of a row in byte k / 8 at position 7 - k % 8 (most
/// significant bit first, numpy's default <c>bitorder='big'</c>). The length l is not in the file, so it is always
/// given (<c>--packed --dim L</c>); nothing guesses it, and a plain uint8 file is never read as packed by accident.
/// </summary>
public static class PackedBits
{
    /// <summary>Bytes per packed row of <paramref name="dimensions"/> bits.</summary>
    public static int BytesFor(int dimensions) => (dimensions + 7) / 8;

    /// <summary>Reads <paramref name="path"/> as packed rows of <paramref name="dimensions"/> bits.</summary>
    /// <exception cref="InputException">Not a 2-D uint8 .npy, a width other than ceil(l / 8), or a one in the padding bits past l.</exception>
    public static BinaryVectors Read(string path, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 1");
        if (VectorFile.FormatOf(path) != ".npy") throw new InputException(path, null, "--packed reads .npy files of uint8 (np.packbits(x, axis=1) output)");
        using var stream = FileInput.Open(path);
        var header = NpyHeader.Read(stream, path);
        if (header.Dtype.Element != NpyElement.UInt8)
        {
            throw new InputException(path, null, $"has dtype {header.Dtype}; packed bits are uint8 (|u1), as np.packbits writes them");
        }

        int width = BytesFor(dimensions);
        if (header.Columns != width)
        {
            throw new InputException(path, null, string.Create(CultureInfo.InvariantCulture,
                $"has {header.Columns} bytes per row, but --dim {dimensions} packs into {width} (ceil({dimensions} / 8)); give the length the rows were packed from"));
        }

        long declared = header.Rows * header.Columns;
        long actual = stream.Length - header.DataOffset;
        if (actual != declared)
        {
            throw new InputException(path, null, string.Create(CultureInfo.InvariantCulture,
                $"holds {actual} data bytes but its header declares shape ({header.Rows}, {header.Columns}) = {declared}; the file is corrupt"));
        }

        MemoryBudget.Check(path, header.Rows, dimensions, VectorKind.Binary);
        int n = (int)header.Rows;
        stream.Position = header.DataOffset;
        var builder = new BinaryVectors.Builder(n, dimensions);
        var bytes = new byte[width];
        int tail = dimensions % 8;
        byte padding = tail == 0 ? (byte)0 : (byte)((1 << (8 - tail)) - 1);
        for (int i = 0; i < n; i++)
        {
            stream.ReadExactly(bytes);
            if ((bytes[^1] & padding) != 0)
            {
                throw new InputException(path, null, string.Create(CultureInfo.InvariantCulture,
                    $"row {i}: a one in the padding bits past bit {dimensions} (the last byte is 0x{bytes[^1]:x2}); the rows were packed from more than {dimensions} bits, or --dim is wrong"));
            }

            var words = builder.RowSpan(i);
            for (int c = 0; c < width; c++) words[c >> 3] |= (ulong)ReverseBits(bytes[c]) << ((c & 7) * 8);
        }

        return builder.Build(source: path);
    }

    /// <summary>Writes <paramref name="vectors"/> packed (atomically): uint8, shape (n, ceil(l / 8)).</summary>
    public static void Write(string path, BinaryVectors vectors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vectors);
        if (VectorFile.FormatOf(path) != ".npy") throw new InputException(path, null, "--packed writes .npy files (uint8, np.unpackbits(x, axis=1) reads them)");
        int width = BytesFor(vectors.Dimensions);
        AtomicFile.Write(path, stream =>
        {
            NpyArrayWriter.WriteHeader(stream, "|u1", vectors.Count, width);
            var bytes = new byte[width];
            for (int i = 0; i < vectors.Count; i++)
            {
                var words = vectors.Row(i);
                for (int c = 0; c < width; c++) bytes[c] = ReverseBits((byte)(words[c >> 3] >> ((c & 7) * 8)));
                stream.Write(bytes);
            }
        });
        RowNamesSidecar.RemoveStale(path, vectors);
    }

    /// <summary>Bit k of a byte to bit 7 - k (numpy packs most significant bit first; words hold bit k at 1 &lt;&lt; k).</summary>
    internal static byte ReverseBits(byte b) => (byte)((b * 0x0202020202UL & 0x010884422010UL) % 1023);
}
