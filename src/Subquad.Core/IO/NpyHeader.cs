using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Numerics;

namespace Subquad.Core.IO;

/// <summary>
/// The header of a <c>.npy</c> file (numpy format versions 1.0, 2.0 and 3.0): the dtype, the order and the shape, and
/// where the data starts. Only what Subquad can read passes <see cref="Read(Stream, string?)"/>: a simple dtype, C order, two axes.
/// </summary>
/// <param name="Major">Format major version (1, 2 or 3).</param>
/// <param name="Minor">Format minor version.</param>
/// <param name="Dtype">Element type.</param>
/// <param name="Rows">Shape[0].</param>
/// <param name="Columns">Shape[1].</param>
/// <param name="DataOffset">Byte offset of element (0, 0).</param>
public sealed record NpyHeader(int Major, int Minor, NpyDtype Dtype, long Rows, long Columns, long DataOffset)
{
    // Not "\x93NUMPY"u8: a u8 literal encodes U+0093 as the two UTF-8 bytes C2 93, and numpy wants the single byte 0x93.
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes of data the header declares: rows * columns * element size.</summary>
    public long DataBytes => (Int128)Rows * Columns * Dtype.Size is var bytes && bytes <= long.MaxValue ? (long)bytes : long.MaxValue;

    /// <summary>
    /// The longest header read unless a caller allows more: 64 KiB. numpy writes about 128 bytes and itself refuses
    /// more than 10,000 by default (max_header_size); a longer one is a corrupt or hostile file.
    /// </summary>
    public const int MaxHeaderBytes = 64 << 10;

    /// <summary>Reads and checks the header at the start of <paramref name="stream"/>; leaves the stream at the data.</summary>
    /// <exception cref="InputException">Not a .npy file, an unsupported dtype or order, or not two axes.</exception>
    public static NpyHeader Read(Stream stream, string? source) => Read(stream, source, MaxHeaderBytes);

    /// <summary>Reads the header, allowing up to <paramref name="maxHeaderBytes"/> of it.</summary>
    public static NpyHeader Read(Stream stream, string? source, int maxHeaderBytes)
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
        if (headerLength > maxHeaderBytes)
        {
            throw new InputException(source, null, $"declares a {headerLength}-byte header, over the {maxHeaderBytes}-byte limit (numpy writes about 128 bytes); the file is corrupt or not a plain array");
        }

