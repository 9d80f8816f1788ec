using System.Buffers.Binary;

namespace Subquad.Core.IO;

/// <summary>The element types of a numpy array Subquad reads.</summary>
public enum NpyElement
{
    /// <summary>numpy bool (<c>|b1</c>): one byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>u1</c>.</summary>
    UInt8,

    /// <summary><c>i1</c>.</summary>
    Int8,

    /// <summary><c>u2</c>.</summary>
    UInt16,

    /// <summary><c>i2</c>.</summary>
    Int16,

    /// <summary><c>u4</c>.</summary>
    UInt32,

    /// <summary><c>i4</c>.</summary>
    Int32,

    /// <summary><c>u8</c>.</summary>
    UInt64,

    /// <summary><c>i8</c>.</summary>
    Int64,

    /// <summary><c>f2</c> (IEEE half).</summary>
    Float16,

    /// <summary><c>f4</c>.</summary>
    Float32,

    /// <summary><c>f8</c>.</summary>
    Float64,
}

/// <summary>
/// A numpy dtype string (<c>descr</c>) such as <c>&lt;f4</c>, <c>|u1</c> or <c>&gt;i8</c>: byte order, kind and size.
/// numpy writes '&lt;' (little), '&gt;' (big), '|' (not applicable, one byte) or '=' (native, little on every
/// machine Subquad runs on).
/// </summary>
public readonly record struct NpyDtype(string Descr, NpyElement Element, int Size, bool BigEndian)
{
    /// <summary>True for bool and the integer types (their 0/1 arrays become binary rows).</summary>
    public bool IsIntegral => Element is not (NpyElement.Float16 or NpyElement.Float32 or NpyElement.Float64);

    /// <summary>The dtypes <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string Supported = "bool (b1), uint8/16/32/64 (u1..u8), int8/16/32/64 (i1..i8), float16/32/64 (f2, f4, f8), either byte order";

    /// <summary>Parses a simple (non-structured) descr; false for anything Subquad does not read.</summary>
    public static bool TryParse(string descr, out NpyDtype dtype)
    {
        dtype = default;
        if (descr.Length < 3) return false;
        char order = descr[0];
        if (order is not ('<' or '>' or '|' or '=')) return false;
        string code = descr[1..];
        (NpyElement element, int size)? parsed = code switch
        {
            "b1" => (NpyElement.Bool, 1),
            "u1" => (NpyElement.UInt8, 1),
            "i1" => (NpyElement.Int8, 1),
            "u2" => (NpyElement.UInt16, 2),
            "i2" => (NpyElement.Int16, 2),
            "u4" => (NpyElement.UInt32, 4),
            "i4" => (NpyElement.Int32, 4),
            "u8" => (NpyElement.UInt64, 8),
            "i8" => (NpyElement.Int64, 8),
            "f2" => (NpyElement.Float16, 2),
            "f4" => (NpyElement.Float32, 4),
            "f8" => (NpyElement.Float64, 8),
            _ => null,
        };
        if (parsed is not { } p) return false;
        if (order == '|' && p.size != 1) return false;
        dtype = new NpyDtype(descr, p.element, p.size, order == '>');
        return true;
    }

    /// <summary>Element <paramref name="k"/> of <paramref name="bytes"/> as a double (exact for every integer up to 2^53 and every float).</summary>
    public double Decode(ReadOnlySpan<byte> bytes, int k)
    {
        var b = bytes.Slice(k * Size, Size);
        return (Element, BigEndian) switch
        {
            (NpyElement.Bool, _) => b[0],
            (NpyElement.UInt8, _) => b[0],
            (NpyElement.Int8, _) => (sbyte)b[0],
            (NpyElement.UInt16, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
            (NpyElement.UInt16, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
            (NpyElement.Int16, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
            (NpyElement.Int16, true) => BinaryPrimitives.ReadInt16BigEndian(b),
            (NpyElement.UInt32, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
            (NpyElement.UInt32, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
            (NpyElement.Int32, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
            (NpyElement.Int32, true) => BinaryPrimitives.ReadInt32BigEndian(b),
            (NpyElement.UInt64, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
            (NpyElement.UInt64, true) => BinaryPrimitives.ReadUInt64BigEndian(b),
            (NpyElement.Int64, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
            (NpyElement.Int64, true) => BinaryPrimitives.ReadInt64BigEndian(b),
            (NpyElement.Float16, false) => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
            (NpyElement.Float16, true) => (double)BinaryPrimitives.ReadHalfBigEndian(b),
            (NpyElement.Float32, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
            (NpyElement.Float32, true) => BinaryPrimitives.ReadSingleBigEndian(b),
            (NpyElement.Float64, false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
            (NpyElement.Float64, true) => BinaryPrimitives.ReadDoubleBigEndian(b),
            _ => throw new InvalidOperationException(Descr),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Descr;
}
