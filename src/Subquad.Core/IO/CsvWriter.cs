using System.Globalization;
using System.Text;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Writes rows as delimited text, one row per line, no header: bits as 0/1, floats in their shortest round-trip form
/// (so <see cref="CsvReader"/> reads back the same float32 values).
/// </summary>
public static class CsvWriter
{
    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, VectorSet vectors, char delimiter = ',') =>
        AtomicFile.Write(path, stream => Write(stream, vectors, delimiter));

    /// <summary>Writes to a stream (UTF-8, '\n' line ends).</summary>
    public static void Write(Stream stream, VectorSet vectors, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(vectors);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var values = new float[vectors.Dimensions];
        var line = new StringBuilder();
        for (int i = 0; i < vectors.Count; i++)
        {
            VectorRows.CopyRow(vectors, i, values);
            line.Clear();
            for (int k = 0; k < values.Length; k++)
            {
                if (k > 0) line.Append(delimiter);
                line.Append(values[k].ToString("R", CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line);
        }
    }
}
