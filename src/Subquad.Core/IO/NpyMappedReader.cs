using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Reads a 2-D <c>.npy</c> through a read-only memory map of the file instead of into a managed copy, so a file
/// larger than RAM can be solved and searched: what the process itself must hold is the packed bits of binary rows
/// (l / 8 bytes a row, 8x smaller than a 0/1 uint8 file for l &gt;= 512) or, for dense rows, only their norms.
/// </summary>
/// <remarks>
/// <para>Binary (bool, or integers that are all 0/1, or forced): rows are packed into the engine's bit layout straight
/// from the mapping, one row at a time; the mapping is closed afterwards.</para>
/// <para>Dense little-endian float32 whose rows are already in the engine's layout (d a multiple of 16, so a row is
/// a whole number of 64-byte lines, and the data 64-byte aligned, as numpy and Subquad write it): the engine reads the
/// mapped file in place, with nothing copied; one pass checks every value finite and computes the norms.</para>
/// <para>Any other dense input (other dtypes, other widths): rows are converted to padded float32 into an unnamed
/// scratch file in the temporary folder (TMPDIR), mapped the same way: disk, not RAM.</para>
/// <para>Same checks and the same one-line errors as <see cref="NpyReader"/> (truncated data, a header that lies about
/// its shape, NaN, a FIFO), and the same answers: the vectors are equal to <see cref="NpyReader"/>'s, value for value
/// and norm for norm.</para>
/// </remarks>
public static class NpyMappedReader
{
    /// <summary>Data size from which <see cref="InputMapping.Auto"/> maps: 1 GiB.</summary>
    public const long DefaultThresholdBytes = 1L << 30;

    /// <summary>Overrides <see cref="DefaultThresholdBytes"/> (bytes, or with a K/M/G suffix).</summary>
    public const string ThresholdVariable = "SUBQUAD_MMAP_THRESHOLD";

