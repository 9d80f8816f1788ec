using System.Globalization;
using System.Text;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// Reads a table of numbers, one row per line: CSV, TSV, semicolon- or whitespace-separated.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Delimiter: given, or detected on the first non-empty line (tab, else comma, else semicolon, else runs of
/// spaces).</item>
/// <item>Header: the first non-empty line is a header, and skipped, when none of its fields is a number (or when the
/// caller says there is one). A first line mixing numbers and words is an error naming line 1: taking it as a header
/// would silently drop a data row with a typo.</item>
/// <item>Memory: values are kept in one growing float buffer (4 bytes per value, a line number per row), checked
/// against <see cref="MemoryBudget"/> as it grows, so a file of short lines costs what its values need.</item>
/// <item>Empty (or whitespace-only) lines are skipped; lines are numbered from 1 as in an editor, fields from 1.</item>
/// <item>Every data line must have the first data line's field count (ragged rows are errors naming the line);
/// NaN and infinities are errors naming line and field. A field may be wrapped in double quotes.</item>
/// <item>Kind: binary when every value is 0 or 1 (numerically: "1.0" counts), dense otherwise, unless forced.</item>
/// </list>
/// </remarks>
public static class CsvReader
{
    /// <summary>Splits on runs of spaces and tabs.</summary>
    public const char Whitespace = ' ';

    /// <summary>Reads <paramref name="path"/>; <paramref name="delimiter"/> null detects it.</summary>
    public static VectorSet Read(string path, VectorKind? forced = null, char? delimiter = null, bool? header = null)
    {
        using var stream = FileInput.Open(path);
        return Read(stream, path, forced, delimiter, header);
    }

    /// <summary>Reads all lines of <paramref name="stream"/> (UTF-8, BOM allowed).</summary>
    /// <param name="stream">The text.</param>
    /// <param name="source">Names the file in messages.</param>
    /// <param name="forced">Kind to read as; null decides from the values.</param>
    /// <param name="delimiter">Field separator; null detects it.</param>
    /// <param name="header">True: the first non-empty line is a header; false: there is none; null: a first line with no number in it.</param>
    public static VectorSet Read(Stream stream, string? source, VectorKind? forced = null, char? delimiter = null, bool? header = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        var values = new GrowingBuffer<float>(source, "values");
        var lineNumbers = new GrowingBuffer<int>(source, "line numbers");
        int rowCount = 0;
        bool zeroOne = true;
        int width = -1;
        int lineNumber = 0;
        bool first = true;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            delimiter ??= Detect(line);
            var fields = Split(line, delimiter.Value);
            if (first)
            {
                first = false;
                if (header ?? IsHeader(fields)) continue;
            }

            if (width < 0) width = fields.Length;
            else if (fields.Length != width)
            {
                throw new InputException(source, Line(lineNumber), $"has {fields.Length} fields but the first data line has {width}; every row needs the same number of values");
            }

            var row = values.Append(width);
            for (int f = 0; f < fields.Length; f++)
            {
                // Parsed straight to float32 (correctly rounded once): parsing to double and then narrowing could
                // round twice and miss the float a writer's shortest round-trip string names.
                ParseField(fields[f], source, lineNumber, f);
                float x = float.Parse(Unquote(fields[f]), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (x != 0 && x != 1) zeroOne = false;
                if (!float.IsFinite(x))
                {
                    throw new InputException(source, Field(lineNumber, f), $"{fields[f].Trim()} is outside the float32 range (about 3.4e38); rescale the data");
                }

                row[f] = x;
            }

            lineNumbers.Append(1)[0] = lineNumber;
            rowCount++;
        }

        if (rowCount == 0)
        {
            throw new InputException(source, null, "has no data rows (only empty lines or a header)");
        }

        var kind = forced ?? (zeroOne ? VectorKind.Binary : VectorKind.Dense);
        var all = values.Raw;
        var lines = lineNumbers.Raw;
        MemoryBudget.Check(source, rowCount, width, kind);
        return RowAssembler.Assemble(source, rowCount, width, kind, (i, destination) =>
        {
            var row = all.AsSpan(i * width, width);
            for (int k = 0; k < row.Length; k++) destination[k] = row[k];
        }, (row, column) => Field(lines[row], column), forced == VectorKind.Binary ? " (binary was asked for; a file of 0/1 strings such as 0110 is the .bits format)" : null);
    }

    private static char Detect(string line) =>
        line.Contains('\t', StringComparison.Ordinal) ? '\t'
        : line.Contains(',', StringComparison.Ordinal) ? ','
        : line.Contains(';', StringComparison.Ordinal) ? ';'
        : Whitespace;

    private static string[] Split(string line, char delimiter) => delimiter == Whitespace
        ? line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
        : line.Split(delimiter);

    /// <summary>A header has no field that reads as a number (NaN and infinity count as numbers: they are data, and bad).</summary>
    private static bool IsHeader(string[] fields) =>
        fields.All(f => !IsNonFinite(Unquote(f)) && !double.TryParse(Unquote(f), NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    private static double ParseField(string field, string? source, int line, int f)
    {
        string text = Unquote(field);
        if (text.Length == 0) throw new InputException(source, Field(line, f), "is empty; every field must hold a number");
        if (IsNonFinite(text) || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsFinite(v)))
        {
            throw new InputException(source, Field(line, f), $"{text} is not a finite number; remove or replace NaN and infinite values");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v))
        {
            throw new InputException(source, Field(line, f), $"'{text}' is not a number");
        }

        return v;
    }

    private static bool IsNonFinite(string text)
    {
        string t = text.TrimStart('+', '-').ToLowerInvariant();
        return t is "nan" or "inf" or "infinity" or "∞";
    }

    private static string Unquote(string field)
    {
        string t = field.Trim();
        return t.Length >= 2 && t[0] == '"' && t[^1] == '"' ? t[1..^1].Trim() : t;
    }

    private static string Line(int line) => string.Create(CultureInfo.InvariantCulture, $"line {line}");

    private static string Field(int line, int field) => string.Create(CultureInfo.InvariantCulture, $"line {line}, field {field + 1}");
}
