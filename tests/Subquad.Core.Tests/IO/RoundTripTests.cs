using CsCheck;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>Every writer's output read back by every matching reader gives the same vectors, over hundreds of random shapes.</summary>
public class RoundTripTests
{
    // A case: seed, n in 2..200, d in 1..300 (many not multiples of 64 or 16), kind.
    private static readonly Gen<(int Seed, int N, int D, bool Binary, double Density)> Cases =
        Gen.Select(Gen.Int, Gen.Int[2, 200], Gen.OneOf(Gen.Int[1, 300], Gen.OneOfConst(1, 63, 64, 65, 127, 128, 129, 511, 512, 513)), Gen.Bool, Gen.Double[0, 1]);

    private static VectorSet Make((int Seed, int N, int D, bool Binary, double Density) c)
    {
        var random = new Random(c.Seed);
        return c.Binary ? FoundationTestData.Binary(random, c.N, c.D, c.Density) : FoundationTestData.Dense(random, c.N, c.D);
    }

    private static string Print((int Seed, int N, int D, bool Binary, double Density) c) => $"seed {c.Seed}, n {c.N}, d {c.D}, {(c.Binary ? "binary" : "dense")}, density {c.Density}";

    [Fact]
    public void Npy_Version1And2_RoundTrip()
    {
        Cases.Sample(c =>
        {
            var vectors = Make(c);
            foreach (int version in new[] { 1, 2 })
            {
                using var stream = new MemoryStream();
                NpyWriter.Write(stream, vectors, version);
                stream.Position = 0;
                Assert.Equal(version, stream.ToArray()[6]);
                var back = NpyReader.Read(stream, "mem.npy", vectors.IsBinary ? VectorKind.Binary : VectorKind.Dense);
                FoundationTestData.AssertSame(vectors, back);
            }
        }, iter: 150, threads: 1, print: Print);
    }

    [Fact]
    public void Npy_KindDetectedFromData()
    {
        Cases.Sample(c =>
        {
            var vectors = Make(c);
            using var stream = new MemoryStream();
            NpyWriter.Write(stream, vectors);
            stream.Position = 0;
            // Written binary as |u1 0/1 -> binary; dense as <f4 -> dense, whatever the values.
            FoundationTestData.AssertSame(vectors, NpyReader.Read(stream, "mem.npy"));
        }, iter: 100, threads: 1, print: Print);
    }

    [Fact]
    public void Texmex_Fvecs_RoundTrip()
    {
        Cases.Sample(c =>
        {
            var vectors = Make(c);
            using var stream = new MemoryStream();
            TexmexWriter.Write(stream, vectors, TexmexFormat.Fvecs);
            Assert.Equal(vectors.Count * (4 + 4L * vectors.Dimensions), stream.Length);
            stream.Position = 0;
            FoundationTestData.AssertSame(vectors, TexmexReader.Read(stream, "mem.fvecs", TexmexFormat.Fvecs, vectors.IsBinary ? VectorKind.Binary : null));
        }, iter: 150, threads: 1, print: Print);
    }

    [Fact]
    public void Texmex_Bvecs_RoundTrip()
    {
        Cases.Sample(c =>
        {
            var random = new Random(c.Seed);
            VectorSet vectors = c.Binary ? FoundationTestData.Binary(random, c.N, c.D, c.Density) : FoundationTestData.SmallIntegers(random, c.N, c.D, 255);
            using var stream = new MemoryStream();
            TexmexWriter.Write(stream, vectors, TexmexFormat.Bvecs);
            stream.Position = 0;
            FoundationTestData.AssertSame(vectors, TexmexReader.Read(stream, "mem.bvecs", TexmexFormat.Bvecs, vectors.IsBinary ? null : VectorKind.Dense));
        }, iter: 150, threads: 1, print: Print);
    }

    [Fact]
    public void Csv_And_Tsv_RoundTrip()
    {
        Cases.Sample(c =>
        {
            var vectors = Make(c);
            foreach (char delimiter in new[] { ',', '\t' })
            {
                using var stream = new MemoryStream();
                CsvWriter.Write(stream, vectors, delimiter);
                stream.Position = 0;
                var back = CsvReader.Read(stream, "mem.csv", vectors.IsBinary ? null : VectorKind.Dense);
                FoundationTestData.AssertSame(vectors, back);
            }
        }, iter: 60, threads: 1, print: Print);
    }

    [Fact]
    public void VectorFile_EveryExtension_RoundTrips()
    {
        using var temp = new FoundationTestData.TempFolder();
        var random = new Random(11);
        for (int round = 0; round < 12; round++)
        {
            int n = random.Next(2, 60), d = random.Next(1, 140);
            var binary = FoundationTestData.Binary(random, n, d, random.NextDouble());
            var dense = FoundationTestData.Dense(random, n, d);
            var small = FoundationTestData.SmallIntegers(random, n, d, 200);
            foreach (var extension in new[] { ".npy", ".fvecs", ".bvecs", ".csv", ".tsv", ".txt" })
            {
                string path = temp.File($"r{round}{extension}");
                VectorFile.Write(path, binary);
                FoundationTestData.AssertSame(binary, VectorFile.Read(path, VectorKind.Binary));
                var denseSource = extension == ".bvecs" ? small : dense;
                VectorFile.Write(path, denseSource);
                FoundationTestData.AssertSame(denseSource, VectorFile.Read(path, VectorKind.Dense));
            }
        }
    }
}