    /// <summary>
    /// Whether <see cref="InputMapping.Auto"/> maps <paramref name="path"/>: a .npy file whose size is at least the
    /// threshold (<see cref="ThresholdVariable"/>, default 1 GiB) or more than half the memory still available.
    /// </summary>
    public static bool ShouldMap(string path, InputMapping mapping)
    {
        if (mapping == InputMapping.Never || !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return false;
        if (mapping == InputMapping.Always) return true;
        if (!FileInput.IsRegularFile(path)) return false; // the reader gives the error
        long size = new FileInfo(path).Length;
        long threshold = MemoryBudget.ParseBytes(Environment.GetEnvironmentVariable(ThresholdVariable)) ?? DefaultThresholdBytes;
        return size >= threshold || size > MemoryBudget.AvailableBytes() / 2;
    }

    /// <summary>Reads <paramref name="path"/> through a memory map; <paramref name="forced"/> overrides the kind the data would give.</summary>
    /// <exception cref="InputException">Missing, not a regular file, not a readable .npy, truncated, or bad values.</exception>
    public static unsafe VectorSet Read(string path, VectorKind? forced = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = FileInput.Open(path);
        NpyHeader header;
        try
        {
            header = NpyHeader.Read(stream, path);
            NpyReader.CheckDataLength(header, stream.Length, path);
            MemoryBudget.CheckShape(path, header.Rows, header.Columns, forced ?? VectorKind.Binary);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        if (header.Rows == 0)
        {
            // Nothing to map (and a zero-length view is not allowed): the in-memory reader gives the same empty set.
            try
            {
                stream.Position = 0;
                return NpyReader.Read(stream, path, forced);
            }
            finally
            {
                stream.Dispose();
            }
        }

        if (header.Columns * header.Dtype.Size > Array.MaxLength)
        {
            stream.Dispose();
            throw new InputException(path, null, string.Create(CultureInfo.InvariantCulture, $"has rows of {header.Columns} x {header.Dtype.Size} bytes, more than one row buffer can hold (split the columns)"));
        }

        var map = MappedFile.OpenRead(stream, path);
        bool keep = false;
        try
        {
            int n = (int)header.Rows, d = (int)header.Columns;
            byte* data = map.Pointer + header.DataOffset;
            string? hint = forced == VectorKind.Binary ? " (the array was read as binary because binary was asked for)" : null;
            var kind = forced ?? (header.Dtype.Element == NpyElement.Bool ? VectorKind.Binary
                : !header.Dtype.IsIntegral ? VectorKind.Dense
                : header.Dtype.Size == 1 ? (VectorKind?)null // decided while packing: the first byte that is not 0/1 makes it dense
                : IsZeroOne(data, header) ? VectorKind.Binary : VectorKind.Dense);
            if (kind != VectorKind.Dense)
            {
                var bits = PackBinary(data, n, d, header.Dtype, path, stopAtNonBit: kind is null, hint);
                if (bits is not null) return bits;
            }

            MemoryBudget.CheckShape(path, n, d, VectorKind.Dense);
            MemoryBudget.Require(path, (long)n * sizeof(double), "the row norms of the mapped rows", "the rows themselves stay in the file");
            bool inPlace = header.Dtype.Element == NpyElement.Float32 && !header.Dtype.BigEndian && BitConverter.IsLittleEndian
                && d % 16 == 0 && header.DataOffset % 64 == 0;
            var dense = inPlace ? InPlace(map, data, n, d, path) : Converted(data, n, d, header.Dtype, path);
            keep = inPlace;
            return dense;
        }
        finally
        {
            if (!keep) map.Dispose();
        }
    }

    /// <summary>True when every entry of an integer array is 0 or 1 (one pass over the mapping).</summary>
    private static unsafe bool IsZeroOne(byte* data, NpyHeader header)
    {
        int size = header.Dtype.Size;
        const int ChunkElements = 1 << 16;
        for (long start = 0, total = header.Rows * header.Columns; start < total; start += ChunkElements)
        {
            int count = (int)Math.Min(ChunkElements, total - start);
            var bytes = new ReadOnlySpan<byte>(data + (start * size), count * size);
            for (int k = 0; k < count; k++)
            {
                double v = header.Dtype.Decode(bytes, k);
                if (v != 0 && v != 1) return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Packs 0/1 rows into bits. With <paramref name="stopAtNonBit"/> a value other than 0/1 returns null (the data is
    /// dense); without it, it is the one-line error naming its row and column.
    /// </summary>
    private static unsafe BinaryVectors? PackBinary(byte* data, int n, int d, NpyDtype dtype, string source, bool stopAtNonBit, string? hint)
    {
        MemoryBudget.Check(source, n, d, VectorKind.Binary);
        var builder = new BinaryVectors.Builder(n, d);
        long rowBytes = (long)d * dtype.Size;
        for (int i = 0; i < n; i++)
        {
            var words = builder.RowSpan(i);
            if (dtype.Size == 1)
            {
                var row = new ReadOnlySpan<byte>(data + (i * rowBytes), d);
                int bad = row.IndexOfAnyExcept((byte)0, (byte)1);
                if (bad >= 0)
                {
                    if (stopAtNonBit) return null;
                    throw NotBit(source, i, bad, dtype.Decode(row, bad), hint);
                }

                int k = 0;
                for (; k + 64 <= d; k += 64)
                {
                    words[k >> 6] = Vector512.Equals(Vector512.Create(row.Slice(k, 64)), Vector512<byte>.One).ExtractMostSignificantBits();
                }

                for (; k < d; k++)
                {
                    if (row[k] == 1) words[k >> 6] |= 1UL << (k & 63);
                }

                continue;
            }

            var values = new ReadOnlySpan<byte>(data + (i * rowBytes), (int)rowBytes);
            for (int k = 0; k < d; k++)
            {
                double v = dtype.Decode(values, k);
                if (v == 1) words[k >> 6] |= 1UL << (k & 63);
                else if (v != 0)
                {
                    if (stopAtNonBit) return null;
                    throw NotBit(source, i, k, v, hint);
                }
            }
        }

        return builder.Build(null, source);
    }

    private static InputException NotBit(string source, int row, int column, double value, string? hint) =>
        new(source, RowAssembler.RowColumn(row, column), $"{RowAssembler.Show(value)} is not 0 or 1; binary vectors need 0/1 entries{hint}");

    /// <summary>float32 rows already in the engine's layout: checked and normed in one pass, then used where they are.</summary>
    private static unsafe DenseVectors InPlace(MappedFile map, byte* data, int n, int d, string source)
    {
        float* rows = (float*)data;
        var norms = new double[n];
        for (int i = 0; i < n; i++)
        {
            norms[i] = CheckedNorm(new ReadOnlySpan<float>(rows + ((long)i * d), d), i, source);
        }

        return DenseVectors.Wrap(new AlignedBuffer<float>(rows, (long)n * d, map), norms, n, d, source);
    }

    /// <summary>Any dtype, any width: converted to padded float32 rows in a scratch file, checked and normed on the way.</summary>
    private static unsafe DenseVectors Converted(byte* data, int n, int d, NpyDtype dtype, string source)
    {
        int stride = DenseVectors.StrideFor(d);
        var scratch = MappedFile.CreateScratch((long)n * stride * sizeof(float), source);
        try
        {
            float* rows = (float*)scratch.Pointer;
            long rowBytes = (long)d * dtype.Size;
            bool float32 = dtype.Element == NpyElement.Float32 && !dtype.BigEndian && BitConverter.IsLittleEndian;
            var norms = new double[n];
            for (int i = 0; i < n; i++)
            {
                var values = new ReadOnlySpan<byte>(data + (i * rowBytes), (int)rowBytes);
                var row = new Span<float>(rows + ((long)i * stride), d);
                if (float32)
                {
                    MemoryMarshal.Cast<byte, float>(values).CopyTo(row);
                }
                else
                {
                    for (int k = 0; k < d; k++)
                    {
                        double v = dtype.Decode(values, k);
                        if (!double.IsFinite(v)) throw NotFinite(source, i, k, v);
                        float f = (float)v;
                        if (!float.IsFinite(f))
                        {
                            throw new InputException(source, RowAssembler.RowColumn(i, k), $"{RowAssembler.Show(v)} is outside the float32 range (about 3.4e38); rescale the data");
                        }

                        row[k] = f;
                    }
                }

                norms[i] = CheckedNorm(row, i, source);
            }

            return DenseVectors.Wrap(new AlignedBuffer<float>(rows, (long)n * stride, scratch), norms, n, d, source);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    /// <summary>The float64 norm summed in column order, as <see cref="DenseVectors.Builder"/> computes it; NaN and infinity are refused.</summary>
    private static double CheckedNorm(ReadOnlySpan<float> row, int i, string source)
    {
        double sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            float x = row[k];
            if (!float.IsFinite(x)) throw NotFinite(source, i, k, x);
            sum += (double)x * x;
        }

        return Math.Sqrt(sum);
    }

    private static InputException NotFinite(string source, int row, int column, double value) =>
        new(source, RowAssembler.RowColumn(row, column), $"{RowAssembler.Show(value)} is not a finite number; remove or replace NaN and infinite values");
}
