using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>The .bits format (one 0/1 string per line) and the one meaning of .txt (delimited numbers, as .csv).</summary>
public sealed class BitStringReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("subquad-bits-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Bits_ReadsOneVectorPerLine_SkippingCommentsAndBlanks()
    {
        var vectors = Assert.IsType<BinaryVectors>(VectorFile.Read(Write("v.bits", "# header", "0110", "", "  1001  ", "0000")));
        Assert.Equal(3, vectors.Count);
        Assert.Equal(4, vectors.Dimensions);
        Assert.Equal([false, true, true, false], Enumerable.Range(0, 4).Select(k => vectors[0, k]));
        Assert.Equal([true, false, false, true], Enumerable.Range(0, 4).Select(k => vectors[1, k]));
        Assert.Equal(0, vectors.Weight(2));
    }

    [Fact]
    public void Bits_ForcedDense_GivesZeroOneFloats()
    {
        var dense = Assert.IsType<DenseVectors>(VectorFile.Read(Write("d.bits", "01", "10"), VectorKind.Dense));
        Assert.Equal(1f, dense[0, 1]);
        Assert.Equal(0f, dense[1, 1]);
    }

    [Theory]
    [InlineData(new[] { "0110", "01x0" }, "line 2", "'x' (character 3) is not 0 or 1")]
    [InlineData(new[] { "# c", "0110", "011" }, "line 3", "has 3 bits but the first vector has 4")]
    [InlineData(new[] { "0,1,1", "1,0,0" }, "line 1", "',' (character 2) is not 0 or 1")]
    public void Bits_BadLines_NameTheLine(string[] lines, string where, string what)
    {
        var ex = Assert.Throws<InputException>(() => VectorFile.Read(Write("bad.bits", lines)));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bits_WithNoVectors_IsAnError_AndIsNeverWritten()
    {
        Assert.Contains("has no vectors", Assert.Throws<InputException>(() => VectorFile.Read(Write("empty.bits", "# nothing"))).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => VectorFile.WritableFormatOf(Path.Combine(_folder, "out.bits")));
        Assert.Equal(".csv", VectorFile.WritableFormatOf(Path.Combine(_folder, "out.csv")));
    }

    [Fact]
    public void Txt_IsDelimitedNumbers_AndBitStringsThereAreRefusedWithAPointerToBits()
    {
        var txt = VectorFile.Read(Write("v.txt", "0 1 1", "1 0 0"), VectorKind.Binary);
        Assert.Equal(3, txt.Dimensions);
        var ex = Assert.Throws<InputException>(() => VectorFile.Read(Write("s.txt", "011", "100"), VectorKind.Binary));
        Assert.Contains(".bits format", ex.Message, StringComparison.Ordinal);
    }
}
