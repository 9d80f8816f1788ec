using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>np.packbits(x, axis=1) layout in and out: round trips at every length around byte and word edges, the byte order checked by hand.</summary>
public sealed class PackedBitsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("subquad-packed-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void RoundTrips_AtEveryLength()
    {
        var random = new Random(5);
        for (int l = 1; l <= 130; l++)
        {
            var builder = new BinaryVectors.Builder(7, l);
            for (int i = 0; i < 7; i++) for (int k = 0; k < l; k++) if (random.Next(3) == 0) builder.Set(i, k);
            var vectors = builder.Build();
            PackedBits.Write(PathOf("p.npy"), vectors);
            var back = PackedBits.Read(PathOf("p.npy"), l);
            Assert.Equal(vectors.Words.ToArray(), back.Words.ToArray());
            Assert.Equal((7 * PackedBits.BytesFor(l)) + 128, new FileInfo(PathOf("p.npy")).Length);
        }
    }

    [Fact]
    public void MostSignificantBitFirst_AsNumpyPacks()
    {
        // np.packbits([[1,0,0,0,0,0,0,0, 0,1]], axis=1) == [[0x80, 0x40]]
        var vectors = BinaryVectors.Parse("1000000001");
        PackedBits.Write(PathOf("p.npy"), vectors);
        var bytes = File.ReadAllBytes(PathOf("p.npy"));
        Assert.Equal(new byte[] { 0x80, 0x40 }, bytes[^2..]);
        Assert.Contains("'descr': '|u1'", System.Text.Encoding.ASCII.GetString(bytes, 0, 128), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongLength_PaddingBits_AndOtherDtypes_AreRefused()
    {
        PackedBits.Write(PathOf("p.npy"), BinaryVectors.Parse("1000000001"));
        var wrong = Assert.Throws<InputException>(() => PackedBits.Read(PathOf("p.npy"), 20));
        Assert.Contains("2 bytes per row", wrong.Message, StringComparison.Ordinal);
        var padding = Assert.Throws<InputException>(() => PackedBits.Read(PathOf("p.npy"), 9));
        Assert.Contains("padding bits", padding.Message, StringComparison.Ordinal);
        NpyWriter.Write(PathOf("f.npy"), DenseVectors.FromRows([new float[] { 1, 2 }]));
        Assert.Contains("dtype", Assert.Throws<InputException>(() => PackedBits.Read(PathOf("f.npy"), 16)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writers_RemoveAStaleSidecar()
    {
        string vectors = PathOf("docs.npy");
        VectorFile.Write(vectors, BinaryVectors.Parse("10", "01", "11"));
        new RowNamesSidecar { Rows = ["a", "b", "c"] }.WriteFor(vectors);
        Assert.Equal(3, VectorFile.Read(vectors).RowNames!.Count);
        VectorFile.Write(vectors, BinaryVectors.Parse("10", "01"));
        Assert.False(File.Exists(RowNamesSidecar.PathFor(vectors)));
        Assert.Null(VectorFile.Read(vectors).RowNames);
    }
}
