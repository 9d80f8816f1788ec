using System.Buffers.Binary;
using System.Text;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>The .npy reader on hand-built files: every dtype and byte order, the kind rules, and every malformed case.</summary>
public class NpyReaderTests
{
    /// <summary>Builds a .npy image with an arbitrary header dict and raw data.</summary>
    internal static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        var length = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }

    internal static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>Encodes values in the given dtype.</summary>
    internal static byte[] Encode(string descr, double[] values)
    {
        Assert.True(NpyDtype.TryParse(descr, out var dtype));
        var bytes = new byte[values.Length * dtype.Size];
        for (int k = 0; k < values.Length; k++)
        {
            var b = bytes.AsSpan(k * dtype.Size, dtype.Size);
            double v = values[k];
            switch (dtype.Element)
            {
                case NpyElement.Bool or NpyElement.UInt8: b[0] = (byte)v; break;
                case NpyElement.Int8: b[0] = (byte)(sbyte)v; break;
                case NpyElement.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); break;
                case NpyElement.Int16: BinaryPrimitives.WriteInt16LittleEndian(b, (short)v); break;
                case NpyElement.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)v); break;
                case NpyElement.Int32: BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); break;
                case NpyElement.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)v); break;
                case NpyElement.Int64: BinaryPrimitives.WriteInt64LittleEndian(b, (long)v); break;
                case NpyElement.Float16: BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); break;
                case NpyElement.Float32: BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
                case NpyElement.Float64: BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
            }

            if (dtype.BigEndian) b.Reverse();
        }

        return bytes;
    }

    private static VectorSet Read(byte[] image, VectorKind? forced = null) => NpyReader.Read(new MemoryStream(image), "t.npy", forced);

    private static InputException Fails(byte[] image, VectorKind? forced = null) => Assert.Throws<InputException>(() => Read(image, forced));

    public static TheoryData<string> AllDtypes => new(
        "|b1", "|u1", "|i1", "<u2", ">u2", "<i2", ">i2", "<u4", ">u4", "<i4", ">i4", "<u8", ">u8", "<i8", ">i8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "=f8", "=i4");

    [Theory]
    [MemberData(nameof(AllDtypes))]
    public void ZeroOneValues_ReadInEveryDtype_BinaryUnlessFloat(string descr)
    {
        var values = new double[] { 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1 };
        foreach (int major in new[] { 1, 2, 3 })
        {
            var vectors = Read(Npy(Dict(descr, "(3, 4)"), Encode(descr, values), major));
            bool isFloat = descr.EndsWith("f2", StringComparison.Ordinal) || descr.EndsWith("f4", StringComparison.Ordinal) || descr.EndsWith("f8", StringComparison.Ordinal);
            Assert.Equal(!isFloat, vectors.IsBinary);
            for (int i = 0; i < 3; i++)
            {
                for (int k = 0; k < 4; k++)
                {
                    double actual = vectors is BinaryVectors b ? (b[i, k] ? 1 : 0) : ((DenseVectors)vectors)[i, k];
                    Assert.Equal(values[i * 4 + k], actual);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllDtypes))]
    public void GeneralValues_ReadExactly_Dense(string descr)
    {
        if (descr.EndsWith("b1", StringComparison.Ordinal)) return; // bool holds only 0/1
        bool signed = descr.Contains('i', StringComparison.Ordinal) || descr.Contains('f', StringComparison.Ordinal);
        var values = new double[] { 2, 0, 7, signed ? -3 : 3, 1, 100, signed ? -128 : 255, 5 };
        if (descr.Contains('f', StringComparison.Ordinal)) values[1] = 0.5;
        var vectors = Assert.IsType<DenseVectors>(Read(Npy(Dict(descr, "(2, 4)"), Encode(descr, values))));
        for (int k = 0; k < values.Length; k++) Assert.Equal(values[k], vectors[k / 4, k % 4]);
    }

    [Fact]
    public void ForcedKinds_OverrideTheData()
    {
        var zeroOne = Npy(Dict("<f8", "(2, 2)"), Encode("<f8", [0, 1, 1, 0]));
        Assert.True(Read(zeroOne, VectorKind.Binary).IsBinary);
        var ints = Npy(Dict("<i4", "(2, 2)"), Encode("<i4", [0, 1, 1, 0]));
        Assert.False(Read(ints, VectorKind.Dense).IsBinary);
        Assert.True(Read(ints).IsBinary);
    }

    [Fact]
    public void ForcedBinary_WithATwo_NamesRowAndColumn()
    {
        var image = Npy(Dict("<i8", "(3, 3)"), Encode("<i8", [0, 1, 0, 1, 1, 1, 0, 2, 1]));
        Assert.False(Read(image).IsBinary); // not forced: an integer array with a 2 is dense
        var ex = Fails(image, VectorKind.Binary);
        Assert.Contains("row 2, column 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not 0 or 1", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("t.npy: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FortranOrder_IsRefused()
    {
        var ex = Fails(Npy(Dict("<f4", "(2, 2)", fortran: true), new byte[16]));
        Assert.Contains("Fortran", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(6,)", "1-D")]
    [InlineData("(2, 3, 1)", "3-D")]
    [InlineData("()", "0-D")]
    public void NotTwoDimensional_IsRefused(string shape, string expected)
    {
        var ex = Fails(Npy(Dict("<f4", shape), new byte[24]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("|O")]
    [InlineData("<U4")]
    [InlineData("|b2")]
    [InlineData("<M8[ns]")]
    public void UnknownDtype_IsRefusedWithItsName(string descr)
    {
        var ex = Fails(Npy(Dict(descr, "(1, 1)"), new byte[16]));
        Assert.Contains(descr, ex.Message, StringComparison.Ordinal);
        Assert.Contains("supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StructuredDtype_IsRefused()
    {
        var ex = Fails(Npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        Assert.Contains("structured", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedData_NamesExpectedAndActualBytes()
    {
        var image = Npy(Dict("<f4", "(10, 3)"), new byte[100]);
        var ex = Fails(image);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("120", ex.Message, StringComparison.Ordinal);
        Assert.Contains("100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedHeader_AndWrongMagic_AndExtraBytes()
    {
        var image = Npy(Dict("<f4", "(1, 1)"), new byte[4]);
        Assert.Contains("truncated", Fails(image[..20]).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Fails(image[..7]).Message, StringComparison.Ordinal);
        var wrong = (byte[])image.Clone();
        wrong[1] = (byte)'X';
        Assert.Contains("not a .npy file", Fails(wrong).Message, StringComparison.Ordinal);
        Assert.Contains("after the", Fails([.. image, 1, 2]).Message, StringComparison.Ordinal);
        Assert.Contains("not a .npy file", Fails([]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNAndInfinity_AreRefusedWithTheirPosition()
    {
        var ex = Fails(Npy(Dict("<f8", "(2, 2)"), Encode("<f8", [1, 2, double.NaN, 4])));
        Assert.Contains("row 1, column 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
        ex = Fails(Npy(Dict("<f4", "(1, 2)"), Encode("<f4", [1, double.PositiveInfinity])));
        Assert.Contains("row 0, column 1", ex.Message, StringComparison.Ordinal);
        ex = Fails(Npy(Dict("<f8", "(1, 2)"), Encode("<f8", [1, 1e300])));
        Assert.Contains("float32 range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeDeclaredShape_IsRefusedBeforeAllocating()
    {
        // The header claims 10^12 x 10^6 floats; the data is not there, and it must not be allocated either.
        var ex = Fails(Npy(Dict("<f4", "(1000000000000, 1000000)"), new byte[8]));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Throws<InputException>(() => MemoryBudget.Check("x.npy", 3_000_000_000L, 10, VectorKind.Binary));
        var memory = Assert.Throws<InputException>(() => MemoryBudget.Check("x.npy", 2_000_000_000, 1_000, VectorKind.Binary));
        Assert.Contains("x.npy", memory.Message, StringComparison.Ordinal);
        MemoryBudget.Check("x.npy", 1000, 1000, VectorKind.Dense);
    }

    [Fact]
    public void EmptyAndZeroWidthArrays()
    {
        var empty = Read(Npy(Dict("<f4", "(0, 5)"), []));
        Assert.Equal(0, empty.Count);
        Assert.Contains("no columns", Fails(Npy(Dict("<f4", "(3, 0)"), [])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriterMagic_IsTheSingleByte0x93()
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, BinaryVectors.Parse("01", "10"));
        var bytes = stream.ToArray();
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal("NUMPY", Encoding.ASCII.GetString(bytes, 1, 5));
        Assert.Equal(0, (6 + 2 + 2 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))) % 64);
    }

    [Fact]
    public void MissingFile_AndDirectory_AreOneLineInputErrors()
    {
        using var temp = new FoundationTestData.TempFolder();
        Assert.Contains("file not found", Assert.Throws<InputException>(() => NpyReader.Read(temp.File("none.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<InputException>(() => NpyReader.Read(temp.Path)).Message, StringComparison.Ordinal);
    }
}