        long dataOffset = 8 + lengthBytes + headerLength;
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw Truncated(source, "the header");
        }

        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        return Parse(text, major, minor, dataOffset, source);
    }

    /// <summary>
    /// Parses the header text as numpy does (<c>numpy.lib.format._read_array_header</c>): a Python dict literal with
    /// exactly the keys descr, fortran_order and shape (the last of duplicate keys wins), descr a string, fortran_order
    /// a bool, shape a tuple of integers. Then Subquad's own limits: a dtype it reads, C order, two axes.
    /// </summary>
    internal static NpyHeader Parse(string text, int major, int minor, long dataOffset, string? source)
    {
        var (descr, fortran, axes) = ParseFields(text, major, source);
        if (descr is null) throw new InputException(source, null, "holds a structured (record) array; Subquad reads plain numeric 2-D arrays");
        if (!NpyDtype.TryParse(descr, out var dtype))
        {
            throw new InputException(source, null, $"has dtype '{Printable(descr)}', which Subquad does not read; supported: {NpyDtype.Supported} (convert with arr.astype(numpy.float32))");
        }

        if (fortran)
        {
            throw new InputException(source, null, "is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray(arr)) and try again");
        }

        if (axes.Length != 2)
        {
            string shape = "(" + string.Join(", ", axes) + (axes.Length == 1 ? ",)" : ")");
            throw new InputException(source, null, $"holds a {axes.Length}-D array of shape {shape}; Subquad needs a 2-D array of n rows by l columns (reshape it, e.g. arr.reshape(n, -1))");
        }

        if (axes[0] < 0 || axes[1] < 0)
        {
            throw new InputException(source, null, $"declares a negative shape ({axes[0]}, {axes[1]}); the file is corrupt");
        }

        if (axes[1] == 0)
        {
            throw new InputException(source, null, $"has shape ({axes[0]}, 0): rows with no columns; every row needs at least one entry");
        }

        return new NpyHeader(major, minor, dtype, axes[0], axes[1], dataOffset);
    }

    /// <summary>
    /// The three fields exactly as numpy's header check reads them (descr as written, before any dtype lookup), for
    /// the property test against numpy. Throws what numpy rejects, and integers beyond 64 bits; descr is null for a
    /// list (a structured dtype, which <see cref="Parse"/> refuses), and is not checked as a dtype here.
    /// </summary>
    internal static (string? Descr, bool Fortran, long[] Shape) ParseFields(string text, int major, string? source)
    {
        var literal = NpyHeaderLiteral.TryParse(text, python2Longs: major <= 2, out string? error)
            ?? throw new InputException(source, null, $"has a .npy header that is not a Python literal ({error}); the file is corrupt");
        if (literal.Kind != NpyHeaderLiteral.ValueKind.Dict)
        {
            throw new InputException(source, null, $"has a .npy header that is a {literal.Kind.ToString().ToLowerInvariant()}, not a dict; the file is corrupt");
        }

        // Python dict literal semantics: a repeated key keeps its last value.
        var fields = new Dictionary<string, NpyHeaderLiteral.Value>(StringComparer.Ordinal);
        var otherKeys = new List<string>();
        foreach (var (key, value) in literal.Entries!)
        {
            if (key.Kind == NpyHeaderLiteral.ValueKind.String && (string)key.Scalar! is "descr" or "fortran_order" or "shape") fields[(string)key.Scalar!] = value;
            else otherKeys.Add(key.Kind == NpyHeaderLiteral.ValueKind.String ? "'" + Printable((string)key.Scalar!) + "'" : key.Kind.ToString().ToLowerInvariant());
        }

        if (otherKeys.Count > 0 || fields.Count != 3)
        {
            string missing = string.Join(", ", new[] { "descr", "fortran_order", "shape" }.Where(k => !fields.ContainsKey(k)));
            string problem = otherKeys.Count > 0 ? "has other keys (" + string.Join(", ", otherKeys.Distinct().Take(5)) + ")" : "lacks " + missing;
            if (!fields.ContainsKey("descr") && otherKeys.Count == 0) throw new InputException(source, null, "has a .npy header without a 'descr' entry; the file is corrupt");
            throw new InputException(source, null, $"has a .npy header that {problem}; numpy headers have exactly 'descr', 'fortran_order' and 'shape'");
        }

        var descrValue = fields["descr"];
        if (descrValue.Kind is not (NpyHeaderLiteral.ValueKind.String or NpyHeaderLiteral.ValueKind.List)) throw new InputException(source, null, $"has a 'descr' that is a {descrValue.Kind.ToString().ToLowerInvariant()}, not a dtype string; the file is corrupt");
        var fortranValue = fields["fortran_order"];
        if (fortranValue.Kind != NpyHeaderLiteral.ValueKind.Boolean) throw new InputException(source, null, "has a 'fortran_order' that is not True or False; the file is corrupt");
        var shapeValue = fields["shape"];
        if (shapeValue.Kind != NpyHeaderLiteral.ValueKind.Tuple) throw new InputException(source, null, $"has a 'shape' that is a {shapeValue.Kind.ToString().ToLowerInvariant()}, not a tuple; the file is corrupt");
        var shape = new long[shapeValue.Items!.Count];
        for (int k = 0; k < shape.Length; k++)
        {
            var axis = shapeValue.Items[k];
            // Python's bool is an int, and numpy's isinstance(x, int) check lets True and False through as 1 and 0.
            if (axis.Kind == NpyHeaderLiteral.ValueKind.Boolean) shape[k] = (bool)axis.Scalar! ? 1 : 0;
            else if (axis.Kind != NpyHeaderLiteral.ValueKind.Integer) throw new InputException(source, null, $"has shape entry {k} that is a {axis.Kind.ToString().ToLowerInvariant()}, not an integer; the file is corrupt");
            else if ((BigInteger)axis.Scalar! is var big && (big > long.MaxValue || big < long.MinValue)) throw new InputException(source, null, $"has shape entry {k} = {Shorten(big.ToString(CultureInfo.InvariantCulture))}, beyond 64 bits; the file is corrupt");
            else shape[k] = (long)(BigInteger)axis.Scalar!;
        }

        return (descrValue.Kind == NpyHeaderLiteral.ValueKind.List ? null : (string)descrValue.Scalar!, (bool)fortranValue.Scalar!, shape);
    }

    private static string Printable(string text) => Shorten(ErrorText.Escape(text));

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";

    private static InputException Truncated(string? source, string what) =>
        new(source, null, $"is truncated: the file ends inside {what}");
}
