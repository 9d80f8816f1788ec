using System.Buffers.Binary;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Writes TEXMEX <c>.fvecs</c> / <c>.bvecs</c> files. Binary rows become 0/1 components. A dense set can be written as
/// <c>.bvecs</c> only when every entry is an integer in [0, 255] (otherwise the write is refused, not rounded).
/// </summary>
public static class TexmexWriter
{
    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, VectorSet vectors, TexmexFormat format) =>
        AtomicFile.Write(path, stream => Write(stream, vectors, format));

    /// <summary>Writes every row as one record.</summary>
    public static void Write(Stream stream, VectorSet vectors, TexmexFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(vectors);
        int d = vectors.Dimensions;
        int size = format == TexmexFormat.Fvecs ? sizeof(float) : sizeof(byte);
        var record = new byte[4 + d * size];
        BinaryPrimitives.WriteInt32LittleEndian(record, d);
        var values = new float[d];
        for (int i = 0; i < vectors.Count; i++)
        {
            VectorRows.CopyRow(vectors, i, values);
            for (int k = 0; k < d; k++)
            {
                float v = values[k];
                if (format == TexmexFormat.Fvecs)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(4 + k * 4), v);
                }
                else
                {
                    if (v is < 0 or > 255 || v != MathF.Floor(v))
                    {
                        throw new InputException(vectors.Source, RowAssembler.RowColumn(i, k), $"{v} cannot be stored in a .bvecs file (components are integers 0..255); write .fvecs or .npy instead");
                    }

                    record[4 + k] = (byte)v;
                }
            }

            stream.Write(record);
        }
    }
}
