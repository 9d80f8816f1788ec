using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Subquad.Core.IO;

/// <summary>
/// The header of a <c>.npy</c> file (numpy format versions 1.0, 2.0 and 3.0): the dtype, the order and the shape, and
/// where the data starts. Only what Subquad can read passes <see cref="Read"/>: a simple dtype, C order, two axes.
/// </summary>
/// <param name="Major">Format major version (1, 2 or 3).</param>
/// <param name="Minor">Format minor version.</param>
/// <param name="Dtype">Element type.</param>
/// <param name="Rows">Shape[0].</param>
/// <param name="Columns">Shape[1].</param>
/// <param name="DataOffset">Byte offset of element (0, 0).</param>
public sealed partial record NpyHeader(int Major, int Minor, NpyDtype Dtype, long Rows, long Columns, long DataOffset)
{
    // Not "\x93NUMPY"u8: a u8 literal encodes U+0093 as the two UTF-8 bytes C2 93, and numpy wants the single byte 0x93.
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes of data the header declares: rows * columns * element size.</summary>
    public long DataBytes => checked(Rows * Columns * Dtype.Size);

    /// <summary>Reads and checks the header at the start of <paramref name="stream"/>; leaves the stream at the data.</summary>
    /// <exception cref="InputException">Not a .npy file, an unsupported dtype or order, or not two axes.</exception>
    public static NpyHeader Read(Stream stream, string? source)
    {
        var prefix = new byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 6 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InputException(source, null, "is not a .npy file (it does not start with the \\x93NUMPY magic)");
        }

        if (got < 8) throw Truncated(source, "the version");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3)
        {
            throw new InputException(source, null, $"is .npy format version {major}.{minor}; Subquad reads versions 1.0, 2.0 and 3.0");
        }

        // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (numpy's format.py).
        int lengthBytes = major == 1 ? 2 : 4;
        var lengthField = new byte[4];
        if (stream.ReadAtLeast(lengthField.AsSpan(0, lengthBytes), lengthBytes, throwOnEndOfStream: false) < lengthBytes)
        {
            throw Truncated(source, "the header length");
        }

        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > 1 << 24) throw new InputException(source, null, $"declares a {headerLength}-byte header; the file is corrupt");
        long dataOffset = 8 + lengthBytes + headerLength;
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw Truncated(source, "the header");
        }

        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        return Parse(text, major, minor, dataOffset, source);
    }

    private static NpyHeader Parse(string text, int major, int minor, long dataOffset, string? source)
    {
        var descrMatch = DescrPattern().Match(text);
        if (!descrMatch.Success)
        {
            if (StructuredPattern().IsMatch(text)) throw new InputException(source, null, "holds a structured (record) array; Subquad reads plain numeric 2-D arrays");
            throw new InputException(source, null, "has a .npy header without a 'descr' entry; the file is corrupt");
        }

        string descr = descrMatch.Groups[1].Success ? descrMatch.Groups[1].Value : descrMatch.Groups[2].Value;
        if (!NpyDtype.TryParse(descr, out var dtype))
        {
            throw new InputException(source, null, $"has dtype '{descr}', which Subquad does not read; supported: {NpyDtype.Supported} (convert with arr.astype(numpy.float32))");
        }

        var orderMatch = FortranPattern().Match(text);
        if (!orderMatch.Success) throw new InputException(source, null, "has a .npy header without 'fortran_order'; the file is corrupt");
        if (orderMatch.Groups[1].Value == "True")
        {
            throw new InputException(source, null, "is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray(arr)) and try again");
        }

        var shapeMatch = ShapePattern().Match(text);
        if (!shapeMatch.Success) throw new InputException(source, null, "has a .npy header without 'shape'; the file is corrupt");
        var axes = new List<long>();
        foreach (var part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long axis))
            {
                throw new InputException(source, null, $"has shape entry '{part}' that is not a non-negative integer; the file is corrupt");
            }

            axes.Add(axis);
        }

        if (axes.Count != 2)
        {
            string shape = "(" + string.Join(", ", axes) + (axes.Count == 1 ? ",)" : ")");
            throw new InputException(source, null, $"holds a {axes.Count}-D array of shape {shape}; Subquad needs a 2-D array of n rows by l columns (reshape it, e.g. arr.reshape(n, -1))");
        }

        if (axes[1] == 0 && axes[0] > 0)
        {
            throw new InputException(source, null, $"has shape ({axes[0]}, 0): rows with no columns; every row needs at least one entry");
        }

        return new NpyHeader(major, minor, dtype, axes[0], axes[1], dataOffset);
    }

    private static InputException Truncated(string? source, string what) =>
        new(source, null, $"is truncated: the file ends inside {what}");

    [GeneratedRegex(@"['""]descr['""]\s*:\s*(?:'([^']*)'|""([^""]*)"")")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]descr['""]\s*:\s*\[")]
    private static partial Regex StructuredPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
