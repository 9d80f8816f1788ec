using System.Buffers.Binary;
using System.Text;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>Hand-checked TEXMEX and CSV files: kinds, delimiters, headers, and each malformed case naming its record or line.</summary>
public class TexmexAndCsvTests
{
    private static byte[] Records(params (int D, byte[] Payload)[] records)
    {
        using var stream = new MemoryStream();
        foreach (var (d, payload) in records)
        {
            var dim = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(dim, d);
            stream.Write(dim);
            stream.Write(payload);
        }

        return stream.ToArray();
    }

    private static VectorSet Bvecs(byte[] image, VectorKind? forced = null) => TexmexReader.Read(new MemoryStream(image), "t.bvecs", TexmexFormat.Bvecs, forced);

    private static VectorSet Fvecs(byte[] image, VectorKind? forced = null) => TexmexReader.Read(new MemoryStream(image), "t.fvecs", TexmexFormat.Fvecs, forced);

    private static VectorSet Csv(string text, VectorKind? forced = null, char? delimiter = null) =>
        CsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.csv", forced, delimiter);

    [Fact]
    public void Bvecs_ZeroOneIsBinary_OtherwiseDense()
    {
        Assert.True(Bvecs(Records((3, [0, 1, 1]), (3, [1, 0, 0]))).IsBinary);
        var dense = Assert.IsType<DenseVectors>(Bvecs(Records((3, [0, 1, 7]), (3, [255, 0, 0]))));
        Assert.Equal(255f, dense[1, 0]);
        var ex = Assert.Throws<InputException>(() => Bvecs(Records((3, [0, 1, 1]), (3, [1, 2, 0])), VectorKind.Binary));
        Assert.Contains("record 1, component 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fvecs_IsDenseUnlessBinaryForced()
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(payload, 1f);
        var image = Records((2, payload), (2, payload));
        Assert.False(Fvecs(image).IsBinary);
        Assert.True(Fvecs(image, VectorKind.Binary).IsBinary);
    }

    [Fact]
    public void Texmex_RaggedAndTruncatedRecords_AreNamed()
    {
        var ragged = Assert.Throws<InputException>(() => Bvecs(Records((3, [0, 1, 1]), (3, [1, 0, 0]), (2, [1, 1]), (3, [1, 0, 1]))));
        Assert.Contains("record 2", ragged.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 2", ragged.Message, StringComparison.Ordinal);
        var full = Records((3, [0, 1, 1]), (3, [1, 0, 0]));
        var truncated = Assert.Throws<InputException>(() => Bvecs(full[..^1]));
        Assert.Contains("record 1", truncated.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);
        var shortDim = Assert.Throws<InputException>(() => Bvecs([.. full, 3, 0]));
        Assert.Contains("record 2", shortDim.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 0", Assert.Throws<InputException>(() => Bvecs(Records((0, [])))).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<InputException>(() => Bvecs([])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bvecs_Writer_RefusesNonBytes()
    {
        var dense = DenseVectors.FromRows([[1.5f, 2f]]);
        var ex = Assert.Throws<InputException>(() => TexmexWriter.Write(new MemoryStream(), dense, TexmexFormat.Bvecs));
        Assert.Contains("row 0, column 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,0,1\n0,1,1\n", null)]
    [InlineData("1\t0\t1\n0\t1\t1\n", null)]
    [InlineData("1;0;1\n0;1;1\n", null)]
    [InlineData("1 0  1\n 0 1 1 \n", null)]
    [InlineData("a,b,c\n1,0,1\n\n   \n0,1,1\n\n", null)]
    [InlineData("\"x\",\"y\",\"z\"\r\n\"1\",\"0\",\"1\"\r\n0,1,1", null)]
    [InlineData("1|0|1\n0|1|1\n", '|')]
    public void Csv_DelimitersHeadersAndBlankLines(string text, char? delimiter)
    {
        var vectors = Assert.IsType<BinaryVectors>(Csv(text, delimiter: delimiter));
        Assert.Equal(2, vectors.Count);
        Assert.Equal(3, vectors.Dimensions);
        Assert.True(vectors[0, 0] && !vectors[0, 1] && vectors[0, 2] && !vectors[1, 0] && vectors[1, 1] && vectors[1, 2]);
    }

    [Fact]
    public void Csv_KindRules()
    {
        Assert.True(Csv("1.0,0\n0,1e0\n").IsBinary);
        Assert.False(Csv("1,0\n0,1\n", VectorKind.Dense).IsBinary);
        var dense = Assert.IsType<DenseVectors>(Csv("h1,h2\n0.5,-2\n3,4e2\n"));
        Assert.Equal(400f, dense[1, 1]);
        var ex = Assert.Throws<InputException>(() => Csv("1,0\n0,1\n# note\n1,2\n", VectorKind.Binary));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal); // "# note" is not a number
        ex = Assert.Throws<InputException>(() => Csv("1,0\n\n0,1\n1,2\n", VectorKind.Binary));
        Assert.Contains("line 4, field 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_RaggedRows_NameTheLine()
    {
        var ex = Assert.Throws<InputException>(() => Csv("x,y,z\n1,2,3\n\n4,5\n"));
        Assert.Equal("t.csv: line 4: has 2 fields but the first data line has 3; every row needs the same number of values", ex.Message);
    }

    [Theory]
    [InlineData("1,2\n3,NaN\n", "line 2, field 2")]
    [InlineData("1,2\n3,nan\n", "line 2, field 2")]
    [InlineData("1,inf\n3,4\n", "line 1, field 2")]
    [InlineData("1,2\n-Infinity,4\n", "line 2, field 1")]
    [InlineData("1,2\n3,1e999\n", "line 2, field 2")]
    public void Csv_NaNAndInfinity_NameLineAndField(string text, string where)
    {
        var ex = Assert.Throws<InputException>(() => Csv(text));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains("finite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_OtherBadInput()
    {
        Assert.Contains("line 2, field 2", Assert.Throws<InputException>(() => Csv("1,2\n3,x\n")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<InputException>(() => Csv("1,2\n3,\n")).Message, StringComparison.Ordinal);
        Assert.Contains("float32 range", Assert.Throws<InputException>(() => Csv("1,2\n3,1e300\n")).Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", Assert.Throws<InputException>(() => Csv("a,b\n\n")).Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", Assert.Throws<InputException>(() => Csv("")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorFile_UnknownExtension_AndSidecar()
    {
        using var temp = new FoundationTestData.TempFolder();
        Assert.Contains(".parquet", Assert.Throws<InputException>(() => VectorFile.Read(temp.File("x.parquet"))).Message, StringComparison.Ordinal);
        string path = temp.File("docs.csv");
        VectorFile.Write(path, BinaryVectors.Parse("10", "01", "11"));
        Assert.Null(VectorFile.Read(path).RowNames);
        new RowNamesSidecar { Rows = ["a.txt", "b/c.txt", "d.txt"], Keywords = ["x", "y"] }.WriteFor(path);
        Assert.True(File.Exists(temp.File("docs.names.json")));
        Assert.Equal(["a.txt", "b/c.txt", "d.txt"], VectorFile.Read(path).RowNames!);
        new RowNamesSidecar { Rows = ["a.txt"] }.WriteFor(path);
        Assert.Contains("names 1 rows", Assert.Throws<InputException>(() => VectorFile.Read(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(temp.File("docs.names.json"), "{ not json");
        Assert.Contains("docs.names.json", Assert.Throws<InputException>(() => VectorFile.Read(path)).Message, StringComparison.Ordinal);
    }
}
