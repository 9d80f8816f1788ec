using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// The <c>.bits</c> format: one binary vector per line written as '0'/'1' characters (<c>00111100</c>), the way the
/// paper writes vectors in {0,1}^l. Blank lines and lines starting with '#' are skipped; every vector has the first
/// one's length. <c>.txt</c> is not this format: it is delimited numbers (<see cref="CsvReader"/>) in every verb.
/// </summary>
public static class BitStringReader
{
    /// <summary>Reads <paramref name="path"/>; <paramref name="forced"/> = <see cref="VectorKind.Dense"/> gives 0/1 floats.</summary>
    /// <exception cref="InputException">A character other than 0/1, a length that differs from the first line's, or no vectors.</exception>
    public static VectorSet Read(string path, VectorKind? forced = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var rows = new List<(string Bits, int Line)>();
        int lineNumber = 0;
        using (var reader = new StreamReader(FileInput.Open(path)))
        {
            while (reader.ReadLine() is { } raw)
            {
                lineNumber++;
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                int bad = line.AsSpan().IndexOfAnyExcept('0', '1');
                if (bad >= 0)
                {
                    throw new InputException(path, Line(lineNumber), $"'{line[bad]}' (character {bad + 1}) is not 0 or 1; a .bits file holds one 0/1 string per line (numbers separated by commas are .csv)");
                }

                if (rows.Count > 0 && line.Length != rows[0].Bits.Length)
                {
                    throw new InputException(path, Line(lineNumber), $"has {line.Length} bits but the first vector has {rows[0].Bits.Length}");
                }

                rows.Add((line, lineNumber));
            }
        }

        if (rows.Count == 0) throw new InputException(path, null, "has no vectors");
        return RowAssembler.Assemble(path, rows.Count, rows[0].Bits.Length, forced ?? VectorKind.Binary, (i, destination) =>
        {
            string bits = rows[i].Bits;
            for (int k = 0; k < bits.Length; k++) destination[k] = bits[k] - '0';
        }, (row, column) => Line(rows[row].Line) + string.Create(System.Globalization.CultureInfo.InvariantCulture, $", character {column + 1}"));
    }

    private static string Line(int number) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"line {number}");
}
