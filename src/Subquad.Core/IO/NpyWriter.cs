using System.Globalization;
using System.Text;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Writes 2-D C-order numpy <c>.npy</c> files (format 1.0, or 2.0 when the header needs it): binary rows as
/// <c>|u1</c> 0/1 bytes, dense rows as little-endian <c>&lt;f4</c>. numpy's <c>np.load</c> reads them as they are.
/// </summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> atomically (temp file then rename), so a failed write never leaves half a file where the user's file was.</summary>
    public static void Write(string path, VectorSet vectors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vectors);
        AtomicFile.Write(path, stream => Write(stream, vectors));
        RowNamesSidecar.RemoveStale(path, vectors);
    }

    /// <summary>Writes <paramref name="vectors"/> as one .npy image to <paramref name="stream"/>.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="vectors">Rows to write.</param>
    /// <param name="minimumVersion">1 writes format 1.0 unless the header needs 2.0; 2 always writes 2.0 (for tests and readers that want it).</param>
    public static void Write(Stream stream, VectorSet vectors, int minimumVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(vectors);
        string descr = vectors.IsBinary ? "|u1" : "<f4";
        WriteHeader(stream, descr, vectors.Count, vectors.Dimensions, minimumVersion);
        switch (vectors)
        {
            case BinaryVectors binary:
                var row = new byte[binary.Dimensions];
                for (int i = 0; i < binary.Count; i++)
                {
                    var words = binary.Row(i);
                    for (int k = 0; k < row.Length; k++) row[k] = (byte)((words[k >> 6] >> (k & 63)) & 1UL);
                    stream.Write(row);
                }

                break;
            case DenseVectors dense:
                var bytes = new byte[dense.Dimensions * sizeof(float)];
                for (int i = 0; i < dense.Count; i++)
                {
                    var values = dense.Row(i);
                    for (int k = 0; k < values.Length; k++)
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * sizeof(float)), values[k]);
                    }

                    stream.Write(bytes);
                }

                break;
            default:
                throw new ArgumentException($"unknown vector set {vectors.GetType().Name}", nameof(vectors));
        }
    }

    /// <summary>Writes the magic, version and a header dict padded so the data starts on a 64-byte boundary.</summary>
    internal static void WriteHeader(Stream stream, string descr, long rows, long columns, int minimumVersion = 1)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        int prefixV1 = NpyHeader.Magic.Length + 2 + 2;
        int total = prefixV1 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        bool v2 = minimumVersion >= 2 || padded - prefixV1 > ushort.MaxValue;
        int prefix = v2 ? NpyHeader.Magic.Length + 2 + 4 : prefixV1;
        padded = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict + new string(' ', padded - prefix - dict.Length - 1) + "\n";
        stream.Write(NpyHeader.Magic);
        stream.WriteByte(v2 ? (byte)2 : (byte)1);
        stream.WriteByte(0);
        var length = new byte[v2 ? 4 : 2];
        if (v2) System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        else System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
